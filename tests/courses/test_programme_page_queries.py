"""The programme page costs the same few queries however many sessions, topics
and partners it has; what it shares between visitors is cached, what is
personal (eligibility, the visitor's enrolment) is rendered per request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Partner
from courses.models import Session, SessionKind, SupportSlot
from tests.factories import UserFactory

from .factories import enrol, give_skill, make_programme

pytestmark = pytest.mark.django_db


def _dress(programme, *, topics: int, partners: int, extra_sessions: int):
    """Give ``programme`` topics, partners and more sessions, then publish."""
    programme.topics.add(*[f"topic-{programme.pk}-{i}" for i in range(topics)])
    programme.partners.set(
        [
            Partner.objects.create(
                name=f"Partner {programme.pk}-{i}", website="https://example.org"
            )
            for i in range(partners)
        ]
    )
    start = timezone.make_aware(
        timezone.datetime.combine(programme.starts_on, timezone.datetime.min.time())
    )
    for i in range(extra_sessions):
        programme.sessions.add(
            Session(
                title=f"Extra session {i}",
                kind=SessionKind.PARTICIPANT_PRESENTATION
                if i == 0
                else SessionKind.LECTURE,
                starts_at=start + timedelta(days=i % 3, hours=14 + i % 4),
                ends_at=start + timedelta(days=i % 3, hours=15 + i % 4),
            )
        )
    programme.save_revision().publish()
    programme.refresh_from_db()
    return programme


def _warm_queries(client, url) -> tuple[int, str]:
    assert client.get(url).status_code == 200  # builds the shared fragment
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.fixture
def programmes(office):
    small = make_programme(office=office, sessions=1)
    _dress(small, topics=1, partners=0, extra_sessions=1)
    big = make_programme(office=office, sessions=4)
    _dress(big, topics=8, partners=5, extra_sessions=12)
    for programme in (small, big):
        SupportSlot.objects.create(
            programme=programme,
            starts_at=timezone.now() + timedelta(days=70),
            ends_at=timezone.now() + timedelta(days=70, hours=1),
            capacity=3,
        )
    return small, big


@pytest.mark.parametrize("role", ["applicant", "confirmed", "trainer", "anonymous"])
def test_query_count_does_not_grow_with_sessions_topics_partners(
    client, programmes, trainer, role
):
    small, big = programmes
    user = give_skill(UserFactory(timezone="Africa/Nairobi"))
    if role == "confirmed":
        enrol(small, user)
        enrol(big, user)
    elif role == "trainer":
        user = trainer
        small.trainers.add(trainer)
        big.trainers.add(trainer)
    if role != "anonymous":
        client.force_login(user)
    else:  # a session cookie makes the page cache step aside, as for members
        client.cookies["sessionid"] = "none"

    small_count, _html = _warm_queries(client, small.url)
    big_count, html = _warm_queries(client, big.url)

    assert big_count == small_count
    # 12 for a confirmed participant on a warm process (16 before): 1 finds
    # the page (by its remembered route, cms/routing.py; the site, its home
    # page and the active locale come from the cache), 3 load the session,
    # the user and their organisation, the rest are the free seats and this
    # participant's own records; the hero image and body come with the shared
    # fragment. The equality above is what catches a query per session,
    # topic or partner.
    assert big_count <= 12
    assert "Extra session 11" in html
    assert "topic-" in html and f"Partner {big.pk}-4" in html
    if role == "confirmed":
        assert "Remote technical support" in html
        assert "Share my presentation" in html
    if role == "applicant":
        assert "seats are still free" in html
        assert "Your time (Africa/Nairobi)" in html


def test_fragment_is_shared_but_enrolment_box_is_personal(client, programme):
    applicant = give_skill(UserFactory())
    confirmed = give_skill(UserFactory())
    enrol(programme, confirmed)
    client.force_login(applicant)
    mine = client.get(programme.url).content.decode()
    other = Client()
    other.force_login(confirmed)
    theirs = other.get(programme.url).content.decode()

    assert f'action="/programmes/{programme.pk}/apply/"' in mine
    assert "Withdraw my application" not in mine
    assert "Withdraw my application" in theirs
    assert "/apply/" not in theirs
    # One fewer seat is free for everybody at once, without a publish.
    assert "29 of 30 free" in mine and "29 of 30 free" in theirs
    timetable = mine.split('id="timetable-heading"')[1].split("</section>")[0]
    assert timetable == theirs.split('id="timetable-heading"')[1].split("</section>")[0]
    assert "csrfmiddlewaretoken" not in timetable


def test_publishing_a_timetable_change_shows_at_once_when_signed_in(
    client, programme, django_capture_on_commit_callbacks
):
    client.force_login(give_skill(UserFactory()))
    assert "Session 1" in client.get(programme.url).content.decode()
    sessions = list(programme.sessions.all())
    sessions[0].title = "Opening keynote"
    programme.sessions = sessions
    with django_capture_on_commit_callbacks(execute=True):
        programme.save_revision().publish()
    html = client.get(programme.url).content.decode()
    assert "Opening keynote" in html
    assert "Session 1" not in html
