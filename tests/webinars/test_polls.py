"""Live polls (issue 14, item 6): one service behind the form, the REST API and
the socket; answered once (the database says so); every viewer told."""

import pytest
from channels.db import database_sync_to_async
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.test import Client

from lms.errors import DomainError
from tests.webinars.test_api import api
from tests.webinars.test_consumer import joined, receive
from webinars import services
from webinars.models import PollBallot, PollVote, Registration

pytestmark = pytest.mark.django_db


def open_poll(webinar, host, *, multiple=False, options=("Permits", "Parking", "Tax")):
    return services.poll_create(
        webinar=webinar,
        user=host,
        question="Which service first?",
        options=list(options),
        multiple=multiple,
    )


def option_ids(poll):
    return list(poll.options.values_list("pk", flat=True))


# --- the service --------------------------------------------------------------


def test_an_answer_is_recorded_once_and_returned_with_my_choice(
    webinar, host, attendee, attendee2
):
    poll = open_poll(webinar, host)
    a, b, _ = option_ids(poll)
    mine = services.poll_vote(
        webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[b]
    )
    assert mine["my_choice"] == [b]
    assert [o["votes"] for o in mine["options"]] == [0, 1, 0]
    assert mine["voters"] == 1
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[a]
        )
    assert (exc.value.code, exc.value.status) == ("already_answered", 409)
    theirs = services.poll_vote(
        webinar=webinar, user=attendee2, poll_id=poll.pk, option_ids=[str(a)]
    )
    assert theirs["my_choice"] == [a] and theirs["voters"] == 2
    assert PollVote.objects.filter(poll=poll).count() == 2


def test_the_database_refuses_a_second_ballot_even_when_the_check_is_raced(
    webinar, host, attendee, monkeypatch
):
    poll = open_poll(webinar, host)
    a, b, _ = option_ids(poll)
    services.poll_vote(webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[a])
    with pytest.raises(IntegrityError), transaction.atomic():
        PollBallot.objects.create(poll=poll, user=attendee)
    # A concurrent request that passed the "already answered?" check before
    # the first one committed: the unique constraint still says no.
    exists = QuerySet.exists
    monkeypatch.setattr(
        QuerySet,
        "exists",
        lambda self: False if self.model is PollBallot else exists(self),
    )
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[b]
        )
    assert exc.value.code == "already_answered"
    monkeypatch.undo()
    assert list(
        PollVote.objects.filter(poll=poll, user=attendee).values_list(
            "option_id", flat=True
        )
    ) == [a]


@pytest.mark.parametrize(
    "choice",
    [
        [],
        None,
        "12",
        {"id": 1},
        [True],
        [1.5],
        ["x"],
        [424242],
        "both",  # two options on a one-answer poll (filled in below)
    ],
)
def test_bad_choices_are_refused_and_nothing_is_kept(webinar, host, attendee, choice):
    poll = open_poll(webinar, host)
    if choice == "both":
        choice = option_ids(poll)[:2]
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=choice
        )
    assert (exc.value.code, exc.value.status) == ("invalid_choice", 400)
    assert not PollBallot.objects.exists() and not PollVote.objects.exists()


def test_an_option_of_another_poll_is_not_an_answer(webinar, host, attendee):
    first, second = open_poll(webinar, host), open_poll(webinar, host)
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar,
            user=attendee,
            poll_id=first.pk,
            option_ids=option_ids(second)[:1],
        )
    assert exc.value.code == "invalid_choice"


def test_closed_unknown_and_unregistered(
    webinar, other_webinar, host, attendee, stranger
):
    poll = open_poll(webinar, host)
    a = option_ids(poll)[0]
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=stranger, poll_id=poll.pk, option_ids=[a]
        )
    assert (exc.value.code, exc.value.status) == ("not_registered", 403)
    for poll_id in (424242, "1.5", True):
        with pytest.raises(DomainError) as exc:
            services.poll_vote(
                webinar=webinar, user=attendee, poll_id=poll_id, option_ids=[a]
            )
        assert exc.value.code == "poll_not_found"
    # A poll of another webinar is not found through this one.
    Registration.objects.create(webinar=other_webinar, user=attendee)
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=other_webinar, user=attendee, poll_id=poll.pk, option_ids=[a]
        )
    assert exc.value.code == "poll_not_found"
    services.poll_close(webinar=webinar, user=host, poll_id=poll.pk)
    with pytest.raises(DomainError) as exc:
        services.poll_vote(
            webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[a]
        )
    assert (exc.value.code, exc.value.status) == ("poll_closed", 409)


def test_several_answers_only_where_the_poll_allows_them(webinar, host, attendee):
    poll = open_poll(webinar, host, multiple=True)
    a, _, c = option_ids(poll)
    answer = services.poll_vote(
        webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=[c, a, a]
    )
    assert answer["my_choice"] == [a, c]
    assert [o["votes"] for o in answer["options"]] == [1, 0, 1]
    assert answer["voters"] == 1


# --- the REST API -------------------------------------------------------------


def test_polls_list_and_answer_through_the_api(webinar, host, attendee, attendee2):
    poll = open_poll(webinar, host)
    a, b, _ = option_ids(poll)
    listed = api(attendee).get(f"/api/v1/webinars/{webinar.pk}/polls/")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": poll.pk,
            "question": "Which service first?",
            "multiple": False,
            "state": "open",
            "options": [
                {"id": a, "label": "Permits", "votes": 0},
                {"id": b, "label": "Parking", "votes": 0},
                {"id": option_ids(poll)[2], "label": "Tax", "votes": 0},
            ],
            "voters": 0,
            "my_choice": None,
        }
    ]
    answered = api(attendee).post(
        f"/api/v1/polls/{poll.pk}/votes/", {"options": [b]}, format="json"
    )
    assert answered.status_code == 201
    assert answered.json()["my_choice"] == [b]
    assert answered.json()["options"][1]["votes"] == 1
    again = api(attendee).post(
        f"/api/v1/polls/{poll.pk}/votes/", {"options": [a]}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_answered" and again.json()["detail"]
    # Each viewer sees their own choice; anonymous readers see none.
    assert api(attendee).get(f"/api/v1/webinars/{webinar.pk}/polls/").json()[0][
        "my_choice"
    ] == [b]
    assert (
        api(attendee2)
        .get(f"/api/v1/webinars/{webinar.pk}/polls/")
        .json()[0]["my_choice"]
        is None
    )
    public = api().get(f"/api/v1/webinars/{webinar.pk}/polls/")
    assert public.status_code == 200 and public.json()[0]["voters"] == 1


def test_api_errors_are_json_with_stable_codes(webinar, host, attendee, stranger):
    poll = open_poll(webinar, host)
    a = option_ids(poll)[0]
    url = f"/api/v1/polls/{poll.pk}/votes/"
    cases = [
        (api(), {"options": [a]}, 401, "not_authenticated"),
        (api(stranger), {"options": [a]}, 403, "not_registered"),
        (api(attendee), {"options": "1"}, 400, "invalid_choice"),
        (api(attendee), {"options": [a, a + 1]}, 400, "invalid_choice"),
        (api(attendee), {}, 400, "invalid_choice"),
        (api(attendee), [a], 400, "invalid_choice"),
    ]
    for client, body, status, code in cases:
        response = client.post(url, body, format="json")
        assert (response.status_code, response.json()["code"]) == (status, code), body
        assert response.json()["detail"]
    missing = api(attendee).post(
        "/api/v1/polls/424242/votes/", {"options": [a]}, format="json"
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "poll_not_found")
    services.poll_close(webinar=webinar, user=host, poll_id=poll.pk)
    closed = api(attendee).post(url, {"options": [a]}, format="json")
    assert (closed.status_code, closed.json()["code"]) == (409, "poll_closed")
    assert not PollBallot.objects.exists()


def test_polls_of_a_webinar_one_may_not_read_are_not_found(webinar, host, attendee):
    poll = open_poll(webinar, host)
    webinar.unpublish()
    assert api(attendee).get(f"/api/v1/webinars/{webinar.pk}/polls/").status_code == 404
    response = api(attendee).post(
        f"/api/v1/polls/{poll.pk}/votes/",
        {"options": option_ids(poll)[:1]},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "poll_not_found")


# --- the page without JavaScript ---------------------------------------------


def test_the_form_answers_once_and_then_shows_the_results(
    client, webinar, host, attendee
):
    poll = open_poll(webinar, host)
    a, b, _ = option_ids(poll)
    client.force_login(attendee)
    live = webinar.url + "live/"
    html = client.get(live).content.decode()
    assert f'name="option" value="{b}"' in html
    client.post(live + "polls/", {"poll": poll.pk, "action": "vote", "option": b})
    html = client.get(live).content.decode()
    # Answered: no form for this poll any more, the results with "Your answer".
    assert f'name="option" value="{b}"' not in html
    assert "Your answer" in html and "1 person answered" in html
    response = client.post(
        live + "polls/", {"poll": poll.pk, "action": "vote", "option": a}, follow=True
    )
    assert "You have already answered this poll." in response.content.decode()
    assert PollVote.objects.filter(user=attendee).count() == 1
    other = Client()
    other.force_login(host)
    assert "qa-my-choice" not in other.get(live).content.decode()


# --- the socket ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_a_poll_opened_reaches_open_sockets_and_answers_update_everyone(
    webinar, host, attendee, attendee2
):
    alice, snapshot = await joined(webinar, attendee)
    assert snapshot["polls"] == []
    bob, _ = await joined(webinar, attendee2)
    poll = await database_sync_to_async(open_poll)(webinar, host)
    ids = await database_sync_to_async(option_ids)(poll)
    for client in (alice, bob):
        opened = await receive(client, "poll.updated")
        assert opened["poll"]["id"] == poll.pk
        assert opened["poll"]["state"] == "open" and opened["poll"]["my_choice"] is None
        assert [o["votes"] for o in opened["poll"]["options"]] == [0, 0, 0]
        assert opened["event_id"] >= 1

    await alice.send_json_to(
        {"type": "poll.vote", "poll": poll.pk, "options": [ids[1]]}
    )
    mine = await receive(alice, "poll.updated")
    theirs = await receive(bob, "poll.updated")
    assert mine["poll"]["my_choice"] == [ids[1]]
    assert theirs["poll"]["my_choice"] is None
    assert [o["votes"] for o in mine["poll"]["options"]] == [0, 1, 0]
    assert [o["votes"] for o in theirs["poll"]["options"]] == [0, 1, 0]
    assert mine["event_id"] == theirs["event_id"]

    # Answering again, or a closed poll: error frames, the socket stays open.
    await alice.send_json_to(
        {"type": "poll.vote", "poll": poll.pk, "options": [ids[0]]}
    )
    assert (await receive(alice, "error"))["code"] == "already_answered"
    await database_sync_to_async(services.poll_close)(
        webinar=webinar, user=host, poll_id=poll.pk
    )
    closed = await receive(bob, "poll.updated")
    assert closed["poll"]["state"] == "closed"
    # Alice's socket keeps her choice on later updates of the poll.
    assert (await receive(alice, "poll.updated"))["poll"]["my_choice"] == [ids[1]]
    await bob.send_json_to({"type": "poll.vote", "poll": poll.pk, "options": [ids[0]]})
    assert (await receive(bob, "error"))["code"] == "poll_closed"

    # A new socket (and one resuming with ?since=) starts with the viewer's choice.
    again, snapshot = await joined(webinar, attendee)
    assert snapshot["polls"][0]["my_choice"] == [ids[1]]
    assert snapshot["polls"][0]["state"] == "closed"
    for client in (alice, bob, again):
        await client.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_bad_poll_votes_get_error_frames_with_stable_codes(
    webinar, host, attendee, stranger
):
    poll = await database_sync_to_async(open_poll)(webinar, host)
    ids = await database_sync_to_async(option_ids)(poll)
    alice, _ = await joined(webinar, attendee)
    cases = [
        ({"poll": poll.pk, "options": []}, "invalid_choice"),
        ({"poll": poll.pk, "options": "1"}, "invalid_choice"),
        ({"poll": poll.pk}, "invalid_choice"),
        ({"poll": poll.pk, "options": ids[:2]}, "invalid_choice"),
        ({"poll": poll.pk, "options": [424242]}, "invalid_choice"),
        ({"poll": 424242, "options": ids[:1]}, "poll_not_found"),
        ({"poll": "1.5", "options": ids[:1]}, "poll_not_found"),
    ]
    for body, code in cases:
        await alice.send_json_to({"type": "poll.vote", **body})
        error = await receive(alice, "error")
        assert error["code"] == code, body
        assert error["message"]
    outsider, _ = await joined(webinar, stranger)
    await outsider.send_json_to(
        {"type": "poll.vote", "poll": poll.pk, "options": ids[:1]}
    )
    assert (await receive(outsider, "error"))["code"] == "not_registered"
    assert not await database_sync_to_async(PollBallot.objects.exists)()
    # Still healthy: a good answer goes through.
    await alice.send_json_to({"type": "poll.vote", "poll": poll.pk, "options": ids[:1]})
    assert (await receive(alice, "poll.updated"))["poll"]["my_choice"] == ids[:1]
    await alice.disconnect()
    await outsider.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_resuming_with_since_gets_polls_with_my_choice(webinar, host, attendee):
    alice, snapshot = await joined(webinar, attendee)
    since = snapshot["last_event_id"]
    await alice.disconnect()
    poll = await database_sync_to_async(open_poll)(webinar, host)
    ids = await database_sync_to_async(option_ids)(poll)
    await database_sync_to_async(services.poll_vote)(
        webinar=webinar, user=attendee, poll_id=poll.pk, option_ids=ids[2:]
    )
    from tests.webinars.test_consumer import connect

    again, connected, _ = await connect(webinar, attendee, since=since)
    assert connected
    opened = await receive(again, "poll.updated")
    answered = await receive(again, "poll.updated")
    assert opened["event_id"] < answered["event_id"]
    assert answered["poll"]["my_choice"] == ids[2:]
    assert answered["poll"]["options"][2]["votes"] == 1
    await again.disconnect()
