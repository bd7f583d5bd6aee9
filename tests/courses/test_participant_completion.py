"""Participants see their own completion, with the figures their trainers see.

Before, trainers read "attended 10 of 12 counted sessions; needs 9; missed
required: …" while the participant saw nothing. Now My programmes and the
programme page say it, and a new mark shows at once (the programme page's
kept personal parts are keyed by the programme's state version).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import Session
from tests.factories import UserFactory

from .factories import enrol, give_skill, make_programme


@pytest.fixture
def running(office, trainer):
    """A programme under way: two sessions held, one (required) to come."""
    today = timezone.localdate()
    programme = make_programme(
        office=office,
        title="Seoul Program 2026",
        sessions=0,
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=2),
        completion_min_share=75,
    )
    now = timezone.now()
    for title, start, required in (
        ("Opening lecture", now - timedelta(days=2), True),
        ("Big data in city halls", now - timedelta(days=1), False),
        ("Closing presentations", now + timedelta(days=1), True),
    ):
        Session.objects.create(
            programme=programme,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location="Seoul",
            required=required,
        )
    programme.trainers.add(trainer)
    programme.save()
    return programme


@pytest.fixture
def participant(running):
    user = give_skill(UserFactory())
    enrolment = enrol(running, user)
    enrolment.confirmed_at = timezone.now() - timedelta(days=10)
    enrolment.save()
    return user


def _mark(programme, user, title, status, trainer):
    services.attendance_mark(
        session=programme.sessions.get(title=title),
        enrolment=programme.enrolments.get(user=user),
        status=status,
        actor=trainer,
    )


def _enrol_box(html: str) -> str:
    return html[html.index('id="enrol-heading"') :]


def test_my_programmes_and_the_programme_page_show_my_completion(
    client, running, participant, trainer
):
    _mark(running, participant, "Opening lecture", "absent", trainer)
    _mark(running, participant, "Big data in city halls", "present", trainer)
    client.force_login(participant)
    expected = (
        "Your attendance:</strong> attended 1 of 3 counted sessions; needs 3; "
        "missed required: Opening lecture; required, still to come: Closing "
        "presentations."
    )
    mine = client.get("/my/programmes/").content.decode()
    assert expected in mine
    assert "Not met yet" in mine
    page = _enrol_box(client.get(running.url).content.decode())
    assert expected in page
    assert "Attend at least 3 counted sessions, and every required one" in page


def test_a_new_mark_shows_on_the_kept_programme_page_at_once(
    client, running, participant, trainer
):
    client.force_login(participant)
    client.get(running.url)
    before = _enrol_box(client.get(running.url).content.decode())
    assert "attended 0 of 3 counted sessions" in before
    for title in ("Opening lecture", "Big data in city halls"):
        _mark(running, participant, title, "present", trainer)
    after = _enrol_box(client.get(running.url).content.decode())
    assert "attended 2 of 3 counted sessions; needs 3" in after
    assert "missed required" not in after


def test_meeting_the_rule_and_the_trainers_confirmation_are_said(
    client, running, participant, trainer
):
    running.sessions.filter(title="Closing presentations").update(required=False)
    running.completion_min_share = 60
    running.save_revision().publish()
    for title in ("Opening lecture", "Big data in city halls"):
        _mark(running, participant, title, "present", trainer)
    client.force_login(participant)
    page = _enrol_box(client.get(running.url).content.decode())
    assert "attended 2 of 3 counted sessions; needs 2." in page
    assert "Completion rule met" in page
    assert "Your trainers will confirm your completion" in page
    services.completion_confirm(
        enrolment=running.enrolments.get(user=participant), actor=trainer
    )
    mine = client.get("/my/programmes/").content.decode()
    assert "Your trainers confirmed your completion." in mine


def test_no_completion_is_shown_without_a_confirmed_seat(client, running):
    waiting = give_skill(UserFactory())
    enrol(running, waiting, status="waitlisted", waitlist_position=1)
    client.force_login(waiting)
    assert "Your attendance" not in client.get("/my/programmes/").content.decode()
    assert "Your attendance" not in client.get(running.url).content.decode()


def test_completion_is_translated(client, running, participant, trainer):
    participant.preferred_language = "ru"
    participant.save()
    _mark(running, participant, "Opening lecture", "present", trainer)
    client.force_login(participant)
    html = client.get("/ru/my/programmes/").content.decode()
    assert "Your attendance" not in html
    assert "Ваша посещаемость:</strong> посещено 1 из 3 учитываемых занятий" in html
