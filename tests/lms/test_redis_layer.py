"""The channel layer's Redis writes pass a cancellation on (lms/redis_layer.py).

redis-py writes through ``asyncio.wait_for`` when a socket timeout is set; on
Python 3.11 ``wait_for`` drops a cancellation that lands as the write
finishes. Channels cancels a consumer's layer receive when its socket closes,
so a dropped cancellation left that receive on Redis for ever and the
consumer never finished. The cancellation is made to land exactly there.
"""

import asyncio

import pytest
from django.conf import settings
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import Connection

from lms.redis_layer import (
    LayerConnection,
    LayerSSLConnection,
    LayerUnixConnection,
    connection_class,
)


async def _cancelled_as_the_write_finishes(connection_cls, monkeypatch) -> str:
    pool = ConnectionPool.from_url(
        settings.REDIS_URL, connection_class=connection_cls, socket_timeout=15
    )
    client = Redis(connection_pool=pool)
    await client.ping()  # connected and healthy: the next command only writes
    victim: list[asyncio.Task] = []
    drain = asyncio.StreamWriter.drain

    async def drain_then_cancel(writer):
        await drain(writer)
        if victim:
            asyncio.get_running_loop().call_soon(victim.pop().cancel)

    async def one_command() -> str:
        victim.append(asyncio.current_task())
        monkeypatch.setattr(asyncio.StreamWriter, "drain", drain_then_cancel)
        try:
            await client.set("wego-test-redis-layer", "1")
        finally:
            monkeypatch.setattr(asyncio.StreamWriter, "drain", drain)
        await asyncio.sleep(0)  # a cancellation that was passed on lands here
        return "finished as if never cancelled"

    task = asyncio.ensure_future(one_command())
    try:
        return await asyncio.wait_for(asyncio.shield(task), 10)
    except asyncio.CancelledError:
        assert task.cancelled()
        return "cancelled"
    finally:
        await pool.disconnect()


@pytest.mark.redis
@pytest.mark.asyncio
async def test_a_cancellation_as_a_write_finishes_reaches_the_caller(monkeypatch):
    assert await _cancelled_as_the_write_finishes(LayerConnection, monkeypatch) == (
        "cancelled"
    )


@pytest.mark.redis
@pytest.mark.asyncio
async def test_redis_pys_own_connection_drops_it_on_this_python(monkeypatch):
    """Why the class exists: when this starts failing (Python 3.12+ or a
    redis-py that no longer writes through ``wait_for``), the override in
    ``lms/redis_layer.py`` can go."""
    import sys

    if sys.version_info >= (3, 12):
        pytest.skip("asyncio.wait_for passes cancellations on from Python 3.12")
    assert await _cancelled_as_the_write_finishes(Connection, monkeypatch) == (
        "finished as if never cancelled"
    )


def test_every_scheme_gets_a_layer_connection():
    assert connection_class("redis://127.0.0.1:6379/0") is LayerConnection
    assert connection_class("rediss://cache.example:6380/0") is LayerSSLConnection
    assert connection_class("unix:///run/redis.sock?db=0") is LayerUnixConnection


# --- ChannelLayer: a receive cancelled mid-pop keeps the message it took -------


async def _message_for_another_channel_survives(layer_cls, monkeypatch) -> bool:
    """Receive A holds channels-redis's receive lock and is blocked on Redis;
    receive B waits behind it. A message for B arrives, A's BZPOPMIN takes it,
    and A is cancelled (its socket closed) before the backup write: does B
    still get its message? The backup write is slowed so the cancellation
    lands exactly there, as it did in the health check on a closing socket."""
    from redis.asyncio import Redis as AsyncRedis

    layer = layer_cls(
        hosts=[
            {
                "address": settings.REDIS_URL,
                "connection_class": connection_class(settings.REDIS_URL),
                "socket_timeout": 15,
            }
        ]
    )
    zadd = AsyncRedis.zadd
    popped = asyncio.Event()

    async def slow_zadd(self, name, mapping, *args, **kwargs):
        if str(name).endswith("$inflight"):
            popped.set()
            await asyncio.sleep(0.5)
        return await zadd(self, name, mapping, *args, **kwargs)

    monkeypatch.setattr(AsyncRedis, "zadd", slow_zadd)
    try:
        a = await layer.new_channel()
        b = await layer.new_channel()
        holder = asyncio.ensure_future(layer.receive(a))
        await asyncio.sleep(0.1)  # A holds the lock, blocked in BZPOPMIN
        waiter = asyncio.ensure_future(layer.receive(b))
        await asyncio.sleep(0.1)
        await layer.send(b, {"type": "for.b", "n": 1})
        await asyncio.wait_for(popped.wait(), 5)
        holder.cancel()
        try:
            message = await asyncio.wait_for(waiter, 7)
        except TimeoutError:
            return False
        assert message == {"type": "for.b", "n": 1}
        return True
    finally:
        monkeypatch.setattr(AsyncRedis, "zadd", zadd)
        if hasattr(layer, "settle"):
            await layer.settle()
        await layer.flush()
        await layer.close_pools()


@pytest.mark.redis
@pytest.mark.asyncio
async def test_a_receive_cancelled_mid_pop_keeps_the_message_it_took(monkeypatch):
    from lms.redis_layer import ChannelLayer

    assert await _message_for_another_channel_survives(ChannelLayer, monkeypatch)


@pytest.mark.redis
@pytest.mark.asyncio
async def test_channels_redis_own_layer_loses_it(monkeypatch):
    """Why ``ChannelLayer`` exists: when this starts failing (channels-redis
    keeps the message itself), the override can go."""
    from channels_redis.core import RedisChannelLayer

    assert not await _message_for_another_channel_survives(
        RedisChannelLayer, monkeypatch
    )
