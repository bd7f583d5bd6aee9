import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from lms.errors import DomainError
from lms.services import office_editors_group_name
from tests.factories import UserFactory
from tests.webinars.factories import office_page, webinar_page
from webinars import services
from webinars.models import Presence, QAEvent, Question, Registration, Vote
from webinars.selectors import (
    presence_minutes,
    qa_events_since,
    qa_snapshot,
    user_can_moderate,
    webinar_listing,
)

pytestmark = pytest.mark.django_db


def test_registering_twice_is_harmless_and_confirms_once(
    office, stranger, django_capture_on_commit_callbacks
):
    webinar = webinar_page(office, slug="future", starts_in=datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.webinar_register(webinar=webinar, user=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = services.webinar_register(webinar=webinar, user=stranger)
    assert created and not created_again
    assert first.pk == again.pk
    assert Registration.objects.filter(webinar=webinar, user=stranger).count() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Europe/Ulyanovsk" in body and "UTC" in body


def test_registration_for_a_past_webinar_is_refused(office, stranger):
    webinar = webinar_page(office, slug="old", starts_in=datetime.timedelta(days=-30))
    with pytest.raises(DomainError) as exc:
        services.webinar_register(webinar=webinar, user=stranger)
    assert exc.value.code == "webinar_over"


def test_reminders_go_once_to_registrations_within_a_day(office, stranger):
    from webinars.tasks import send_webinar_reminders

    soon = webinar_page(office, slug="soon", starts_in=datetime.timedelta(hours=5))
    later = webinar_page(office, slug="later", starts_in=datetime.timedelta(days=5))
    Registration.objects.create(webinar=soon, user=stranger)
    Registration.objects.create(webinar=later, user=stranger)
    assert send_webinar_reminders() == 1
    assert send_webinar_reminders() == 0
    assert [m.subject for m in mail.outbox] == [f"Reminder: {soon.title}"]


def test_question_requires_registration(webinar, stranger):
    with pytest.raises(DomainError) as exc:
        services.question_ask(webinar=webinar, user=stranger, text="Hello?")
    assert exc.value.code == "not_registered"
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_question"),
        ("   ", "empty_question"),
        ("x" * 501, "question_too_long"),
        (None, "invalid_text"),
        (["a"], "invalid_text"),
    ],
)
def test_bad_question_text_is_refused_and_nothing_changes(
    webinar, attendee, text, code
):
    with pytest.raises(DomainError) as exc:
        services.question_ask(webinar=webinar, user=attendee, text=text)
    assert exc.value.code == code
    assert not Question.objects.exists()
    assert not QAEvent.objects.exists()


def test_html_in_a_question_is_stored_as_plain_text(webinar, attendee):
    text = '<script>alert("x")</script><b>bold</b>'
    question = services.question_ask(webinar=webinar, user=attendee, text=text)
    assert Question.objects.get(pk=question.pk).text == text


def test_five_hundred_characters_are_allowed(webinar, attendee):
    question = services.question_ask(webinar=webinar, user=attendee, text="é" * 500)
    assert len(question.text) == 500


def test_one_question_per_ten_seconds_per_person(webinar, attendee, attendee2):
    services.question_ask(webinar=webinar, user=attendee, text="First")
    with pytest.raises(DomainError) as exc:
        services.question_ask(webinar=webinar, user=attendee, text="Second")
    assert exc.value.code == "rate_limited"
    assert exc.value.status == 429
    services.question_ask(webinar=webinar, user=attendee2, text="Someone else")
    assert Question.objects.count() == 2


def test_votes_are_rate_limited(webinar, attendee, attendee2, monkeypatch):
    monkeypatch.setattr(services.base, "VOTES_PER_WINDOW", 3)
    question = services.question_ask(webinar=webinar, user=attendee2, text="Vote me")
    for _ in range(3):
        services.question_vote(webinar=webinar, question_id=question.pk, user=attendee)
    with pytest.raises(DomainError) as exc:
        services.question_unvote(
            webinar=webinar, question_id=question.pk, user=attendee
        )
    assert exc.value.code == "rate_limited"


def test_vote_once_per_person_and_unvote(webinar, attendee, attendee2):
    question = services.question_ask(webinar=webinar, user=attendee, text="Q")
    services.question_vote(webinar=webinar, question_id=question.pk, user=attendee2)
    services.question_vote(webinar=webinar, question_id=question.pk, user=attendee2)
    question.refresh_from_db()
    assert question.votes == 1
    assert Vote.objects.filter(question=question).count() == 1
    services.question_unvote(webinar=webinar, question_id=question.pk, user=attendee2)
    services.question_unvote(webinar=webinar, question_id=question.pk, user=attendee2)
    question.refresh_from_db()
    assert question.votes == 0


def test_votes_on_hidden_or_unknown_questions_are_refused(webinar, attendee, host):
    question = services.question_ask(webinar=webinar, user=attendee, text="Q")
    services.question_moderate(
        webinar=webinar, question_id=question.pk, user=host, action="hide"
    )
    for question_id in (question.pk, 999999, "abc", None):
        with pytest.raises(DomainError) as exc:
            services.question_vote(
                webinar=webinar, question_id=question_id, user=attendee
            )
        assert exc.value.code == "question_not_found"
    assert not Vote.objects.exists()


def test_moderator_actions_by_attendees_are_refused(webinar, attendee, attendee2):
    question = services.question_ask(webinar=webinar, user=attendee, text="Q")
    events_before = QAEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.question_moderate(
            webinar=webinar, question_id=question.pk, user=attendee2, action="hide"
        )
    assert exc.value.code == "not_moderator"
    question.refresh_from_db()
    assert question.status == "visible"
    assert QAEvent.objects.count() == events_before


def test_moderation_across_webinars_is_refused(
    office, webinar, other_webinar, attendee, host
):
    """A host of one webinar cannot act on another's questions, whatever the route."""
    other_host = UserFactory()
    other_webinar.hosts.add(other_host)
    other_webinar.save()
    question = services.question_ask(webinar=webinar, user=attendee, text="Q")
    with pytest.raises(DomainError) as exc:
        services.question_moderate(
            webinar=webinar, question_id=question.pk, user=other_host, action="hide"
        )
    assert exc.value.code == "not_moderator"
    with pytest.raises(DomainError) as exc:
        services.question_moderate(
            webinar=other_webinar,
            question_id=question.pk,
            user=other_host,
            action="hide",
        )
    assert exc.value.code == "question_not_found"
    question.refresh_from_db()
    assert question.status == "visible"


def test_who_moderates(office, webinar, host, attendee, staff_user):
    editors = UserFactory()
    editors.groups.add(
        Group.objects.create(name=office_editors_group_name(office.title))
    )
    other_office = office_page(
        slug="asia-chengdu", kind="asia", title="Asia Regional Office"
    )
    other_editor = UserFactory()
    other_editor.groups.add(
        Group.objects.create(name=office_editors_group_name(other_office.title))
    )
    assert user_can_moderate(webinar=webinar, user=host)
    assert user_can_moderate(webinar=webinar, user=editors)
    assert user_can_moderate(webinar=webinar, user=staff_user)
    assert not user_can_moderate(webinar=webinar, user=attendee)
    assert not user_can_moderate(webinar=webinar, user=other_editor)


def test_premoderation_holds_questions_until_approved(
    webinar, attendee, attendee2, host
):
    webinar.premoderation = True
    webinar.save()
    question = services.question_ask(webinar=webinar, user=attendee, text="Wait")
    assert question.status == "pending"
    assert qa_snapshot(webinar=webinar, user=attendee2)["questions"] == []
    assert [q["id"] for q in qa_snapshot(webinar=webinar, user=host)["questions"]] == [
        question.pk
    ]
    services.question_moderate(
        webinar=webinar, question_id=question.pk, user=host, action="approve"
    )
    assert [
        q["id"] for q in qa_snapshot(webinar=webinar, user=attendee2)["questions"]
    ] == [question.pk]


def test_anonymous_questions_hide_the_author_from_attendees_only(
    webinar, attendee, attendee2, host
):
    services.question_ask(webinar=webinar, user=attendee, text="Shy", anonymous=True)
    seen_by_attendee = qa_snapshot(webinar=webinar, user=attendee2)["questions"][0]
    seen_by_host = qa_snapshot(webinar=webinar, user=host)["questions"][0]
    assert seen_by_attendee["author"] is None
    assert seen_by_host["author"]["id"] == attendee.pk
    assert seen_by_host["created_at"]


def test_pinning_one_question_unpins_the_other(webinar, attendee, attendee2, host):
    first = services.question_ask(webinar=webinar, user=attendee, text="One")
    second = services.question_ask(webinar=webinar, user=attendee2, text="Two")
    services.question_moderate(
        webinar=webinar, question_id=first.pk, user=host, action="pin"
    )
    services.question_moderate(
        webinar=webinar, question_id=second.pk, user=host, action="pin"
    )
    assert list(Question.objects.filter(pinned=True)) == [second]


def test_answer_with_written_text(webinar, attendee, host):
    question = services.question_ask(webinar=webinar, user=attendee, text="Q")
    services.question_moderate(
        webinar=webinar,
        question_id=question.pk,
        user=host,
        action="answer",
        answer_text="Yes.",
    )
    question.refresh_from_db()
    assert question.answered and question.answer_text == "Yes."


def test_unknown_moderation_action_is_refused(webinar, attendee, host):
    question = services.question_ask(webinar=webinar, user=attendee, text="Q")
    with pytest.raises(DomainError) as exc:
        services.question_moderate(
            webinar=webinar, question_id=question.pk, user=host, action="delete"
        )
    assert exc.value.code == "unknown_action"


def test_event_ids_grow_by_one_and_since_returns_exactly_the_missed(
    webinar, attendee, attendee2, host
):
    first = services.question_ask(webinar=webinar, user=attendee, text="One")
    services.question_vote(webinar=webinar, question_id=first.pk, user=attendee2)
    snapshot = qa_snapshot(webinar=webinar, user=attendee2)
    since = snapshot["last_event_id"]
    second = services.question_ask(webinar=webinar, user=attendee2, text="Two")
    services.question_moderate(
        webinar=webinar, question_id=first.pk, user=host, action="hide"
    )
    ids = list(
        QAEvent.objects.filter(webinar=webinar).values_list("event_id", flat=True)
    )
    assert ids == list(range(1, len(ids) + 1))
    missed = qa_events_since(webinar=webinar, user=attendee2, since=since)
    assert [(m["type"], m["question"]["id"]) for m in missed] == [
        ("question.created", second.pk),
        ("question.removed", first.pk),
    ]
    assert [m["event_id"] for m in missed] == [since + 1, since + 2]
    assert qa_events_since(webinar=webinar, user=attendee2, since=ids[-1]) == []


def test_events_of_one_webinar_never_leak_into_another(
    webinar, other_webinar, attendee, host
):
    Registration.objects.create(webinar=other_webinar, user=attendee)
    services.question_ask(webinar=webinar, user=attendee, text="Here")
    assert qa_events_since(webinar=other_webinar, user=attendee, since=0) == []
    assert qa_snapshot(webinar=other_webinar, user=attendee)["questions"] == []


def test_asking_can_be_locked_by_moderators(webinar, attendee, host):
    services.asking_set_open(webinar=webinar, user=host, open=False)
    webinar.refresh_from_db()
    assert not webinar.asking_open
    with pytest.raises(DomainError) as exc:
        services.question_ask(webinar=webinar, user=attendee, text="Closed?")
    assert exc.value.code == "asking_closed"
    with pytest.raises(DomainError):
        services.asking_set_open(webinar=webinar, user=attendee, open=True)
    # A later publish keeps the moderators' choice.
    webinar.refresh_from_db()
    webinar.save_revision().publish()
    webinar.refresh_from_db()
    assert not webinar.asking_open


def test_polls_single_and_multiple_choice(webinar, attendee, attendee2, host):
    poll = services.poll_create(
        webinar=webinar,
        user=host,
        question="Which?",
        options=["A", "B", "C"],
        multiple=False,
    )
    a, b, c = poll.options.all()
    services.poll_vote(
        webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[a.pk]
    )
    # Once answered, a poll is answered: a second answer is refused.
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[b.pk]
        )
    assert exc.value.code == "already_answered" and exc.value.status == 409
    with pytest.raises(DomainError):
        services.poll_vote(
            webinar=webinar, user=attendee2, poll_id=poll.pk, option_ids=[a.pk, b.pk]
        )
    multi = services.poll_create(
        webinar=webinar, user=host, question="All?", options=["X", "Y"], multiple=True
    )
    services.poll_vote(
        webinar=webinar,
        user=attendee2,
        poll_id=multi.pk,
        option_ids=[o.pk for o in multi.options.all()],
    )
    from webinars.selectors import poll_state

    assert [o["votes"] for o in poll_state(poll)["options"]] == [1, 0, 0]
    assert [o["votes"] for o in poll_state(multi)["options"]] == [1, 1]
    services.poll_close(webinar=webinar, user=host, poll_id=poll.pk)
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=attendee2, poll_id=poll.pk, option_ids=[a.pk]
        )
    assert exc.value.code == "poll_closed"
    with pytest.raises(DomainError) as exc:
        services.poll_create(
            webinar=webinar,
            user=attendee,
            question="Mine",
            options=["1", "2"],
            multiple=False,
        )
    assert exc.value.code == "not_moderator"


def test_presence_counts_minutes_once_across_tabs(webinar, attendee, stranger):
    now = timezone.now()
    assert services.presence_join(webinar=webinar, user=stranger) is None
    first = services.presence_join(webinar=webinar, user=attendee)
    second = services.presence_join(webinar=webinar, user=attendee)
    Presence.objects.filter(pk=first.pk).update(
        joined_at=now - datetime.timedelta(minutes=30), last_seen_at=now
    )
    Presence.objects.filter(pk=second.pk).update(
        joined_at=now - datetime.timedelta(minutes=20),
        last_seen_at=now - datetime.timedelta(minutes=5),
    )
    services.presence_leave(presence_id=second.pk)  # closing a tab later is fine
    Presence.objects.filter(pk=second.pk).update(
        left_at=now - datetime.timedelta(minutes=5)
    )
    assert presence_minutes(webinar=webinar, user=attendee) == 30


def test_a_dropped_connection_counts_until_its_last_heartbeat(webinar, attendee):
    now = timezone.now()
    presence = services.presence_join(webinar=webinar, user=attendee)
    Presence.objects.filter(pk=presence.pk).update(
        joined_at=now - datetime.timedelta(minutes=50),
        last_seen_at=now - datetime.timedelta(minutes=40),
    )
    assert presence_minutes(webinar=webinar, user=attendee) == 10
    services.presence_heartbeat(presence_id=presence.pk)
    assert presence_minutes(webinar=webinar, user=attendee) == 50


def test_listing_sorts_live_upcoming_and_past(office):
    live = webinar_page(office, slug="live-one")
    soon = webinar_page(office, slug="soon", starts_in=datetime.timedelta(days=2))
    old = webinar_page(office, slug="old", starts_in=datetime.timedelta(days=-10))
    forced = webinar_page(
        office, slug="forced", starts_in=datetime.timedelta(days=-10), live_now=True
    )
    listing = webinar_listing()
    assert {w.pk for w in listing["live"]} == {live.pk, forced.pk}
    assert [w.pk for w in listing["upcoming"]] == [soon.pk]
    assert [w.pk for w in listing["past"]] == [old.pk]


def test_live_window_opens_fifteen_minutes_early(office):
    webinar = webinar_page(office, slug="w", starts_in=datetime.timedelta(minutes=14))
    assert webinar.is_live
    webinar.starts_at = timezone.now() + datetime.timedelta(minutes=16)
    assert not webinar.is_live


def test_a_rooms_sockets_are_rechecked_together_in_a_few_queries(
    webinar, host, django_assert_max_num_queries
):
    """Each socket gets the verdict the handshake would give now."""
    from lms.services import api_token_create, api_token_revoke

    people = [UserFactory() for _ in range(6)]
    for person in people:
        Registration.objects.create(webinar=webinar, user=person)
    keys = [api_token_create(user=p, name="qa") for p in people]
    ok, deactivated, unregistered, revoked, stolen, fine = people
    deactivated.is_active = False
    deactivated.save()
    Registration.objects.filter(user=unregistered).delete()
    api_token_revoke(user=revoked, name="qa")
    host_key = api_token_create(user=host, name="qa")

    def sockets(n_extra=0):
        found = [
            services.SocketCredentials(p.pk, None, k, attendee=True)
            for p, k in zip(people, keys, strict=True)
        ]
        found[4] = services.SocketCredentials(stolen.pk, None, keys[0], True)
        # A moderator's socket needs no registration.
        found.append(services.SocketCredentials(host.pk, None, host_key, False))
        return found + [found[0]] * n_extra

    codes = services.socket_access_check_many(webinar_id=webinar.pk, sockets=sockets())
    assert codes == [None, 4401, 4403, 4401, 4401, None, None]
    with django_assert_max_num_queries(16) as small:
        services.socket_access_check_many(webinar_id=webinar.pk, sockets=sockets())
    with django_assert_max_num_queries(len(small.captured_queries)):
        services.socket_access_check_many(
            webinar_id=webinar.pk, sockets=sockets(n_extra=200)
        )
    assert services.socket_access_check_many(webinar_id=0, sockets=sockets()[:1]) == [
        4404
    ]


def test_limiters_fail_open_when_the_cache_is_down(webinar, attendee, monkeypatch):
    """The resilient Redis cache answers ``add`` with False and ``get`` with
    None when Redis is away; that is not "you just asked" (issue 14, item 4)."""

    def down(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(cache, "add", lambda *a, **k: False)
    monkeypatch.setattr(cache, "get", lambda *a, **k: None)
    monkeypatch.setattr(cache, "incr", down)
    first = services.question_ask(webinar=webinar, user=attendee, text="One")
    second = services.question_ask(webinar=webinar, user=attendee, text="Two")
    assert [first.status, second.status] == ["visible", "visible"]
    assert (
        services.question_vote(
            webinar=webinar, user=attendee, question_id=first.pk
        ).votes
        == 1
    )
