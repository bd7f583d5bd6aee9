"""Inputs that gave a 500 get a clear 400 and write nothing (issue 15, item 5)."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from courses.models import Attendance, Enrolment, SupportSlot
from lms.services import api_token_create

from .factories import enrol


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def coach(programme, trainer):
    programme.trainers.add(trainer)
    programme.save()
    return trainer


# --- A support slot in year 9999 ---------------------------------------------------


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "words"),
    [
        ("2027-03-01T10:00:00+09:00", "9999-12-31T23:59:00+09:00", "12 hours"),
        ("9999-12-31T10:00:00-12:00", "9999-12-31T11:00:00-12:00", "3 years"),
    ],
)
def test_a_slot_in_year_9999_is_refused_and_not_saved(
    programme, coach, starts_at, ends_at, words
):
    response = as_user(coach).post(
        f"/api/v1/programmes/{programme.pk}/support-slots/",
        {"starts_at": starts_at, "ends_at": ends_at, "timezone": "Pacific/Kiritimati"},
        format="json",
    )
    body = assert_error(response, 400, "invalid_slot")
    assert words in body["detail"]
    assert not SupportSlot.objects.exists()
    listing = as_user(coach).get(f"/api/v1/programmes/{programme.pk}/support-slots/")
    assert listing.status_code == 200


# --- Deeply nested JSON ------------------------------------------------------------


def deep(levels: int) -> bytes:
    return ("[" * levels + "]" * levels).encode()


@pytest.mark.parametrize("levels", [40, 100_000])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(programme, coach, levels):
    key = api_token_create(user=coach, name="deep")
    slot_url = f"/api/v1/programmes/{programme.pk}/support-slots/"
    paths = [
        "/api/v1/auth/token/",
        "/api/v1/auth/token/revoke/",
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        f"/api/v1/programmes/{programme.pk}/attendance/",
        slot_url,
    ]
    for path in paths:
        response = Client().post(
            path,
            data=deep(levels),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        body = assert_error(response, 400, "parse_error")
        assert "nested" in body["detail"], path
    assert not Enrolment.objects.exists() and not SupportSlot.objects.exists()


def test_deeply_nested_answers_in_a_form_body_are_a_400(programme, member):
    response = as_user(member).post(
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        {"answers": "[" * 100_000 + "]" * 100_000},
        format="multipart",
    )
    assert_error(response, 400)
    assert not Enrolment.objects.exists()


# --- Attendance: integers over 64 bits, 10,000 rows -----------------------------------


@pytest.mark.parametrize("field", ["participant", "session", "minutes"])
def test_integers_over_64_bits_in_attendance_are_a_400(programme, coach, member, field):
    enrol(programme, member)
    row = {
        "session": programme.sessions.first().pk,
        "participant": member.pk,
        "status": "present",
        field: 2**70,
    }
    response = as_user(coach).post(
        f"/api/v1/programmes/{programme.pk}/attendance/", [row], format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["errors"]) == [f"0.{field}"]
    assert not Attendance.objects.exists()


def test_ten_thousand_attendance_rows_are_refused_at_once_with_the_limit(
    programme, coach, member
):
    enrol(programme, member)
    row = {
        "session": programme.sessions.first().pk,
        "participant": member.pk,
        "status": "present",
    }
    response = as_user(coach).post(
        f"/api/v1/programmes/{programme.pk}/attendance/", [row] * 10_000, format="json"
    )
    body = assert_error(response, 413, "too_many_rows")
    assert body["limit"] == 1000
    assert "1000" in body["detail"]
    assert not Attendance.objects.exists()
    ok = as_user(coach).post(
        f"/api/v1/programmes/{programme.pk}/attendance/", [row], format="json"
    )
    assert ok.status_code == 200


# --- NUL characters ---------------------------------------------------------------


def _nul_answers(programme, member):
    response = as_user(member).post(
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        {"answers": {"motivation": "Open\x00data"}},
        format="json",
    )
    body = assert_error(response, 400)
    assert "NUL" in json.dumps(body)
    assert not Enrolment.objects.exists()


def _nul_filter():
    response = Client().get("/api/v1/programmes/?office=%00")
    assert_error(response, 400, "invalid")
    assert "office" in response.json()["errors"]


def test_nul_in_answers_is_a_400(programme, member):
    _nul_answers(programme, member)


def test_nul_in_a_query_filter_is_a_400(db):
    _nul_filter()


@pytest.mark.postgres
def test_nul_in_answers_is_a_400_on_postgresql(programme, member):
    _nul_answers(programme, member)


@pytest.mark.postgres
def test_nul_in_a_query_filter_is_a_400_on_postgresql(db):
    _nul_filter()


# --- A 1 MB search query -----------------------------------------------------------


def test_a_one_megabyte_search_query_gets_an_answer(db):
    query = "seoul " * 180_000
    pages = Client().get("/api/v2/pages/", {"search": query})
    assert pages.status_code == 200
    site = Client().get("/search/", {"q": query})
    assert site.status_code == 200
    assert "shortened" in site.content.decode()
