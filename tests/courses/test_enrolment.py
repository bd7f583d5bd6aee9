import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses import services
from courses.models import (
    Enrolment,
    EnrolmentEvent,
    OfferState,
    WaitlistOffer,
)
from courses.services.notifications import endorsement_read_token, endorsement_token
from lms.errors import Conflict, DomainError, PermissionDenied
from tests.factories import UserFactory

from .factories import give_skill, make_programme

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def apply(programme, user=None, **kw):
    user = user or give_skill(UserFactory())
    return services.enrolment_apply(
        programme=programme, user=user, answers=kw.pop("answers", {}), **kw
    )


def positions(programme):
    return list(
        programme.enrolments.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("waitlist_position", flat=True)
    )


def test_applicant_gets_a_seat_and_an_email(
    programme, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = apply(programme, member)
    assert enrolment.status == "confirmed"
    assert enrolment.confirmed_at is not None
    assert enrolment.organisation_name == member.organisation.name
    assert len(mail.outbox) == 1
    assert "confirmed" in mail.outbox[0].subject
    assert "Asia/Seoul" in mail.outbox[0].body
    assert EnrolmentEvent.objects.get(enrolment=enrolment).to_status == "confirmed"


def test_full_programme_waitlists_the_next_applicant_in_order(office):
    programme = make_programme(office=office, capacity=2)
    statuses = [apply(programme).status for _ in range(5)]
    assert statuses == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
        "waitlisted",
    ]
    assert positions(programme) == [1, 2, 3]


def test_applying_twice_is_refused(programme, member):
    apply(programme, member)
    with pytest.raises(Conflict) as exc:
        apply(programme, member)
    assert exc.value.code == "already_enrolled"
    assert Enrolment.objects.filter(user=member).count() == 1


def test_ineligible_applicant_gets_reasons_and_nothing_is_written(
    office, egov_rules, non_member
):
    programme = make_programme(office=office, rules=egov_rules)
    with pytest.raises(PermissionDenied) as exc:
        apply(programme, non_member)
    assert exc.value.code == "ineligible"
    assert any(
        r["rule"] == "membership_tiers" and not r["ok"]
        for r in exc.value.extra["reasons"]
    )
    assert not Enrolment.objects.exists()


def test_withdrawal_offers_the_seat_to_the_first_waitlisted(
    office, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, capacity=1)
    first = apply(programme)
    second = apply(programme)
    third = apply(programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(enrolment=first, actor=first.user)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "offered" and second.waitlist_position is None
    assert third.waitlist_position == 1
    offer = WaitlistOffer.objects.get(enrolment=second)
    assert offer.state == OfferState.OFFERED
    assert offer.expires_at > timezone.now() + timedelta(hours=71)
    assert any("offered" in m.subject for m in mail.outbox)
    services.offer_accept(offer=offer, user=second.user)
    second.refresh_from_db()
    offer.refresh_from_db()
    assert second.status == "confirmed" and offer.state == "accepted"


def test_declined_offer_passes_to_the_next_and_is_never_reoffered(office):
    programme = make_programme(office=office, capacity=1)
    first, second, third = apply(programme), apply(programme), apply(programme)
    services.enrolment_withdraw(enrolment=first, actor=first.user)
    offer = WaitlistOffer.objects.get(enrolment=second)
    services.offer_decline(offer=offer, user=second.user)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "withdrawn"
    assert third.status == "offered"
    # A further free seat never goes back to the one who declined.
    programme.capacity = 3
    programme.save()
    services.waitlist_promote(programme=programme)
    second.refresh_from_db()
    assert second.status == "withdrawn"


def test_expired_offers_pass_on(office):
    programme = make_programme(office=office, capacity=1)
    first, second, third = apply(programme), apply(programme), apply(programme)
    services.enrolment_withdraw(enrolment=first, actor=first.user)
    WaitlistOffer.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.offers_expire() == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "withdrawn"
    assert second.offers.get().state == "expired"
    assert third.status == "offered"


def test_accepting_an_expired_offer_is_refused(office):
    programme = make_programme(office=office, capacity=1)
    first, second = apply(programme), apply(programme)
    services.enrolment_withdraw(enrolment=first, actor=first.user)
    offer = WaitlistOffer.objects.get(enrolment=second)
    WaitlistOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        services.offer_accept(offer=offer, user=second.user)
    assert exc.value.code == "offer_expired"
    offer.refresh_from_db()
    assert offer.state == "expired"


def test_no_promotion_after_the_cutoff(office):
    today = timezone.localdate()
    programme = make_programme(
        office=office,
        capacity=1,
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=6),
        promotion_cutoff_days=14,
    )
    first, second = apply(programme), apply(programme)
    services.enrolment_withdraw(enrolment=first, actor=first.user)
    second.refresh_from_db()
    assert second.status == "waitlisted" and second.waitlist_position == 1
    assert not WaitlistOffer.objects.exists()


def test_raised_capacity_offers_seats(office):
    programme = make_programme(office=office, capacity=1)
    apply(programme)
    waiting = [apply(programme) for _ in range(3)]
    programme.capacity = 3
    programme.save()
    offers = services.waitlist_promote(programme=programme)
    assert [o.enrolment_id for o in offers] == [w.pk for w in waiting[:2]]
    assert positions(programme) == [1]
    assert services.waitlist_promote(programme=programme) == []


def test_new_applicant_never_jumps_the_waitlist(office):
    today = timezone.localdate()
    programme = make_programme(
        office=office,
        capacity=1,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
    )
    first, _second = apply(programme), apply(programme)
    # Past the cut-off the freed seat is not offered, and still not given away.
    services.enrolment_withdraw(enrolment=first, actor=first.user)
    third = apply(programme)
    assert third.status == "waitlisted" and third.waitlist_position == 2


def test_someone_else_cannot_withdraw_my_enrolment(programme, member):
    enrolment = apply(programme, member)
    with pytest.raises(PermissionDenied):
        services.enrolment_withdraw(enrolment=enrolment, actor=UserFactory())


def test_approval_queue_flow(office, staff_user, django_capture_on_commit_callbacks):
    programme = make_programme(
        office=office, capacity=1, rules=[("approval_required", {})]
    )
    with django_capture_on_commit_callbacks(execute=True):
        a = apply(programme)
        b = apply(programme)
    assert a.status == b.status == "pending_approval"
    assert "received" in mail.outbox[0].subject.lower()
    services.enrolment_approve(enrolment=a, actor=staff_user)
    services.enrolment_approve(enrolment=b, actor=staff_user)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("confirmed", "waitlisted")
    assert a.decided_by == staff_user
    c = apply(programme)
    with pytest.raises(PermissionDenied):
        services.enrolment_reject(enrolment=c, actor=UserFactory())
    services.enrolment_reject(enrolment=c, actor=staff_user, reason="quota reached")
    c.refresh_from_db()
    assert c.status == "rejected"
    assert c.events.last().reason == "quota reached"


def test_endorsement_by_the_focal_point(
    office, member, django_capture_on_commit_callbacks
):
    member.organisation.focal_point_email = "Focal@City.example"
    member.organisation.save()
    programme = make_programme(office=office, rules=[("endorsement_required", {})])
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = apply(programme, member)
    assert enrolment.status == "pending_endorsement"
    request = next(m for m in mail.outbox if m.to == ["Focal@City.example"])
    # The link carries a signed token naming this enrolment and focal point. It is
    # stamped with the second it was signed, so it is read back rather than compared
    # with one signed now (the two differ when a second boundary falls between).
    link = re.search(r"/endorse/([^/\s]+)/", request.body)
    assert link is not None, request.body
    token = link.group(1)
    assert token.split(":")[0] == endorsement_token(enrolment).split(":")[0]
    assert endorsement_read_token(token) == (enrolment.pk, "focal@city.example")
    with pytest.raises(PermissionDenied):
        services.enrolment_endorse(
            enrolment=enrolment, endorser_email="other@x.example"
        )
    services.enrolment_endorse(enrolment=enrolment, endorser_email="focal@city.example")
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"
    assert enrolment.endorsed_at is not None


def test_answers_are_checked(office, member):
    programme = make_programme(
        office=office,
        asks_motivation=True,
        asks_delivery_location=True,
        answers_required=True,
    )
    with pytest.raises(DomainError) as exc:
        apply(programme, member, answers={"delivery_location": "mars", "x": "y"})
    assert exc.value.code == "invalid_answers"
    assert set(exc.value.extra["errors"]) == {"delivery_location", "x", "motivation"}
    enrolment = apply(
        programme,
        member,
        answers={"motivation": " Smart city ", "delivery_location": "korea"},
    )
    assert enrolment.answers == {
        "motivation": "Smart city",
        "delivery_location": "korea",
    }


def test_letter_of_intent_must_be_a_small_pdf(office, member):
    programme = make_programme(office=office, accepts_letter_of_intent=True)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(DomainError) as exc:
        apply(programme, member, letter=fake)
    assert exc.value.code == "not_a_pdf"
    big = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf"
    )
    with pytest.raises(DomainError) as exc:
        apply(programme, member, letter=big)
    assert exc.value.code == "file_too_large"
    assert not Enrolment.objects.exists()
    good = SimpleUploadedFile("x.exe", PDF, "application/octet-stream")
    enrolment = apply(programme, member, letter=good)
    assert enrolment.letter_of_intent.name.endswith(".pdf")


def test_rolled_back_application_sends_nothing(
    programme, member, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                apply(programme, member)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not Enrolment.objects.exists()


def test_notification_task_sends_once(programme, member):
    from courses.tasks import enrolment_notify

    enrolment = apply(programme, member)
    event = enrolment.events.get()
    assert enrolment_notify(event.pk) is True
    assert enrolment_notify(event.pk) is False
    assert len(mail.outbox) == 1


def test_reminder_the_day_before_goes_once(office, member):
    from courses.tasks import send_reminders

    today = timezone.localdate()
    programme = make_programme(
        office=office,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=2),
    )
    apply(programme, member)
    mail.outbox.clear()
    assert send_reminders() == 1
    assert send_reminders() == 0
    assert "Reminder" in mail.outbox[0].subject
    assert "Asia/Seoul" in mail.outbox[0].body


def test_publishing_a_raised_capacity_offers_the_new_seats(
    office, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, capacity=1)
    apply(programme)
    waiting = apply(programme)
    page = programme.get_latest_revision_as_object()
    page.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == "offered"
