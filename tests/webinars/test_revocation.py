"""Revocation reaches open Q&A sockets (docs/reliability.md, case 38).

Log-out, deactivation, a new password, a revoked token or a removed
registration close the open sockets concerned (pushed through the person's
channel group), and a socket that missed the push refuses its next message
and closes itself at its periodic re-check.
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from lms.asgi import application
from lms.models import User
from lms.services import api_token_create, api_token_revoke
from webinars import consumers, rooms, services
from webinars.models import Question, Registration

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

ORIGIN = (b"origin", b"http://localhost")


@database_sync_to_async
def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def open_socket(
    webinar, *, client: Client | None = None, user=None, device="rev"
):
    """A Q&A socket opened with a session cookie (``client``) or an API token."""
    headers = [ORIGIN]
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    else:
        key = await database_sync_to_async(api_token_create)(user=user, name=device)
        headers.append((b"authorization", f"Token {key}".encode()))
    communicator = WebsocketCommunicator(
        application, f"/ws/webinars/{webinar.pk}/qa/", headers=headers
    )
    connected, _ = await communicator.connect()
    assert connected
    while (await communicator.receive_json_from(timeout=3))["type"] != "snapshot":
        pass
    return communicator


async def closed_with(communicator, timeout=3) -> tuple[int, list[str]]:
    """The close code the server sent, and the error codes before it."""
    errors = []
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code"), errors
        text = output.get("text", "")
        if '"type": "error"' in text or '"type":"error"' in text:
            errors.append(json.loads(text)["code"])


async def still_open(communicator) -> bool:
    """Nothing but attendee counts arrives, and the socket still answers."""
    await communicator.send_json_to({"type": "shout"})
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return False
        if '"unknown_type"' in output.get("text", ""):
            return True


async def test_logging_out_closes_that_sessions_socket(webinar, attendee):
    browser = await signed_in_client(attendee)
    socket = await open_socket(webinar, client=browser)
    response = await database_sync_to_async(browser.post)("/accounts/logout/")
    assert response.status_code == 302
    code, errors = await closed_with(socket)
    assert code == 4401
    assert errors == ["session_ended"]


async def test_logging_out_on_one_device_leaves_the_other_open(webinar, attendee):
    laptop = await signed_in_client(attendee)
    phone = await signed_in_client(attendee)
    laptop_socket = await open_socket(webinar, client=laptop)
    phone_socket = await open_socket(webinar, client=phone)
    await database_sync_to_async(phone.post)("/accounts/logout/")
    assert (await closed_with(phone_socket))[0] == 4401
    assert await still_open(laptop_socket)
    await laptop_socket.disconnect()


async def test_deactivation_closes_every_socket_of_the_person(
    webinar, other_webinar, attendee, attendee2
):
    browser = await signed_in_client(attendee)
    by_session = await open_socket(webinar, client=browser)
    by_token = await open_socket(other_webinar, user=attendee, device="phone")
    bystander = await open_socket(webinar, user=attendee2)

    def deactivate():
        attendee.is_active = False
        attendee.save()

    await database_sync_to_async(deactivate)()
    assert (await closed_with(by_session))[0] == 4401
    assert (await closed_with(by_token))[0] == 4401
    assert await still_open(bystander)
    await bystander.disconnect()


async def test_a_new_password_closes_sockets_of_older_sessions(webinar, attendee):
    browser = await signed_in_client(attendee)
    socket = await open_socket(webinar, client=browser)

    def change_password():
        attendee.set_password("a-new-long-passphrase")
        attendee.save()

    await database_sync_to_async(change_password)()
    assert (await closed_with(socket))[0] == 4401


async def test_revoking_the_token_closes_its_socket(webinar, attendee):
    socket = await open_socket(webinar, user=attendee)
    await database_sync_to_async(api_token_revoke)(user=attendee, name="rev")
    assert (await closed_with(socket))[0] == 4401


async def test_removed_registration_closes_the_attendees_socket_only_there(
    webinar, other_webinar, attendee, host
):
    await database_sync_to_async(Registration.objects.create)(
        webinar=other_webinar, user=attendee
    )
    here = await open_socket(webinar, user=attendee)
    elsewhere = await open_socket(other_webinar, user=attendee, device="phone")
    moderator = await open_socket(webinar, user=host)
    await database_sync_to_async(
        lambda: Registration.objects.get(webinar=webinar, user=attendee).delete()
    )()
    code, errors = await closed_with(here)
    assert code == 4403 and errors == ["access_revoked"]
    assert await still_open(elsewhere)
    assert await still_open(moderator)
    await elsewhere.disconnect()
    await moderator.disconnect()


async def test_a_message_after_silent_revocation_is_refused(
    webinar, attendee, monkeypatch
):
    """A change that sent no signal (a bulk update) is caught at the next message."""
    socket = await open_socket(webinar, user=attendee)
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0)
    await database_sync_to_async(
        lambda: User.objects.filter(pk=attendee.pk).update(is_active=False)
    )()
    await socket.send_json_to({"type": "ask", "text": "Still allowed?"})
    code, errors = await closed_with(socket)
    assert code == 4401 and errors == ["session_ended"]
    assert not await database_sync_to_async(Question.objects.exists)()


async def test_an_idle_socket_closes_itself_at_its_periodic_recheck(
    webinar, attendee, monkeypatch
):
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.2)
    monkeypatch.setattr(rooms, "TICK_SECONDS", 0.1)
    socket = await open_socket(webinar, user=attendee)
    await database_sync_to_async(
        lambda: User.objects.filter(pk=attendee.pk).update(is_active=False)
    )()
    assert (await closed_with(socket, timeout=5))[0] == 4401


async def test_a_moderator_taken_off_sees_what_attendees_see_on_the_open_socket(
    webinar, attendee, attendee2, host, monkeypatch
):
    """Pending questions and anonymous askers' names stop reaching a socket
    whose person lost the moderator role while it was open."""
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.2)
    monkeypatch.setattr(rooms, "TICK_SECONDS", 0.1)
    ask = database_sync_to_async(services.question_ask)
    socket = await open_socket(webinar, user=host)
    await ask(webinar=webinar, user=attendee, text="Who asks?", anonymous=True)
    while True:
        first = json.loads((await socket.receive_output(timeout=3))["text"])
        if first["type"] == "question.created":
            break
    assert first["question"]["author"]["id"] == attendee.pk

    # The host is taken off the stored page (as publishing the edit does).
    await database_sync_to_async(
        type(webinar).hosts.through.objects.filter(user_id=host.pk).delete
    )()
    while True:
        message = json.loads((await socket.receive_output(timeout=5))["text"])
        if message["type"] == "snapshot":
            break
    assert message["questions"][0]["author"] is None
    # A question waiting for approval is a moderator's matter: not sent to it now.
    await database_sync_to_async(type(webinar).objects.filter(pk=webinar.pk).update)(
        premoderation=True
    )
    pending = await ask(webinar=webinar, user=attendee2, text="Waiting?")
    assert pending.status == "pending"
    await socket.send_json_to({"type": "shout"})
    while True:
        text = (await socket.receive_output(timeout=3))["text"]
        assert "Waiting?" not in text
        if '"unknown_type"' in text:
            break
    await socket.disconnect()
