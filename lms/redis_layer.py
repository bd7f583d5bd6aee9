"""The channel layer's Redis connections, safe to cancel on Python 3.11.

With a ``socket_timeout`` set (the layer needs one: see ``CHANNEL_LAYERS`` in
``lms.settings.base``), redis-py's asyncio ``Connection.send_packed_command``
writes through ``asyncio.wait_for``. Before Python 3.12, ``wait_for`` returns
the inner result and drops a cancellation that arrives as the write finishes
(CPython gh-86296). Channels cancels a consumer's layer receive whenever the
socket closes; a dropped cancellation left that receive blocking on Redis for
ever, holding a connection, and the consumer waiting on it never finished
(one leak per unlucky disconnect; in the tests, a loop that never closed).

The connection below bounds the write with ``asyncio.timeout`` instead, which
passes cancellations on. Everything else is redis-py's own code.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from redis.asyncio.connection import (
    Connection,
    SSLConnection,
    UnixDomainSocketConnection,
)
from redis.exceptions import TimeoutError as RedisTimeoutError


class _CancellableWrites:
    async def send_packed_command(
        self, command: Any, check_health: bool = True
    ) -> None:
        timeout = self.socket_timeout
        if not timeout or sys.version_info >= (3, 12):
            return await super().send_packed_command(command, check_health)
        try:
            async with asyncio.timeout(timeout):
                # Without a socket timeout redis-py writes directly; the
                # timeout is restored before anything reads a reply.
                self.socket_timeout = None
                try:
                    await super().send_packed_command(command, check_health)
                finally:
                    self.socket_timeout = timeout
        except TimeoutError:
            await self.disconnect(nowait=True)
            raise RedisTimeoutError("Timeout writing to socket") from None


class LayerConnection(_CancellableWrites, Connection):
    """``redis://`` connections of the channel layer."""


class LayerSSLConnection(_CancellableWrites, SSLConnection):
    """``rediss://`` connections of the channel layer."""


class LayerUnixConnection(_CancellableWrites, UnixDomainSocketConnection):
    """``unix://`` connections of the channel layer."""


def connection_class(url: str) -> type:
    """The layer's connection class for a ``REDIS_URL``, by its scheme."""
    if url.startswith("rediss://"):
        return LayerSSLConnection
    if url.startswith("unix://"):
        return LayerUnixConnection
    return LayerConnection
