"""Trainers publish and remove technical-support slots over the REST API."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import SupportBooking, SupportSlot
from tests.factories import UserFactory

from .factories import enrol, give_skill, make_programme


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(programme, slot=None):
    base = f"/api/v1/programmes/{programme.pk}/support-slots/"
    return f"{base}{slot.pk}/" if slot is not None else base


def _body(days=70, hours=1, **fields):
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    start = timezone.localtime(start, timezone.get_fixed_timezone(9 * 60))
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "timezone": "Asia/Seoul",
        "capacity": 1,
        "video_link": "https://meet.wego.example/support-9",
        "note": "MyBatis mappers",
    } | fields


@pytest.fixture
def coach(programme, trainer):
    programme.trainers.add(trainer)
    programme.save()
    return trainer


@pytest.fixture
def confirmed(programme, member):
    enrol(programme, member)
    return member


def test_trainer_publishes_a_slot_that_participants_see_and_book(
    programme, coach, confirmed
):
    response = api(coach).post(_url(programme), _body(), format="json")
    assert response.status_code == 201
    body = response.json()
    slot = SupportSlot.objects.get()
    assert body["id"] == slot.pk
    assert body["timezone"] == "Asia/Seoul"
    assert body["local_start"].endswith("+09:00")
    assert body["capacity"] == 1 and body["seats_left"] == 1
    assert body["note"] == "MyBatis mappers"
    assert slot.host == coach
    assert slot.video_link == "https://meet.wego.example/support-9"
    listed = api(confirmed).get(_url(programme)).json()["results"]
    assert [row["id"] for row in listed] == [slot.pk]
    booked = api(confirmed).post(f"{_url(programme, slot)}book/")
    assert booked.status_code == 201
    assert booked.json()["video_link"] == "https://meet.wego.example/support-9"


def test_capacity_defaults_to_one_and_zone_to_the_programmes(programme, coach):
    body = _body(capacity=None, timezone=None)
    del body["capacity"], body["timezone"]
    response = api(coach).post(_url(programme), body, format="json")
    assert response.status_code == 201
    assert response.json()["capacity"] == 1
    assert SupportSlot.objects.get().timezone == programme.timezone


def test_attendee_and_stranger_cannot_publish(programme, confirmed):
    stranger = give_skill(UserFactory())
    for user in (confirmed, stranger):
        response = api(user).post(_url(programme), _body(), format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert "trainers" in response.json()["detail"]
    assert not SupportSlot.objects.exists()


def test_anonymous_cannot_publish(programme):
    response = APIClient().post(_url(programme), _body(), format="json")
    assert response.status_code in (401, 403)
    assert not SupportSlot.objects.exists()


def test_unknown_programme_is_404(coach):
    response = api(coach).post(
        "/api/v1/programmes/999999/support-slots/", _body(), format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"hours": -1}, "A slot ends after it starts."),
        ({"days": -2}, "A slot must be in the future."),
        ({"capacity": 0}, "A slot has at least one place."),
        (
            {"timezone": "Europe/Seul"},
            "Europe/Seul is not a time zone name such as Asia/Seoul.",
        ),
    ],
)
def test_rule_breaking_slots_are_refused_with_the_reason(
    programme, coach, fields, detail
):
    days, hours = fields.pop("days", 70), fields.pop("hours", 1)
    response = api(coach).post(
        _url(programme), _body(days=days, hours=hours, **fields), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert {k: body[k] for k in ("code", "detail")} == {
        "code": "invalid_slot",
        "detail": detail,
    }
    assert not SupportSlot.objects.exists()


@pytest.mark.parametrize(
    "starts_at", ["21/12/2026 10:00", "next monday", "2026-12-21T10:00:00"]
)
def test_non_iso_or_offsetless_times_are_refused(programme, coach, starts_at):
    response = api(coach).post(
        _url(programme), _body() | {"starts_at": starts_at}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_slot"
    assert "ISO 8601" in body["detail"]
    assert list(body["errors"]) == ["starts_at"]
    assert not SupportSlot.objects.exists()


def _published(programme, coach):
    response = api(coach).post(_url(programme), _body(), format="json")
    return SupportSlot.objects.get(pk=response.json()["id"])


def test_trainer_removes_a_slot_and_its_booker_is_emailed(
    programme, coach, confirmed, django_capture_on_commit_callbacks
):
    slot = _published(programme, coach)
    api(confirmed).post(f"{_url(programme, slot)}book/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(coach).delete(_url(programme, slot))
    assert response.status_code == 204
    assert not SupportSlot.objects.exists()
    assert not SupportBooking.objects.exists()
    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert programme.title in mail.outbox[0].body
    assert api(confirmed).get(_url(programme)).json()["results"] == []


def test_attendee_cannot_remove_a_slot(programme, coach, confirmed):
    slot = _published(programme, coach)
    response = api(confirmed).delete(_url(programme, slot))
    assert response.status_code == 403
    assert SupportSlot.objects.filter(pk=slot.pk).exists()


def test_a_slot_of_another_programme_is_404(programme, coach, office):
    other = make_programme(office=office)
    other.trainers.add(coach)
    other.save()
    slot = _published(other, coach)
    response = api(coach).delete(_url(programme, slot))
    assert response.status_code == 404
    assert SupportSlot.objects.filter(pk=slot.pk).exists()
