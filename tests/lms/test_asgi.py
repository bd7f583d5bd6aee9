"""WebSockets through the real ASGI application: origin checks and auth."""

import pytest
from channels.testing import WebsocketCommunicator

from lms.asgi import application
from lms.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(path: str, headers: list[tuple[bytes, bytes]]):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.asyncio
async def test_websocket_accepted_for_allowed_origin():
    communicator, connected = await _connect(
        "/ws/ping/", [(b"origin", b"http://127.0.0.1:8000")]
    )
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {
        "type": "pong",
        "authenticated": False,
    }
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_websocket_rejected_for_foreign_origin():
    communicator, connected = await _connect(
        "/ws/ping/", [(b"origin", b"https://evil.example")]
    )
    assert not connected


@pytest.mark.asyncio
async def test_websocket_authenticates_with_api_token():
    from channels.db import database_sync_to_async

    user = await database_sync_to_async(UserFactory)()
    key = await database_sync_to_async(api_token_create)(user=user, name="laptop")
    communicator, connected = await _connect(
        "/ws/ping/",
        [(b"origin", b"http://localhost"), (b"authorization", f"Token {key}".encode())],
    )
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["authenticated"] is True
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_malformed_frame_gets_an_error_and_the_socket_stays_open():
    communicator, connected = await _connect(
        "/ws/ping/", [(b"origin", b"http://localhost")]
    )
    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()
