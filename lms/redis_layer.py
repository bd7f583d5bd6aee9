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

The layer below (``ChannelLayer``) keeps a message that a cancelled receive
had just taken off Redis. channels-redis reads every process-local channel
(``specific.<client>!…``: each consumer's, the Q&A fan-out reader's, the
health check's) through one Redis list, one receive at a time: whoever holds
the receive lock pops the next message for any of them. When that receive is
cancelled (its socket closed) after BZPOPMIN has taken a message but before
the message is written to the backup queue, the message is gone: the health
check's ping timed out, and a Q&A batch for every socket of the process could
be lost the same way. Here the pop and its backup write run as one task that
a cancellation does not interrupt; the next receive takes its result.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from channels_redis.core import RedisChannelLayer
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


class ChannelLayer(RedisChannelLayer):
    """channels-redis's layer, with a pop that a cancellation cannot cut short.

    ``_brpop_with_clean`` (channels-redis 4.3, pinned in
    ``requirements/base.in``; guarded by ``tests/lms/test_library_privates.py``)
    is the step that takes a message off Redis and writes it to the backup
    queue. It runs here as a task of its own, shielded from the receive that
    started it. A receive cancelled meanwhile returns at once; the pop goes on
    and the next receive of that channel key picks its result up, so nothing
    taken off Redis is dropped. If no receive comes, the message waits in the
    backup queue, which channels-redis puts back at the front of the channel
    before its next pop. A pop ends on its own within ``brpop_timeout``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pops: dict[tuple[Any, int, str], asyncio.Task] = {}

    async def _brpop_with_clean(self, index: int, channel: str, timeout: float):
        loop = asyncio.get_running_loop()
        key = (loop, index, channel)
        pop = self._pops.get(key)
        if pop is None:
            pop = loop.create_task(super()._brpop_with_clean(index, channel, timeout))
            self._pops[key] = pop
            pop.add_done_callback(lambda done: self._pop_done(key, done))
        return await asyncio.shield(pop)

    def _pop_done(self, key: tuple[Any, int, str], pop: asyncio.Task) -> None:
        if self._pops.get(key) is pop:
            del self._pops[key]
        if not pop.cancelled():
            # Retrieved here so an outage is not logged as "never retrieved";
            # a receive waiting on the pop still gets the exception.
            pop.exception()

    async def settle(self) -> None:
        """Wait for the pops still running in this loop (tests close their loop after)."""
        loop = asyncio.get_running_loop()
        pending = [pop for (owner, *_), pop in self._pops.items() if owner is loop]
        if pending:
            await asyncio.wait(pending)
