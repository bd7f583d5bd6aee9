"""Withdrawing is confirmed first, refused once a programme has ended, and
can be followed by a new application.

Before: withdrawing from an ended programme was allowed (API 200 and an
e-mail) and rewrote its history and the impact figures; a withdrawal could
never be followed by a new application, without a word why; and one click
withdrew, with no confirmation step.

What a pretix/Indico user expects, kept honest with the waitlist rule
"never re-offer to someone who withdrew": nobody who withdrew is offered a
seat by the waitlist; applying again is a new application, judged like a
newcomer's, so it joins the end of the waitlist when seats are short.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from courses import services
from courses.models import Enrolment, EnrolmentStatus
from lms.errors import Conflict
from tests.factories import UserFactory

from .factories import enrol, give_skill, make_programme


@pytest.fixture
def ended(office):
    today = timezone.localdate()
    return make_programme(
        office=office,
        title="Seoul Program 2016",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=20),
        enrolment_opens_at=timezone.now() - timedelta(days=90),
        enrolment_closes_at=timezone.now() - timedelta(days=40),
    )


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- an ended programme ----------------------------------------------------------


def test_withdrawing_from_an_ended_programme_is_refused_everywhere(
    client, ended, django_capture_on_commit_callbacks
):
    person = give_skill(UserFactory())
    enrolment = enrol(ended, person)
    with pytest.raises(Conflict) as exc:
        services.enrolment_withdraw(enrolment=enrolment, actor=person)
    assert exc.value.code == "programme_ended"

    with django_capture_on_commit_callbacks(execute=True):
        response = api(person).post(f"/api/v1/enrolments/{enrolment.pk}/withdraw/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "programme_ended"
    assert "Seoul Program 2016 ended on" in body["detail"]
    assert "can no longer be withdrawn" in body["detail"]

    client.force_login(person)
    page = client.get(f"/enrolments/{enrolment.pk}/withdraw/").content.decode()
    assert "can no longer be withdrawn" in page
    assert "Yes, withdraw" not in page
    programme_page = client.get(ended.url).content.decode()
    assert "can no longer be withdrawn" in programme_page
    assert f"/enrolments/{enrolment.pk}/withdraw/" not in programme_page
    client.post(f"/enrolments/{enrolment.pk}/withdraw/")

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert enrolment.events.count() == 0
    assert mail.outbox == []


# --- the confirmation step ---------------------------------------------------------


def test_withdrawal_is_confirmed_on_a_page_that_works_without_javascript(
    client, programme
):
    person = give_skill(UserFactory())
    enrolment = enrol(programme, person)
    client.force_login(person)
    page = client.get(programme.url).content.decode()
    link = f'href="/enrolments/{enrolment.pk}/withdraw/?next='
    assert link in page
    # No button on the programme page withdraws at once.
    assert f'action="/enrolments/{enrolment.pk}/withdraw/"' not in page
    assert link in client.get("/my/programmes/").content.decode()

    confirm = client.get(
        f"/enrolments/{enrolment.pk}/withdraw/", {"next": programme.url}
    ).content.decode()
    assert f"Withdraw from {programme.title}?" in confirm
    assert "You give up your seat: it goes at once to the next person" in confirm
    assert "you join the end of the waitlist" in confirm
    assert f'action="/enrolments/{enrolment.pk}/withdraw/"' in confirm
    assert 'name="csrfmiddlewaretoken"' in confirm
    assert f'href="{programme.url}">No, keep my application' in confirm
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED  # looking changes nothing

    response = client.post(
        f"/enrolments/{enrolment.pk}/withdraw/", {"next": programme.url}
    )
    assert response.status_code == 302 and response["Location"] == programme.url
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_a_delegation_member_is_told_the_others_keep_their_places(client, programme):
    from tests.factories import OrganisationFactory

    city = OrganisationFactory()
    lead, colleague = (give_skill(UserFactory(organisation=city)) for _ in range(2))
    enrolment = services.enrolment_apply(
        programme=programme, user=lead, answers={}, colleagues=[colleague.email]
    )
    client.force_login(lead)
    page = client.get(f"/enrolments/{enrolment.pk}/withdraw/").content.decode()
    assert (
        "Only you withdraw: the other members of your delegation keep their places"
        in page
    )


def test_someone_elses_withdrawal_page_is_not_found(client, programme):
    enrolment = enrol(programme, give_skill(UserFactory()))
    client.force_login(UserFactory())
    assert client.get(f"/enrolments/{enrolment.pk}/withdraw/").status_code == 404


# --- applying again ------------------------------------------------------------


def test_applying_again_after_withdrawing_is_a_new_application(
    client, office, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, capacity=1)
    person = give_skill(UserFactory())
    first = services.enrolment_apply(programme=programme, user=person, answers={})
    services.enrolment_withdraw(enrolment=first, actor=person)
    client.force_login(person)
    page = client.get(programme.url).content.decode()
    assert "You withdrew. You may apply again" in page
    assert f'action="/programmes/{programme.pk}/apply/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        again = services.enrolment_apply(programme=programme, user=person, answers={})
    assert again.pk == first.pk  # one row per person and programme, history kept
    assert again.status == EnrolmentStatus.CONFIRMED
    reasons = list(again.events.order_by("pk").values_list("to_status", "reason"))
    assert reasons[0] == ("confirmed", "applied")
    assert reasons[1][0] == "withdrawn"
    assert reasons[2] == ("confirmed", "applied again after withdrawing: applied")
    assert mail.outbox[-1].subject.startswith("Your seat in")


def test_applying_again_joins_the_end_of_the_waitlist_and_is_never_offered_by_it(
    office,
):
    programme = make_programme(office=office, capacity=1)
    holder, waiting, leaver = (give_skill(UserFactory()) for _ in range(3))
    leaving = services.enrolment_apply(programme=programme, user=leaver, answers={})
    services.enrolment_apply(programme=programme, user=holder, answers={})
    services.enrolment_withdraw(enrolment=leaving, actor=leaver)
    # Someone else waits first; the seat frees up with the leaver withdrawn.
    holding = programme.enrolments.get(user=holder)
    assert holding.status == EnrolmentStatus.OFFERED  # promoted: the leaver is not
    services.enrolment_apply(programme=programme, user=waiting, answers={})
    again = services.enrolment_apply(programme=programme, user=leaver, answers={})
    assert (again.status, again.waitlist_position) == (EnrolmentStatus.WAITLISTED, 2)


def test_a_rejected_applicant_is_told_why_they_cannot_apply_again(
    client, office, staff_user
):
    programme = make_programme(
        office=office,
        rules=[("approval_required", {})],
        contact_email="egovframe@wego.example",
    )
    person = give_skill(UserFactory())
    enrolment = services.enrolment_apply(programme=programme, user=person, answers={})
    services.enrolment_reject(enrolment=enrolment, actor=staff_user)
    with pytest.raises(Conflict) as exc:
        services.enrolment_apply(programme=programme, user=person, answers={})
    assert exc.value.code == "already_enrolled"
    assert "was not accepted; the organisers' decision stands" in exc.value.message
    client.force_login(person)
    page = client.get(programme.url).content.decode()
    assert "the organisers' decision stands for this edition" in page
    assert "write to egovframe@wego.example" in page
    assert f'action="/programmes/{programme.pk}/apply/"' not in page


def test_the_api_accepts_a_new_application_after_a_withdrawal(programme):
    person = give_skill(UserFactory())
    client = api(person)
    created = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
    ).json()
    client.post(f"/api/v1/enrolments/{created['id']}/withdraw/")
    again = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
    )
    assert again.status_code == 201
    assert again.json()["id"] == created["id"]
    assert again.json()["status"] == "confirmed"
    assert Enrolment.objects.filter(user=person).count() == 1
