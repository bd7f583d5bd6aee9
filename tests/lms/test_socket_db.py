"""The consumers' database thread keeps its connection for a minute."""

import time

import pytest
from channels.db import database_sync_to_async
from django.db import connection, connections

from lms.db import SOCKET_CONN_MAX_AGE, socket_database_sync_to_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _close_at():
    connection.ensure_connection()
    return connection.close_at


def _forget():
    """As if the thread had only ever served plain calls (CONN_MAX_AGE 0)."""
    connection.ensure_connection()
    vars(connections["default"]).pop("_socket_kept", None)
    connection.close_at = time.monotonic()


async def test_socket_calls_keep_their_connection_for_a_minute():
    await database_sync_to_async(_forget)()
    await socket_database_sync_to_async(_close_at)()  # opens or adopts it
    kept_until = await socket_database_sync_to_async(_close_at)()
    assert kept_until - time.monotonic() > SOCKET_CONN_MAX_AGE - 5
    # The same connection serves the next calls; its deadline does not move.
    assert await socket_database_sync_to_async(_close_at)() == kept_until
    assert await database_sync_to_async(_close_at)() == kept_until
