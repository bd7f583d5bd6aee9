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


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("origin", "host", "accepted"),
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000", True),
        # Same host name, another port: another program's page (issue 14).
        (b"http://127.0.0.1:9999", b"127.0.0.1:8000", False),
        (b"http://localhost:8000", b"127.0.0.1:8000", False),
        (b"http://127.0.0.1", b"127.0.0.1:8000", False),
        # Default ports, and a Host without one (TLS ended at nginx).
        (b"http://localhost", b"localhost:80", True),
        (b"https://localhost", b"localhost", True),
        (b"https://localhost", b"localhost:80", False),
        (b"http://127.0.0.1:notaport", b"127.0.0.1:8000", False),
        (b"null", b"127.0.0.1:8000", False),
    ],
)
async def test_websocket_origin_must_match_the_host_and_port(origin, host, accepted):
    communicator, connected = await _connect(
        "/ws/ping/", [(b"origin", origin), (b"host", host)]
    )
    assert connected is accepted, (origin, host)
    if connected:
        await communicator.disconnect()


@pytest.mark.asyncio
async def test_websocket_origin_listed_as_trusted_is_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["http://localhost:5173"]
    communicator, connected = await _connect(
        "/ws/ping/",
        [(b"origin", b"http://localhost:5173"), (b"host", b"127.0.0.1:8000")],
    )
    assert connected
    await communicator.disconnect()
