"""This process's Q&A sockets, room by room, and the fan-out of events to them.

A textbook Channels room puts every socket's channel in the room's group, so
one event becomes one channel-layer message per socket (a thousand Redis
pushes, a thousand consumer dispatches) before a single byte goes out. Here
each server process has **one** channel per event loop, subscribed to the
fan-out group of every room it has sockets in, and delivers locally:

* one channel-layer message per event batch and process, whatever the
  number of sockets;
* each event variant is framed once (the JSON text was encoded once in
  ``realtime``); under Daphne the frame bytes go straight to each socket,
  all of a batch in one ``send``, instead of one ASGI send per frame (the
  frames and the writes are in ``room_transport``);
* a socket that has not finished its snapshot is buffered, so nothing falls
  between the snapshot and the live events;
* a socket whose unsent bytes pass ``MAX_BACKLOG_BYTES`` (a client that stopped
  reading) is closed alone with 1013 (try again later): its memory stays
  bounded, and its script reconnects with ``?since=`` and gets what it missed.

Elsewhere (the test communicator, other ASGI servers) events go through the
consumer's ordinary ``send``; the order and the variants are the same.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref

from channels.layers import get_channel_layer

from lms.observability import CHANNEL_LAYER_FAILURES

from . import room_transport

logger = logging.getLogger(__name__)

MAX_BACKLOG_BYTES = 512 * 1024
CLOSE_TOO_SLOW = 1013
# channels-redis forgets group members after ``group_expiry``; re-join well before.
REJOIN_SECONDS = 3600
# How often a room runs its sockets' periodic duties (``consumer.room_tick``).
TICK_SECONDS = 5


def fanout_group(webinar_id: int) -> str:
    """The group of the *processes* holding sockets of a webinar's room."""
    return f"webinar.{webinar_id}.qa.fanout"


class _Member:
    __slots__ = ("consumer", "protocol", "buffer")

    def __init__(self, consumer):
        self.consumer = consumer
        self.protocol = room_transport.transport_of(consumer)
        self.buffer: list[dict] | None = []  # None once the snapshot is out


class Hub:
    """The rooms of one event loop (one server process)."""

    def __init__(self) -> None:
        self.rooms: dict[int, dict[int, _Member]] = {}
        self.joined_at: dict[int, float] = {}
        self.watchers: dict[int, asyncio.Task] = {}
        self.channel: str | None = None
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()
        # The channel layer is unreachable (Redis down): sockets stay open
        # on what they have, are told live updates are paused, and get what
        # they missed from the database once the layer is back.
        self.paused = False
        # Per room, the highest event id every live socket of it has had.
        self.delivered: dict[int, int] = {}

    async def join(self, webinar_id: int, consumer) -> None:
        """Register a socket; events for it are held until ``ready``."""
        layer = get_channel_layer()
        async with self.lock:
            if self.channel is None:
                self.channel = await layer.new_channel()
                self.reader = asyncio.ensure_future(self._read(layer, self.channel))
            room = self.rooms.setdefault(webinar_id, {})
            room[id(consumer)] = _Member(consumer)
            if webinar_id not in self.watchers:
                self.watchers[webinar_id] = asyncio.ensure_future(
                    self._watch(webinar_id)
                )
            joined = self.joined_at.get(webinar_id)
            if joined is None or time.monotonic() - joined > REJOIN_SECONDS:
                try:
                    await layer.group_add(fanout_group(webinar_id), self.channel)
                except asyncio.CancelledError:
                    self._forget(webinar_id, consumer)
                    self._stop_if_idle()
                    raise
                except Exception:
                    # Redis is away: the reader fails too and joins again
                    # once it is back (``_recover``).
                    CHANNEL_LAYER_FAILURES.labels("group_add").inc()
                    logger.warning(
                        "Q&A fan-out: cannot join room %s", webinar_id, exc_info=True
                    )
                    self.paused = True
                else:
                    self.joined_at[webinar_id] = time.monotonic()

    async def ready(self, webinar_id: int, consumer) -> None:
        """The socket has its snapshot: send what arrived meanwhile, then go live."""
        member = self.rooms.get(webinar_id, {}).get(id(consumer))
        if member is None:
            return
        while member.buffer:
            items, member.buffer = member.buffer, []
            await self._send(webinar_id, member, items)
        member.buffer = None
        initial = getattr(consumer, "initial_event_id", None)
        if initial is not None:
            self.delivered.setdefault(webinar_id, initial)

    async def leave(self, webinar_id: int, consumer) -> None:
        async with self.lock:
            self._forget(webinar_id, consumer)
            if webinar_id in self.rooms or webinar_id not in self.joined_at:
                self._stop_if_idle()
                return
            del self.joined_at[webinar_id]
            channel = self.channel
            # The bookkeeping is done before the one await below, so a leave
            # cancelled there (a disconnect that timed out) leaves no reader behind.
            self._stop_if_idle()
            try:
                await get_channel_layer().group_discard(
                    fanout_group(webinar_id), channel
                )
            except Exception:  # membership expires on its own; nothing is lost
                CHANNEL_LAYER_FAILURES.labels("group_discard").inc()
                logger.exception("Q&A fan-out: leaving room %s failed", webinar_id)

    def _stop_if_idle(self) -> None:
        """No room left in this loop: stop reading the fan-out channel.

        The reader is woken with a message on its own channel rather than
        cancelled: a cancellation that lands inside channels-redis's blocking
        pop can be lost there, and with a read timeout longer than the pop
        nothing else would ever end that receive. The reader sees its channel
        given up and returns (``_read``); an outage ends it too (``_recover``
        stops once the channel is given up).
        """
        if not self.rooms and not self.joined_at and self.reader is not None:
            channel = self.channel
            _stopping.add(self.reader)
            self.reader.add_done_callback(_stopping.discard)
            self.reader = None
            self.channel = None
            if channel is not None:
                _spawn(self._wake(channel))

    @staticmethod
    async def _wake(channel: str) -> None:
        try:
            await get_channel_layer().send(channel, {"type": "qa.stop"})
        except Exception:  # noqa: BLE001 - Redis away: the reader stops in _recover
            logger.info("Q&A fan-out: could not wake the reader of %s", channel)

    def _forget(self, webinar_id: int, consumer) -> bool:
        room = self.rooms.get(webinar_id)
        if room is None or room.pop(id(consumer), None) is None:
            return False
        if not room:
            del self.rooms[webinar_id]
            self.delivered.pop(webinar_id, None)
            watcher = self.watchers.pop(webinar_id, None)
            if watcher is not None and watcher is not asyncio.current_task():
                watcher.cancel()
        return True

    async def _watch(self, webinar_id: int) -> None:
        """Every ``TICK_SECONDS``, the room's sockets' periodic duties, in one go."""
        while True:
            await asyncio.sleep(TICK_SECONDS)
            room = self.rooms.get(webinar_id)
            if not room:
                return
            live = [m.consumer for m in room.values() if m.buffer is None]
            if not live:
                continue
            try:
                await type(live[0]).room_tick(webinar_id, live)
            except asyncio.CancelledError:
                raise
            except Exception:  # retried at the next tick
                logger.exception("Q&A room %s: periodic duties failed", webinar_id)

    async def _read(self, layer, channel: str) -> None:
        # A reader whose channel was given up (the last room left) stops, even
        # when its cancellation was lost in a failing receive.
        while self.channel == channel:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the layer is away; _recover logs it
                if self.channel != channel:
                    return
                CHANNEL_LAYER_FAILURES.labels("receive").inc()
                await self._recover(layer, channel)
                continue
            if message.get("type") != "qa.frames":
                continue
            try:
                await self.deliver(message["webinar"], message["items"])
            except Exception:  # one bad batch must not stop the room
                logger.exception("Q&A fan-out: delivery failed")

    async def _recover(self, layer, channel: str) -> None:
        """Pause live updates until the layer answers again, then catch up.

        While Redis is away every socket is told once that live updates are
        paused. When it answers, this process joins its rooms' fan-out groups
        and its sockets' user groups again (a restarted Redis has forgotten
        them), replays from the database every event stored meanwhile, and
        tells the sockets they are live again. No socket is closed and no
        process has to restart.
        """
        from .realtime import user_group

        if not self.paused:
            logger.warning(
                "Q&A fan-out: channel layer unavailable; live updates paused"
            )
        self.paused = True
        await self._tell_everyone(_notice("paused"))
        while self.channel == channel:
            try:
                for webinar_id in list(self.rooms):
                    await layer.group_add(fanout_group(webinar_id), channel)
                    self.joined_at[webinar_id] = time.monotonic()
                for room in list(self.rooms.values()):
                    for member in list(room.values()):
                        consumer = member.consumer
                        await layer.group_add(
                            user_group(consumer.user.pk), consumer.channel_name
                        )
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - still away: try again in a second
                await asyncio.sleep(1)
                continue
            break
        if self.channel != channel:
            return
        self.paused = False
        logger.warning("Q&A fan-out: channel layer back; live updates resumed")
        for webinar_id in list(self.rooms):
            try:
                await self._replay(webinar_id)
            except Exception:
                logger.exception("Q&A fan-out: replay of room %s failed", webinar_id)
        await self._tell_everyone(_notice("resumed"))

    async def _replay(self, webinar_id: int) -> None:
        """Deliver the events stored after the room's last delivered one."""
        from lms.db import socket_database_sync_to_async

        from .realtime import items_since

        since = self.delivered.get(webinar_id)
        if since is None:
            return
        items = await socket_database_sync_to_async(items_since)(webinar_id, since)
        if items is None:  # too many: every socket takes a fresh snapshot
            for member in list(self.rooms.get(webinar_id, {}).values()):
                await member.consumer.send_initial_state()
            return
        if items:
            await self.deliver(webinar_id, items)

    async def _tell_everyone(self, text: str) -> None:
        for room in list(self.rooms.values()):
            for member in list(room.values()):
                if member.buffer is not None:
                    continue
                try:
                    await member.consumer.send(text_data=text)
                except Exception:  # a closing socket
                    logger.debug("Q&A fan-out: notice not sent", exc_info=True)

    async def deliver(self, webinar_id: int, items: list[dict]) -> None:
        """Send a batch of encoded items to every local socket of a room."""
        room = self.rooms.get(webinar_id)
        if not room:
            return
        ids = [item["event_id"] for item in items if item.get("event_id")]
        if ids:
            self.delivered[webinar_id] = max(self.delivered.get(webinar_id, 0), *ids)
        for member in list(room.values()):
            if member.buffer is not None:
                member.buffer.extend(items)
                continue
            try:
                await self._send(webinar_id, member, items)
            except Exception:  # one broken socket is closed alone
                logger.exception("Q&A fan-out: a socket failed")

    async def _send(self, webinar_id: int, member: _Member, items: list[dict]) -> None:
        consumer = member.consumer
        chosen = consumer.variants(items)
        if not chosen:
            return
        protocol = member.protocol
        if protocol is None:
            for item, key in chosen:
                await consumer.send(text_data=item["frames"][key])
            return
        if protocol.state != protocol.STATE_OPEN:
            return
        if room_transport.backlog(protocol) > MAX_BACKLOG_BYTES:
            self._forget(webinar_id, consumer)
            logger.warning(
                "Q&A socket of user %s too far behind; closed for resync",
                getattr(consumer.user, "pk", None),
            )
            _spawn(consumer.close(code=CLOSE_TOO_SLOW))
            return
        frames = b"".join(room_transport.wire(item, key) for item, key in chosen)
        room_transport.write(protocol, frames)


# Fire-and-forget tasks are referenced until they finish: the event loop keeps
# only weak references to tasks, so an unreferenced one can be collected
# mid-flight (asyncio.create_task's documentation).
_background: set[asyncio.Task] = set()


# Readers woken to stop (``Hub._stop_if_idle``) until they have returned.
_stopping: set[asyncio.Task] = set()


async def settle(timeout: float = 5.0) -> bool:
    """Wait until this loop's woken readers and fire-and-forget tasks are done.

    For whoever is about to close the loop (the tests do, after each one):
    cancelling a reader blocked in channels-redis's pop can be swallowed in
    redis-py's read, and a loop that waits for its cancelled tasks then waits
    for ever; a reader that was woken returns by itself. Returns whether
    everything finished within ``timeout`` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        waiting = {
            task
            for task in (*_background, *_stopping)
            if task.get_loop() is loop and not task.done()
        }
        left = deadline - loop.time()
        if not waiting:
            return True
        if left <= 0:
            return False
        await asyncio.wait(waiting, timeout=left)


def _spawn(coroutine) -> asyncio.Task:
    task = asyncio.ensure_future(coroutine)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


def _notice(state: str) -> str:
    from .socket_messages import paused_notice, resumed_notice

    return paused_notice() if state == "paused" else resumed_notice()


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        current = _hubs[loop] = Hub()
    return current
