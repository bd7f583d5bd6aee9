"""A delegation is one decision: approved or rejected together, and said so.

Before, approving one nominated official silently confirmed the whole
delegation, the queue showed a separate Approve/Reject per person, and the
others could no longer be rejected. Now the queue shows one entry per
delegation with one decision for all (and says so), a member can be
rejected alone (the rest stay one delegation), and the quota is checked
again when approving.
"""

import re

import pytest
from django.core import mail

from courses import services
from courses.models import Enrolment, EnrolmentEvent
from lms.errors import Conflict
from tests.factories import OrganisationFactory, UserFactory

from .factories import enrol, give_skill, make_programme

APPROVAL = [("approval_required", {"note": ""})]


@pytest.fixture
def city(db):
    return OrganisationFactory(
        name="Hanoi", focal_point_email="focal.hanoi@wego.example"
    )


@pytest.fixture
def focal(city):
    return UserFactory(email="focal.hanoi@wego.example", organisation=city)


@pytest.fixture
def officials(city):
    return [give_skill(UserFactory(organisation=city)) for _ in range(3)]


def nominate(programme, focal, people):
    return services.enrolment_nominate(
        programme=programme,
        nominator=focal,
        emails=[p.email for p in people],
        answers={},
    )


def statuses(enrolments):
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


def test_approving_one_member_alone_is_refused_and_changes_nothing(
    office, focal, officials, staff_user
):
    programme = make_programme(office=office, capacity=10, rules=APPROVAL)
    enrolments = nominate(programme, focal, officials)
    events = EnrolmentEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services.enrolment_approve(enrolment=enrolments[0], actor=staff_user)
    assert exc.value.code == "delegation_decided_together"
    assert "delegation of 3" in exc.value.message
    assert statuses(enrolments) == ["pending_approval"] * 3
    assert EnrolmentEvent.objects.count() == events


def test_one_member_is_rejected_alone_and_the_rest_are_approved_together(
    office, focal, officials, staff_user, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, capacity=10, rules=APPROVAL)
    enrolments = nominate(programme, focal, officials)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_reject(
            enrolment=enrolments[1], actor=staff_user, reason="Not a developer"
        )
    assert statuses(enrolments) == ["pending_approval", "rejected", "pending_approval"]
    assert [m.to for m in mail.outbox] == [[officials[1].email]]
    assert "Not a developer" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.delegation_approve(
            group=enrolments[0].group, actor=staff_user
        )
    assert [e.user for e in decided] == [officials[0], officials[2]]
    assert statuses(enrolments) == ["confirmed", "rejected", "confirmed"]


def test_an_approved_delegation_waits_together_when_seats_are_short(
    office, focal, officials, staff_user
):
    programme = make_programme(office=office, capacity=3, rules=APPROVAL)
    enrol(programme, give_skill(UserFactory()))
    enrolments = nominate(programme, focal, officials)
    services.delegation_approve(group=enrolments[0].group, actor=staff_user)
    rows = Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).order_by("pk")
    assert [(e.status, e.waitlist_position) for e in rows] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]


def test_rejecting_the_delegation_rejects_every_member_with_the_reason(
    office, focal, officials, staff_user, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, capacity=10, rules=APPROVAL)
    enrolments = nominate(programme, focal, officials)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.delegation_reject(
            group=enrolments[0].group, actor=staff_user, reason="Full this year"
        )
    assert statuses(enrolments) == ["rejected"] * 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in officials)
    assert all("Full this year" in m.body for m in mail.outbox)
    with pytest.raises(Conflict) as exc:
        services.delegation_approve(group=enrolments[0].group, actor=staff_user)
    assert exc.value.code == "not_pending"


def test_approval_checks_the_quota_again(office, focal, officials, staff_user):
    programme = make_programme(
        office=office,
        capacity=10,
        rules=[*APPROVAL, ("organisation_quota", {"max_per_organisation": 3})],
    )
    enrolments = nominate(programme, focal, officials)
    # The Secretariat lowers the quota after the nomination came in.
    programme.rules = [*APPROVAL, ("organisation_quota", {"max_per_organisation": 2})]
    programme.save_revision().publish()
    with pytest.raises(Conflict) as exc:
        services.delegation_approve(group=enrolments[0].group, actor=staff_user)
    assert exc.value.code == "quota_exceeded"
    assert "quota of Hanoi (2 in all; 0 already taken, 3 in this decision)" in str(
        exc.value
    )
    assert statuses(enrolments) == ["pending_approval"] * 3
    services.enrolment_reject(enrolment=enrolments[2], actor=staff_user)
    services.delegation_approve(group=enrolments[0].group, actor=staff_user)
    assert statuses(enrolments) == ["confirmed", "confirmed", "rejected"]


# --- the approval queue in the admin -------------------------------------------


def _rows(html):
    return re.findall(r'<tr id="decision-\d+">(.*?)</tr>', html, re.S)


def test_the_queue_shows_a_delegation_as_one_decision_and_says_so(
    client, office, focal, officials, staff_user
):
    programme = make_programme(office=office, capacity=10, rules=APPROVAL)
    single = give_skill(UserFactory(first_name="Solo"))
    services.enrolment_apply(programme=programme, user=single, answers={})
    enrolments = nominate(programme, focal, officials)
    group = enrolments[0].group
    client.force_login(staff_user)
    html = client.get("/admin/courses/approvals/").content.decode()
    rows = _rows(html)
    assert len(rows) == 2  # one for the single applicant, one for the delegation
    delegation_row = next(r for r in rows if "Delegation of 3 from Hanoi" in r)
    assert "nominated by the focal point focal.hanoi@wego.example" in delegation_row
    assert "One decision for all 3." in delegation_row
    assert "Approve the delegation (3 people)" in delegation_row
    assert f"/admin/courses/approvals/delegations/{group.pk}/approve/" in delegation_row
    for enrolment in enrolments:
        assert enrolment.user.email in delegation_row
        # Each member can be rejected alone, not approved alone.
        assert f"/admin/courses/approvals/{enrolment.pk}/reject/" in delegation_row
        assert f"/admin/courses/approvals/{enrolment.pk}/approve/" not in delegation_row
    assert (
        "A city delegation is one decision: its members are seated together or "
        "wait together on the waitlist." in html
    )

    response = client.post(
        f"/admin/courses/approvals/delegations/{group.pk}/approve/", follow=True
    )
    assert statuses(enrolments) == ["confirmed"] * 3
    assert "Delegation of 3" in response.content.decode()
    html = client.get("/admin/courses/approvals/").content.decode()
    assert len(_rows(html)) == 1 and single.email in html


def test_the_old_per_person_approve_address_explains_and_changes_nothing(
    client, office, focal, officials, staff_user
):
    programme = make_programme(office=office, capacity=10, rules=APPROVAL)
    enrolments = nominate(programme, focal, officials)
    client.force_login(staff_user)
    response = client.post(
        f"/admin/courses/approvals/{enrolments[0].pk}/approve/", follow=True
    )
    assert "which is decided as one" in response.content.decode()
    assert statuses(enrolments) == ["pending_approval"] * 3
    client.post(
        f"/admin/courses/approvals/{enrolments[0].pk}/reject/", {"reason": "No"}
    )
    html = client.get("/admin/courses/approvals/").content.decode()
    assert "Delegation of 2 from Hanoi" in html
    assert statuses(enrolments) == ["rejected", "pending_approval", "pending_approval"]


def test_only_managers_decide_on_a_delegation(client, office, focal, officials):
    programme = make_programme(office=office, capacity=10, rules=APPROVAL)
    enrolments = nominate(programme, focal, officials)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        f"/admin/courses/approvals/delegations/{enrolments[0].group_id}/approve/"
    )
    assert response.status_code in (302, 403)
    assert statuses(enrolments) == ["pending_approval"] * 3


# --- endorsement of a delegation ------------------------------------------------


def test_a_delegation_is_endorsed_in_one_email_with_the_applicants_time(
    client, office, city, django_capture_on_commit_callbacks
):
    programme = make_programme(
        office=office, capacity=10, rules=[("endorsement_required", {})]
    )
    lead, *others = [give_skill(UserFactory(organisation=city)) for _ in range(3)]
    lead.timezone = "Asia/Ho_Chi_Minh"
    lead.save()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_apply(
            programme=programme,
            user=lead,
            answers={},
            colleagues=[o.email for o in others],
        )
    to_focal = [m for m in mail.outbox if m.to == ["focal.hanoi@wego.example"]]
    assert len(to_focal) == 1
    message = to_focal[0]
    assert message.subject == f"Please endorse a delegation of 3 for {programme.title}"
    for person in (lead, *others):
        assert person.email in message.body
    assert "Your answer is for all of them" in message.body
    # The second time line is the applicant's zone, not the focal point's.
    assert "(Asia/Ho_Chi_Minh) — the applicant's time" in message.body
    assert "your time" not in message.body

    link = re.search(r"https?://\S+/endorse/\S+/", message.body).group(0)
    path = link[link.index("/endorse/") :]
    page = client.get(path).content.decode()
    assert "as one delegation" in page
    assert "Your answer is for all 3 of them" in page
    client.post(path, {"decision": "decline"})
    members = Enrolment.objects.filter(group=enrolment.group)
    assert set(members.values_list("status", flat=True)) == {"rejected"}


# --- the quota, in messages and help texts -------------------------------------


def test_a_three_person_nomination_with_a_quota_of_two_is_told_the_numbers(
    office, focal, officials
):
    programme = make_programme(
        office=office,
        capacity=10,
        rules=[("organisation_quota", {"max_per_organisation": 2})],
    )
    with pytest.raises(Exception) as exc:
        nominate(programme, focal, officials)
    assert exc.value.code == "ineligible"
    assert exc.value.message == (
        "Hanoi may send 2 participants. This application is for 3 people. "
        "Name at most 2 people."
    )
    assert not Enrolment.objects.exists()
    enrol(programme, officials[0])
    with pytest.raises(Exception) as exc:
        nominate(programme, focal, officials[1:])
    assert exc.value.message == (
        "Hanoi may send 2 participants. 1 has applied already. This application "
        "is for 2 people. Name at most 1 person."
    )


def test_the_nomination_form_offers_only_the_places_the_quota_leaves(
    client, office, focal, officials
):
    programme = make_programme(
        office=office,
        capacity=10,
        max_group_size=3,
        rules=[("organisation_quota", {"max_per_organisation": 2})],
    )
    client.force_login(focal)
    for url in (programme.url, f"/programmes/{programme.pk}/nominate/"):
        html = client.get(url).content.decode()
        assert "up to 2 officials of Hanoi" in html
        assert "up to 3" not in html
    enrol(programme, officials[0])
    html = client.get(f"/programmes/{programme.pk}/nominate/").content.decode()
    assert "The e-mail address of 1 official of Hanoi" in html
    enrol(programme, officials[1])
    for url in (programme.url, f"/programmes/{programme.pk}/nominate/"):
        html = client.get(url).content.decode()
        assert 'name="nominate-emails"' not in html
        assert "Hanoi has no place left (it may send 2)" in html
        # The focal point is not told to ask the focal point.
        assert "ask your focal point" not in html


def test_the_delegation_field_offers_only_the_places_the_quota_leaves(
    client, office, city, officials
):
    programme = make_programme(
        office=office,
        capacity=10,
        max_group_size=3,
        rules=[("organisation_quota", {"max_per_organisation": 2})],
    )
    client.force_login(officials[0])
    html = client.get(programme.url).content.decode()
    assert "the e-mail address of 1 more official of your organisation" in html
    enrol(programme, officials[1])
    html = client.get(programme.url).content.decode()
    assert 'name="colleagues"' not in html
