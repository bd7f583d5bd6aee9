import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Enrolment
from tests.factories import UserFactory

from .factories import enrol, give_skill, make_programme, other_office


@pytest.fixture
def api():
    return APIClient()


def test_programme_list_is_paginated_and_filterable(api, office):
    make_programme(office=office, kind="seoul_program", capacity=10)
    make_programme(office=other_office(), kind="regional_session")
    data = api.get("/api/v1/programmes/").json()
    assert data["count"] == 2
    first = data["results"][0]
    assert set(first) == {
        "id",
        "slug",
        "title",
        "kind",
        "office",
        "starts_on",
        "ends_on",
        "capacity",
        "seats_left",
        "url",
    }
    only = api.get("/api/v1/programmes/?office=asia-chengdu").json()
    assert [p["kind"] for p in only["results"]] == ["regional_session"]
    assert api.get("/api/v1/programmes/?kind=seoul_program").json()["count"] == 1
    assert api.get("/api/v1/programmes/?open=true").json()["count"] == 2
    assert api.get("/api/v1/programmes/?open=false").json()["count"] == 0


def test_programme_list_uses_a_constant_number_of_queries(
    api, office, django_assert_max_num_queries
):
    for _ in range(3):
        make_programme(office=office)
    with django_assert_max_num_queries(12) as few:
        api.get("/api/v1/programmes/")
    for _ in range(6):
        make_programme(office=office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/programmes/").json()["count"] == 9


def test_programme_detail_lists_sessions(api, programme):
    data = api.get(f"/api/v1/programmes/{programme.pk}/").json()
    assert data["id"] == programme.pk
    assert [s["title"] for s in data["sessions"]] == ["Session 1", "Session 2"]
    assert data["office"] == "secretariat-seoul"
    assert api.get("/api/v1/programmes/999999/").status_code == 404


def test_eligibility_needs_sign_in(api, programme, member):
    assert api.get(f"/api/v1/programmes/{programme.pk}/eligibility/").status_code in (
        401,
        403,
    )
    api.force_authenticate(member)
    data = api.get(f"/api/v1/programmes/{programme.pk}/eligibility/").json()
    assert data["eligible"] is True
    assert {"rule", "ok", "message"} == set(data["reasons"][0])


def test_enrol_answers_201_then_409(api, programme, member):
    api.force_authenticate(member)
    url = f"/api/v1/programmes/{programme.pk}/enrolments/"
    response = api.post(url, {"answers": {}}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed" and body["waitlist_position"] is None
    again = api.post(url, {"answers": {}}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_enrolled"


def test_a_broker_outage_after_commit_does_not_turn_a_seat_into_an_error(
    api, programme, member, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """The seat is committed before the e-mail task is queued: a broker that is
    down then must not answer the applicant with an error (nor stop the other
    after-commit work)."""
    from kombu.exceptions import OperationalError

    from courses import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.enrolment_notify, "delay", broker_down)
    api.force_authenticate(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
        )
    assert response.status_code == 201
    assert Enrolment.objects.get(user=member).status == "confirmed"
    assert "Error 111" in caplog.text


def test_enrol_ineligible_gets_403_with_reasons(api, office, egov_rules, non_member):
    programme = make_programme(office=office, rules=egov_rules)
    api.force_authenticate(non_member)
    response = api.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "ineligible"
    assert any(r["rule"] == "membership_tiers" and not r["ok"] for r in body["reasons"])


def test_enrol_with_invalid_answers_is_400(api, office, member):
    programme = make_programme(
        office=office, asks_motivation=True, answers_required=True
    )
    api.force_authenticate(member)
    url = f"/api/v1/programmes/{programme.pk}/enrolments/"
    response = api.post(url, {"answers": ["not", "an", "object"]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_answers"
    response = api.post(url, {"answers": {}}, format="json")
    assert response.status_code == 400
    assert "motivation" in response.json()["errors"]
    response = api.post(url, {"answers": {"motivation": 42}}, format="json")
    assert response.status_code == 400
    assert "motivation" in response.json()["errors"]
    assert not Enrolment.objects.exists()


def test_questions_may_be_left_blank_unless_the_programme_requires_answers(
    api, office, member
):
    programme = make_programme(
        office=office, asks_motivation=True, asks_delivery_location=True
    )
    api.force_authenticate(member)
    url = f"/api/v1/programmes/{programme.pk}/enrolments/"
    # A wrong answer is still refused when the question is optional.
    response = api.post(url, {"answers": {"delivery_location": "mars"}}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"delivery_location"}
    response = api.post(url, {"answers": {"motivation": " Open data "}}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "confirmed"
    assert Enrolment.objects.get().answers == {"motivation": "Open data"}


def test_enrol_on_a_forged_or_unpublished_programme_is_404(api, office, member):
    draft = make_programme(office=office)
    draft.unpublish()
    api.force_authenticate(member)
    assert (
        api.post(
            f"/api/v1/programmes/{draft.pk}/enrolments/", {}, format="json"
        ).status_code
        == 404
    )
    assert (
        api.post("/api/v1/programmes/424242/enrolments/", {}, format="json").status_code
        == 404
    )


def test_withdraw_and_my_enrolments(api, programme, member):
    api.force_authenticate(member)
    created = api.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
    ).json()
    mine = api.get("/api/v1/me/enrolments/").json()
    assert mine["results"][0]["id"] == created["id"]
    response = api.post(f"/api/v1/enrolments/{created['id']}/withdraw/")
    assert response.json() == {"id": created["id"], "status": "withdrawn"}
    api.force_authenticate(UserFactory())
    assert api.post(f"/api/v1/enrolments/{created['id']}/withdraw/").status_code == 404


def test_roster_and_attendance_for_trainers_only(api, programme, trainer, member):
    enrolment = enrol(programme, member)
    enrolment.confirmed_at = timezone.now() - timezone.timedelta(days=1)
    enrolment.save()
    sessions = list(programme.sessions.all())
    url = f"/api/v1/programmes/{programme.pk}/attendance/"
    rows = [
        {"session": s.pk, "participant": member.pk, "status": "present"}
        for s in sessions
    ]
    api.force_authenticate(member)
    assert api.post(url, rows, format="json").status_code == 403
    assert api.get(f"/api/v1/programmes/{programme.pk}/roster/").status_code == 403
    programme.trainers.add(trainer)
    programme.save()
    api.force_authenticate(trainer)
    assert api.post(url, rows, format="json").json() == {"saved": 2}
    roster = api.get(f"/api/v1/programmes/{programme.pk}/roster/").json()
    row = roster["results"][0]
    assert row["participant"]["id"] == member.pk
    assert len(row["attendance"]) == 2
    assert row["completion"]["eligible"] is True
    assert row["completion"]["reason"] == "attended 2 of 2 counted sessions; needs 2"


def test_bulk_attendance_for_another_programme_saves_nothing(
    api, office, trainer, member
):
    a = make_programme(office=office)
    b = make_programme(office=office)
    a.trainers.add(trainer)
    a.save()
    enrol(a, member)
    foreign = b.sessions.first()
    api.force_authenticate(trainer)
    rows = [
        {
            "session": a.sessions.first().pk,
            "participant": member.pk,
            "status": "present",
        },
        {"session": foreign.pk, "participant": member.pk, "status": "present"},
    ]
    response = api.post(f"/api/v1/programmes/{a.pk}/attendance/", rows, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_rows"
    from courses.models import Attendance

    assert not Attendance.objects.exists()


def test_token_auth_can_enrol(api, programme):
    user = give_skill(UserFactory())
    from tests.factories import PASSWORD

    token = api.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD},
        format="json",
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/", {"answers": {}}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("restricted", ["programme", "office"])
def test_a_programme_hidden_by_a_privacy_setting_cannot_be_seen_or_applied_to(
    api, client, office, member, restricted
):
    from wagtail.models import PageViewRestriction

    programme = make_programme(office=office)
    page = programme if restricted == "programme" else office
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    api.force_authenticate(member)
    base = f"/api/v1/programmes/{programme.pk}"
    assert api.get(f"{base}/eligibility/").status_code == 404
    answer = api.post(f"{base}/enrolments/", {}, format="json")
    assert answer.status_code == 404
    client.force_login(member)
    assert client.post(f"/programmes/{programme.pk}/apply/", {}).status_code == 404
    assert not Enrolment.objects.filter(programme=programme).exists()
    # Lifting the restriction makes it reachable again.
    PageViewRestriction.objects.filter(page=page).delete()
    assert api.get(f"{base}/eligibility/").status_code == 200
