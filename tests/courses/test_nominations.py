"""A city's focal point nominates the officials who will attend a programme.

The nomination is the focal point's endorsement: the nominees are enrolled
as one delegation, seated or waitlisted together under the seat lock, and
nothing is written when any part of the nomination is refused.
"""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from courses import services
from courses.models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentGroup,
)
from lms.errors import Conflict, DomainError, PermissionDenied
from lms.models import SkillLevel
from tests.factories import OrganisationFactory, UserFactory

from .factories import enrol, give_skill, make_programme


@pytest.fixture
def city(db):
    return OrganisationFactory(
        name="Hanoi", focal_point_email="Focal.Hanoi@wego.example"
    )


@pytest.fixture
def focal(city):
    # The e-mail matches the registered address only case-insensitively.
    return UserFactory(email="focal.hanoi@wego.example", organisation=city)


@pytest.fixture
def officials(city):
    return [give_skill(UserFactory(organisation=city)) for _ in range(2)]


def nominate(programme, nominator, people, answers=None):
    return services.enrolment_nominate(
        programme=programme,
        nominator=nominator,
        emails=[p if isinstance(p, str) else p.email for p in people],
        answers=answers,
    )


def nothing_written():
    return (
        not Enrolment.objects.exists()
        and not EnrolmentGroup.objects.exists()
        and not EnrolmentEvent.objects.exists()
    )


def test_focal_point_nominates_two_officials_seated_together(
    office, focal, officials, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        enrolments = nominate(programme, focal, officials)
    assert [e.user for e in enrolments] == officials
    assert {e.status for e in enrolments} == {"confirmed"}
    group = EnrolmentGroup.objects.get()
    assert {e.group_id for e in enrolments} == {group.pk}
    assert group.created_by == focal and group.organisation == focal.organisation
    assert not Enrolment.objects.filter(user=focal).exists()
    for enrolment in enrolments:
        event = enrolment.events.get()
        assert event.reason == "nominated by Focal.Hanoi@wego.example"
        assert event.actor == focal
        assert enrolment.endorsed_by_email == "Focal.Hanoi@wego.example"
        assert enrolment.endorsed_at is not None
    # One confirmation each, nothing to the focal point.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in officials)
    assert all("is confirmed" in m.subject for m in mail.outbox)


def test_nominees_wait_together_when_seats_are_short(office, focal, officials):
    programme = make_programme(office=office, capacity=2)
    enrol(programme, give_skill(UserFactory()))
    enrolments = nominate(programme, focal, officials)
    assert [(e.status, e.waitlist_position) for e in enrolments] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert len({e.group_id for e in enrolments}) == 1


def test_the_focal_point_is_a_member_only_if_they_name_themselves(
    office, focal, officials
):
    give_skill(focal)
    programme = make_programme(office=office, capacity=10)
    enrolments = nominate(programme, focal, ["FOCAL.hanoi@wego.example", officials[0]])
    assert [e.user for e in enrolments] == [focal, officials[0]]


def test_only_the_registered_focal_point_nominates(office, city, officials):
    programme = make_programme(office=office, capacity=10)
    colleague = officials[0]
    # Focal point of another city: cannot nominate Hanoi's officials either.
    other = UserFactory(
        email="focal@other.example",
        organisation=OrganisationFactory(focal_point_email="someone@else.example"),
    )
    # Hanoi's focal-point address, but signed up with another organisation.
    impostor = UserFactory(
        email="focal.hanoi@wego.example",
        organisation=OrganisationFactory(name="Other city"),
    )
    for user in (colleague, other, impostor):
        with pytest.raises(PermissionDenied) as exc:
            nominate(programme, user, officials)
        assert exc.value.code == "not_focal_point"
        assert "focal point" in exc.value.message
    assert nothing_written()


def test_a_focal_point_nominates_only_officials_of_their_own_city(office, officials):
    programme = make_programme(office=office, capacity=10)
    elsewhere = OrganisationFactory(focal_point_email="focal@other.example")
    focal_elsewhere = UserFactory(email="focal@other.example", organisation=elsewhere)
    with pytest.raises(DomainError) as exc:
        nominate(programme, focal_elsewhere, officials)
    assert exc.value.code == "invalid_nominee"
    assert nothing_written()


def test_officials_of_another_city_or_unknown_addresses_are_refused(
    office, focal, officials
):
    programme = make_programme(office=office, capacity=10)
    outsider = give_skill(UserFactory())
    with pytest.raises(DomainError) as exc:
        nominate(programme, focal, [officials[0], outsider, "nobody@nowhere.example"])
    assert exc.value.code == "invalid_nominee"
    assert set(exc.value.extra["colleagues"]) == {
        outsider.email,
        "nobody@nowhere.example",
    }
    assert "Only officials of Hanoi can be nominated" in exc.value.message
    assert "No WeGO Learning account uses this address." in exc.value.message
    assert nothing_written()


def test_inactive_officials_are_refused(office, focal, officials):
    programme = make_programme(office=office, capacity=10)
    officials[1].is_active = False
    officials[1].save()
    with pytest.raises(DomainError) as exc:
        nominate(programme, focal, officials)
    assert exc.value.code == "invalid_nominee"
    assert nothing_written()


def test_at_most_the_delegation_size(office, focal, city):
    programme = make_programme(office=office, capacity=10, max_group_size=2)
    people = [give_skill(UserFactory(organisation=city)) for _ in range(3)]
    with pytest.raises(DomainError) as exc:
        nominate(programme, focal, people)
    assert exc.value.code == "group_too_large"
    assert "at most 2" in exc.value.message
    with pytest.raises(DomainError) as exc:
        nominate(programme, focal, [])
    assert exc.value.code == "invalid_nominee"
    assert nothing_written()


def test_each_nominee_must_meet_the_rules_about_the_person(
    office, focal, officials, egov_rules
):
    programme = make_programme(office=office, capacity=10, rules=egov_rules)
    give_skill(officials[1], level=SkillLevel.NONE)
    with pytest.raises(PermissionDenied) as exc:
        nominate(programme, focal, officials)
    assert exc.value.code == "ineligible"
    assert officials[1].email in exc.value.message
    assert nothing_written()


def test_a_nominee_who_already_applied_refuses_the_whole_nomination(
    office, focal, officials
):
    programme = make_programme(office=office, capacity=10)
    enrol(programme, officials[1])
    with pytest.raises(Conflict) as exc:
        nominate(programme, focal, officials)
    assert exc.value.code == "already_enrolled"
    assert officials[1].email in exc.value.message
    assert programme.enrolments.count() == 1
    assert not EnrolmentGroup.objects.exists()


def test_the_organisation_quota_counts_the_nominees(office, focal, officials):
    programme = make_programme(
        office=office,
        capacity=10,
        rules=[("organisation_quota", {"max_per_organisation": 1})],
    )
    with pytest.raises(PermissionDenied) as exc:
        nominate(programme, focal, officials)
    assert exc.value.code == "ineligible"
    assert nothing_written()


def test_nominees_skip_the_endorsement_step(
    office, focal, officials, django_capture_on_commit_callbacks
):
    programme = make_programme(
        office=office, capacity=10, rules=[("endorsement_required", {})]
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrolments = nominate(programme, focal, officials)
    assert {e.status for e in enrolments} == {"confirmed"}
    # No endorsement request to the focal point: their nomination is it.
    assert all(m.to != [focal.email] for m in mail.outbox)
    assert not any(m.to == ["Focal.Hanoi@wego.example"] for m in mail.outbox)
    assert len(mail.outbox) == 2


def test_with_approval_required_nominees_wait_for_the_decision(
    office, focal, officials, staff_user, django_capture_on_commit_callbacks
):
    programme = make_programme(
        office=office,
        capacity=10,
        rules=[("endorsement_required", {}), ("approval_required", {})],
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrolments = nominate(programme, focal, officials)
    assert {e.status for e in enrolments} == {"pending_approval"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in officials)
    # Nominees did not apply: they are told who put them forward.
    for message in mail.outbox:
        assert message.subject.startswith("You were nominated for")
        assert "the focal point of Hanoi has nominated you" in message.body
        assert "thank you for applying" not in message.body
        assert "review the nomination" in message.body
    services.delegation_approve(group=enrolments[0].group, actor=staff_user)
    assert set(programme.enrolments.values_list("status", flat=True)) == {"confirmed"}


def test_programme_questions_are_answered_for_all_nominees(office, focal, officials):
    programme = make_programme(
        office=office, capacity=10, asks_motivation=True, answers_required=True
    )
    with pytest.raises(DomainError) as exc:
        nominate(programme, focal, officials)
    assert exc.value.code == "invalid_answers"
    assert nothing_written()
    enrolments = nominate(
        programme, focal, officials, answers={"motivation": "Our data portal"}
    )
    assert {e.answers["motivation"] for e in enrolments} == {"Our data portal"}


# --- the programme page ---------------------------------------------------------


def test_page_form_nominates_without_javascript(client, office, focal, officials):
    programme = make_programme(office=office, capacity=10, asks_motivation=True)
    client.force_login(focal)
    page = client.get(programme.url).content.decode()
    assert "Nominate officials of Hanoi" in page
    assert 'name="nominate-emails"' in page
    assert 'name="nominate-motivation"' in page
    response = client.post(
        f"/programmes/{programme.pk}/nominate/",
        {
            "nominate-emails": "\n".join(o.email for o in officials),
            "nominate-motivation": "Our data portal",
        },
        follow=True,
    )
    assert response.redirect_chain[0] == (programme.url, 302)
    html = response.content.decode()
    assert "their seats are confirmed" in html
    assert officials[0].email in html
    assert programme.enrolments.filter(status="confirmed").count() == 2
    mine = client.get("/my/programmes/").content.decode()
    assert "Officials you nominated" in mine
    assert officials[1].email in mine


def test_page_form_shows_refusals_in_the_form(client, office, focal, officials):
    programme = make_programme(office=office, capacity=10)
    outsider = give_skill(UserFactory())
    client.force_login(focal)
    response = client.post(
        f"/programmes/{programme.pk}/nominate/",
        {"nominate-emails": f"{officials[0].email}, {outsider.email}"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only officials of Hanoi can be nominated" in html
    assert outsider.email in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert nothing_written()
    empty = client.post(f"/programmes/{programme.pk}/nominate/", {})
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()


def test_page_form_is_not_shown_to_others(client, office, officials, city):
    programme = make_programme(office=office, capacity=10)
    client.force_login(officials[0])
    page = client.get(programme.url).content.decode()
    assert "Nominate officials" not in page
    response = client.post(
        f"/programmes/{programme.pk}/nominate/",
        {"nominate-emails": officials[1].email},
    )
    assert response.status_code == 404
    assert nothing_written()


def test_a_kept_enrolment_box_is_never_served_to_another_visitor(
    client, office, focal, officials
):
    programme = make_programme(office=office, capacity=10)
    client.force_login(focal)
    assert "Nominate officials of Hanoi" in client.get(programme.url).content.decode()
    client.force_login(officials[0])
    assert "Nominate officials" not in client.get(programme.url).content.decode()
    client.force_login(focal)
    assert "Nominate officials of Hanoi" in client.get(programme.url).content.decode()


def test_the_focal_point_email_change_takes_the_form_away(client, office, focal, city):
    programme = make_programme(office=office, capacity=10)
    client.force_login(focal)
    assert "Nominate officials" in client.get(programme.url).content.decode()
    city.focal_point_email = "new.focal@hanoi.example"
    city.save()
    assert "Nominate officials" not in client.get(programme.url).content.decode()


# --- the REST API ----------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_nominates_and_answers_201_with_the_enrolments(office, focal, officials):
    programme = make_programme(office=office, capacity=10)
    response = api(focal).post(
        f"/api/v1/programmes/{programme.pk}/nominations/",
        {"emails": [o.email for o in officials], "answers": {}},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    group = EnrolmentGroup.objects.get()
    assert body == [
        {
            "id": e.pk,
            "status": "confirmed",
            "waitlist_position": None,
            "email": e.user.email,
            "group": group.pk,
        }
        for e in Enrolment.objects.order_by("pk")
    ]


def test_api_refuses_who_is_not_a_focal_point(office, officials):
    programme = make_programme(office=office, capacity=10)
    response = api(officials[0]).post(
        f"/api/v1/programmes/{programme.pk}/nominations/",
        {"emails": [officials[1].email]},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_focal_point"
    assert nothing_written()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"emails": ["not-an-address"]}, "invalid_answers"),
        ({"emails": []}, "invalid_answers"),
        ({"emails": ["nobody@nowhere.example"]}, "invalid_nominee"),
    ],
)
def test_api_answers_400_for_bad_nominations(office, focal, body, code):
    programme = make_programme(office=office, capacity=10)
    response = api(focal).post(
        f"/api/v1/programmes/{programme.pk}/nominations/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert nothing_written()


def test_api_unknown_programme_is_404(focal):
    response = api(focal).post(
        "/api/v1/programmes/999999/nominations/", {"emails": []}, format="json"
    )
    assert response.status_code == 404
