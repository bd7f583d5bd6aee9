"""The Q&A socket through the real ASGI application (origin check, auth, routing)."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from lms.asgi import application
from lms.services import api_token_create
from tests.factories import UserFactory
from webinars import services
from webinars.models import Question, Registration

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

ORIGIN = (b"origin", b"http://localhost")


async def connect(webinar, user=None, since=None):
    headers = [ORIGIN]
    if user is not None:
        key = await database_sync_to_async(api_token_create)(user=user, name="test")
        headers.append((b"authorization", f"Token {key}".encode()))
    path = f"/ws/webinars/{webinar.pk}/qa/"
    if since is not None:
        path += f"?since={since}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive(communicator, *types, timeout=3):
    """The next message of one of ``types`` (attendee counts are skipped unless asked)."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if not types or message["type"] in types:
            return message


async def joined(webinar, user):
    communicator, connected, _ = await connect(webinar, user)
    assert connected
    snapshot = await receive(communicator, "snapshot")
    return communicator, snapshot


async def refused(communicator) -> tuple[dict, int]:
    """A refused socket: accepted, one ``error`` frame, then closed with a code
    (so a real client sees the code, not an HTTP 403)."""
    error = await communicator.receive_json_from(timeout=3)
    closing = await communicator.receive_output(timeout=3)
    assert closing["type"] == "websocket.close", closing
    return error, closing["code"]


async def test_anonymous_socket_is_closed_with_4401_and_no_state(webinar):
    communicator, connected, _ = await connect(webinar)
    assert connected
    error, code = await refused(communicator)
    assert code == 4401
    assert error == {
        "type": "error",
        "code": "not_authenticated",
        "message": "Sign in to follow the Q&A live.",
    }
    assert await communicator.receive_nothing(timeout=0.3)


async def test_unknown_webinar_is_closed_with_4404(webinar, attendee):
    webinar.pk = 987654
    communicator, connected, _ = await connect(webinar, attendee)
    error, code = await refused(communicator)
    assert code == 4404 and error["code"] == "webinar_not_found"


async def test_webinar_one_may_not_read_is_closed_with_4403(webinar, attendee):
    await database_sync_to_async(webinar.unpublish)()
    communicator, connected, _ = await connect(webinar, attendee)
    error, code = await refused(communicator)
    assert code == 4403 and error["code"] == "forbidden"


async def test_foreign_origin_is_refused(webinar, attendee):
    key = await database_sync_to_async(api_token_create)(user=attendee, name="x")
    communicator = WebsocketCommunicator(
        application,
        f"/ws/webinars/{webinar.pk}/qa/",
        headers=[
            (b"origin", b"https://evil.example"),
            (b"authorization", f"Token {key}".encode()),
        ],
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_two_clients_see_each_others_questions_and_votes(
    webinar, attendee, attendee2
):
    alice, snapshot = await joined(webinar, attendee)
    assert snapshot["questions"] == [] and snapshot["last_event_id"] == 0
    bob, _ = await joined(webinar, attendee2)

    await alice.send_json_to(
        {"type": "ask", "text": "<b>Open data?</b>", "anonymous": False}
    )
    for client in (alice, bob):
        created = await receive(client, "question.created")
        assert created["question"]["text"] == "<b>Open data?</b>"
        assert created["question"]["author"]["name"] == attendee.display_name
        assert created["event_id"] == 1
    question_id = created["question"]["id"]

    await bob.send_json_to({"type": "vote", "question": question_id})
    seen_by_bob = await receive(bob, "question.updated")
    seen_by_alice = await receive(alice, "question.updated")
    assert seen_by_bob["question"]["votes"] == seen_by_alice["question"]["votes"] == 1
    assert seen_by_bob["question"]["voted_by_me"] is True
    assert seen_by_alice["question"]["voted_by_me"] is False

    await bob.send_json_to({"type": "unvote", "question": question_id})
    assert (await receive(alice, "question.updated"))["question"]["votes"] == 0
    assert (await receive(bob, "question.updated"))["question"]["voted_by_me"] is False
    await alice.disconnect()
    await bob.disconnect()


async def test_hiding_removes_the_question_for_attendees_and_keeps_it_for_moderators(
    webinar, attendee, host
):
    question = await database_sync_to_async(services.question_ask)(
        webinar=webinar, user=attendee, text="Off topic"
    )
    alice, snapshot = await joined(webinar, attendee)
    assert [q["id"] for q in snapshot["questions"]] == [question.pk]
    moderator, _ = await joined(webinar, host)
    await moderator.send_json_to(
        {"type": "moderate", "question": question.pk, "action": "hide"}
    )
    removed = await receive(alice, "question.removed")
    assert removed["question"] == {"id": question.pk}
    updated = await receive(moderator, "question.updated")
    assert updated["question"]["status"] == "hidden"
    await alice.disconnect()
    await moderator.disconnect()


async def test_reconnecting_with_since_gets_exactly_what_was_missed(
    webinar, attendee, attendee2, host
):
    alice, snapshot = await joined(webinar, attendee)
    await alice.send_json_to({"type": "ask", "text": "Before", "anonymous": False})
    before = await receive(alice, "question.created")
    await alice.disconnect()

    ask = database_sync_to_async(services.question_ask)
    missed = await ask(webinar=webinar, user=attendee2, text="While away")
    await database_sync_to_async(services.question_moderate)(
        webinar=webinar, question_id=before["question"]["id"], user=host, action="pin"
    )

    again, connected, _ = await connect(webinar, attendee, since=before["event_id"])
    assert connected
    first = await receive(again, "question.created", "question.updated", "snapshot")
    second = await receive(again, "question.created", "question.updated", "snapshot")
    assert (first["type"], first["question"]["id"], first["event_id"]) == (
        "question.created",
        missed.pk,
        before["event_id"] + 1,
    )
    assert (second["type"], second["question"]["pinned"], second["event_id"]) == (
        "question.updated",
        True,
        before["event_id"] + 2,
    )
    while not await again.receive_nothing(timeout=0.5):
        assert (await again.receive_json_from())["type"] == "attendees"
    await again.disconnect()


async def test_bad_messages_get_errors_and_the_socket_stays_healthy(
    webinar, attendee, host
):
    alice, _ = await joined(webinar, attendee)
    cases = [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        (json.dumps({"type": "shout"}), "unknown_type"),
        (json.dumps({"type": "ask", "text": "x" * 501}), "question_too_long"),
        (json.dumps({"type": "ask", "text": "   "}), "empty_question"),
        (json.dumps({"type": "ask", "text": "x" * 20000}), "message_too_large"),
        (json.dumps({"type": "vote", "question": 424242}), "question_not_found"),
        (json.dumps({"type": "vote", "question": "1; DROP"}), "question_not_found"),
        (
            json.dumps({"type": "moderate", "question": 1, "action": "hide"}),
            "not_moderator",
        ),
    ]
    for text, code in cases:
        await alice.send_to(text_data=text)
        error = await receive(alice, "error")
        assert error["code"] == code, text
        assert error["message"]
    assert await database_sync_to_async(Question.objects.count)() == 0
    await alice.send_json_to({"type": "ask", "text": "Still here?"})
    assert (await receive(alice, "question.created"))["question"][
        "text"
    ] == "Still here?"
    await alice.disconnect()


async def test_asking_twice_in_ten_seconds_is_rate_limited(webinar, attendee):
    alice, _ = await joined(webinar, attendee)
    await alice.send_json_to({"type": "ask", "text": "One"})
    await receive(alice, "question.created")
    await alice.send_json_to({"type": "ask", "text": "Two"})
    error = await receive(alice, "error")
    assert error["code"] == "rate_limited"
    assert await database_sync_to_async(Question.objects.count)() == 1
    await alice.disconnect()


async def test_anonymous_questions_show_the_author_to_moderators_only(
    webinar, attendee, attendee2, host
):
    alice, _ = await joined(webinar, attendee)
    bob, _ = await joined(webinar, attendee2)
    moderator, _ = await joined(webinar, host)
    await alice.send_json_to({"type": "ask", "text": "Shy question", "anonymous": True})
    assert (await receive(bob, "question.created"))["question"]["author"] is None
    assert (await receive(alice, "question.created"))["question"]["author"] is None
    seen = (await receive(moderator, "question.created"))["question"]
    assert seen["author"]["id"] == attendee.pk and seen["anonymous"] is True
    for client in (alice, bob, moderator):
        await client.disconnect()


async def test_unregistered_viewers_read_but_cannot_ask_or_vote(
    webinar, attendee, stranger
):
    question = await database_sync_to_async(services.question_ask)(
        webinar=webinar, user=attendee, text="Visible to all"
    )
    viewer, snapshot = await joined(webinar, stranger)
    assert [q["id"] for q in snapshot["questions"]] == [question.pk]
    await viewer.send_json_to({"type": "ask", "text": "Me too"})
    assert (await receive(viewer, "error"))["code"] == "not_registered"
    await viewer.send_json_to({"type": "vote", "question": question.pk})
    assert (await receive(viewer, "error"))["code"] == "not_registered"
    await viewer.disconnect()


async def test_moderation_of_another_webinar_is_refused(
    webinar, other_webinar, attendee
):
    other_host = await database_sync_to_async(UserFactory)(
        email="otherhost@city.example"
    )

    def make_host():
        other_webinar.hosts.add(other_host)
        other_webinar.save()
        Registration.objects.create(webinar=webinar, user=other_host)

    await database_sync_to_async(make_host)()
    question = await database_sync_to_async(services.question_ask)(
        webinar=webinar, user=attendee, text="Mine"
    )
    # Connected to webinar A, where they are only an attendee.
    in_a, _ = await joined(webinar, other_host)
    await in_a.send_json_to(
        {"type": "moderate", "question": question.pk, "action": "hide"}
    )
    assert (await receive(in_a, "error"))["code"] == "not_moderator"
    # Connected to webinar B, which they moderate: A's question is not found there.
    in_b, _ = await joined(other_webinar, other_host)
    await in_b.send_json_to(
        {"type": "moderate", "question": question.pk, "action": "hide"}
    )
    assert (await receive(in_b, "error"))["code"] == "question_not_found"
    status = await database_sync_to_async(
        lambda: Question.objects.get(pk=question.pk).status
    )()
    assert status == "visible"
    await in_a.disconnect()
    await in_b.disconnect()


async def test_attendee_count_follows_registered_connections(
    webinar, attendee, attendee2
):
    alice, _ = await joined(webinar, attendee)
    assert (await receive(alice, "attendees"))["count"] == 1
    bob, _ = await joined(webinar, attendee2)
    assert (await receive(alice, "attendees"))["count"] == 2
    await bob.disconnect()
    assert (await receive(alice, "attendees"))["count"] == 1
    await alice.disconnect()


async def test_settings_switched_while_a_socket_is_open_apply_to_its_next_question(
    webinar, attendee, attendee2, host
):
    """The socket read pre-moderation and "asking open" once, at connect; the
    moderator's switch must reach sockets already open (issue 14, item 3)."""
    alice, _ = await joined(webinar, attendee)
    bob, _ = await joined(webinar, attendee2)
    # The moderator's form works on its own copy of the page, as a request does.
    page = await database_sync_to_async(type(webinar).objects.get)(pk=webinar.pk)
    update = database_sync_to_async(services.qa_settings_update)
    await update(webinar=page, user=host, premoderation=True)

    await alice.send_json_to({"type": "ask", "text": "Pending?", "anonymous": False})
    notice = await receive(alice, "notice", "question.created", "error")
    assert notice["code"] == "awaiting_approval", notice
    stored = await database_sync_to_async(Question.objects.get)(text="Pending?")
    assert stored.status == "pending"
    # Nobody else sees it (nor the asker: pending questions are not sent).
    for client in (alice, bob):
        while not await client.receive_nothing(timeout=0.5):
            assert (await client.receive_json_from())["type"] == "attendees"

    await update(webinar=page, user=host, premoderation=False, asking_open=False)
    await bob.send_json_to({"type": "ask", "text": "Closed?", "anonymous": False})
    error = await receive(bob, "error", "question.created")
    assert error["code"] == "asking_closed", error
    assert not await database_sync_to_async(
        Question.objects.filter(text="Closed?").exists
    )()

    await update(webinar=page, user=host, asking_open=True)
    await bob.send_json_to({"type": "ask", "text": "Open again?", "anonymous": False})
    created = await receive(alice, "question.created")
    assert created["question"]["text"] == "Open again?"
    await alice.disconnect()
    await bob.disconnect()


async def test_since_beyond_the_last_event_gets_a_snapshot(webinar, attendee):
    await database_sync_to_async(services.question_ask)(
        webinar=webinar, user=attendee, text="Already here"
    )
    communicator, connected, _ = await connect(webinar, attendee, since=999)
    assert connected
    snapshot = await receive(communicator, "snapshot", "question.created")
    assert snapshot["type"] == "snapshot"
    assert [q["text"] for q in snapshot["questions"]] == ["Already here"]
    assert snapshot["last_event_id"] == 1
    await communicator.disconnect()


async def test_odd_frames_get_error_frames_and_the_socket_stays_open(webinar, attendee):
    """Issue 14's minors: nested JSON, a lone surrogate, a vote on ``1.5``."""
    question = await database_sync_to_async(services.question_ask)(
        webinar=webinar, user=attendee, text="Question one"
    )
    alice, _ = await joined(webinar, attendee)
    cases = [
        ("[" * 5000, "invalid_json"),
        ('{"type": "ask", "text": "\\ud800 hi"}', "invalid_text"),
        (
            json.dumps({"type": "vote", "question": question.pk + 0.5}),
            "question_not_found",
        ),
        (json.dumps({"type": "vote", "question": True}), "question_not_found"),
    ]
    for frame, code in cases:
        await alice.send_to(text_data=frame)
        error = await receive(alice, "error", "question.updated", "question.created")
        assert error.get("code") == code, (frame[:40], error)
    assert (
        await database_sync_to_async(
            lambda: Question.objects.get(pk=question.pk).votes
        )()
        == 0
    )
    await alice.send_json_to({"type": "vote", "question": question.pk})
    assert (await receive(alice, "question.updated"))["question"]["votes"] == 1
    await alice.disconnect()


async def test_the_socket_validates_question_text_as_the_api_does(webinar, attendee):
    from tests.webinars.test_api import TEXT_CASES

    alice, _ = await joined(webinar, attendee)
    for body, code in TEXT_CASES:
        await alice.send_json_to({"type": "ask", **body})
        error = await receive(alice, "error")
        assert error["code"] == code, body
    assert await database_sync_to_async(Question.objects.count)() == 0
    await alice.disconnect()
