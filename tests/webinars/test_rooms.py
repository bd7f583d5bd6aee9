"""A process's Q&A room: one channel message per batch, frames built once,
written straight to each socket, stalled sockets closed alone."""

import asyncio
import functools
import json
import struct
from types import SimpleNamespace

import pytest

from webinars import realtime, rooms
from webinars.consumers import QAConsumer

pytestmark = pytest.mark.asyncio


class FakeSocket:
    """A non-blocking socket that takes at most ``room`` bytes per send."""

    def __init__(self, protocol, room: int | None):
        self.protocol = protocol
        self.room = room

    def send(self, data: bytes) -> int:
        taken = data if self.room is None else data[: self.room]
        if not taken:
            raise BlockingIOError
        self.protocol.writes.append(bytes(taken))
        return len(taken)


class FakeTransport:
    """The part of a Twisted TCP transport the room uses."""

    TLS = False
    connected = True
    disconnecting = False

    def __init__(self, protocol, backlog: int, room: int | None):
        self._tempDataLen = backlog
        self.dataBuffer = b""
        self.offset = 0
        self.socket = FakeSocket(protocol, room)

    def getHandle(self):  # noqa: N802 - Twisted's name
        return self.socket


class FakeProtocol:
    """The part of Autobahn's server protocol that Daphne hands over.

    ``writes`` is everything in the order it would reach the wire; ``queued``
    is what went through Twisted's buffered ``sendData``.
    """

    STATE_OPEN = 3
    STATE_CLOSING = 4

    def __init__(self, backlog: int = 0, room: int | None = None):
        self.state = self.STATE_OPEN
        self._perMessageCompress = None
        self.send_queue = []
        self.trafficStats = SimpleNamespace(outgoingOctetsWireLevel=0)
        self.transport = FakeTransport(self, backlog, room)
        self.writes: list[bytes] = []
        self.queued: list[bytes] = []

    def sendData(self, data: bytes) -> None:  # noqa: N802 - Autobahn's name
        self.queued.append(data)
        self.writes.append(data)


async def _handle_reply(protocol, message):  # Daphne's server.handle_reply
    raise AssertionError("frames must not go through ASGI on the direct path")


class SessionWrapper:
    """Channels' session middleware wraps Daphne's send like this."""

    def __init__(self, send):
        self.real_send = send

    async def send(self, message):
        return await self.real_send(message)


def consumer(user_id: int, *, protocol=None, moderator=False, votes=()):
    instance = QAConsumer()
    instance.user = SimpleNamespace(pk=user_id)
    instance.moderator = moderator
    instance.my_votes = set(votes)
    instance.sent = []
    instance.closed = []
    if protocol is not None:
        instance.base_send = SessionWrapper(
            functools.partial(_handle_reply, protocol)
        ).send
    else:

        async def base_send(message):
            instance.sent.append(message["text"])

        instance.base_send = base_send

    async def close(code=None):
        instance.closed.append(code)

    instance.close = close
    return instance


def question_item(event_id: int, question_id: int, votes: int, voter=None, voted=None):
    state = {"id": question_id, "text": f"Q{question_id}", "votes": votes}
    frames = {}
    for key in ("pub", "pub_v", "mod", "mod_v"):
        frames[key] = json.dumps(
            {"type": "question.updated", "event_id": event_id, "question": state}
            | {"voted": key.endswith("_v"), "moderator": key.startswith("mod")}
        )
    return {
        "event_id": event_id,
        "question_id": question_id,
        "voter": voter,
        "voted": voted,
        "frames": frames,
    }


def frames_in(data: bytes) -> list[dict]:
    """Parse unmasked server-to-client WebSocket text frames back to JSON."""
    out = []
    while data:
        assert data[0] == 0x81  # FIN + text
        length = data[1]
        offset = 2
        if length == 126:
            (length,) = struct.unpack("!H", data[2:4])
            offset = 4
        elif length == 127:
            (length,) = struct.unpack("!Q", data[2:10])
            offset = 10
        out.append(json.loads(data[offset : offset + length]))
        data = data[offset + length :]
    return out


async def test_a_batch_is_one_write_per_socket_with_each_viewers_variant():
    hub = rooms.Hub()
    alice_line, bob_line, mod_line = FakeProtocol(), FakeProtocol(), FakeProtocol()
    alice = consumer(1, protocol=alice_line, votes={10})
    bob = consumer(2, protocol=bob_line)
    mod = consumer(3, protocol=mod_line, moderator=True)
    for who in (alice, bob, mod):
        await hub.join(7, who)
        await hub.ready(7, who)
    # Bob votes for question 11 (his own vote travels with the event).
    batch = [question_item(5, 10, 3), question_item(6, 11, 1, voter=2, voted=True)]
    await hub.deliver(7, batch)

    assert [len(line.writes) for line in (alice_line, bob_line, mod_line)] == [1, 1, 1]
    # An idle socket takes the batch at once: nothing waited in Twisted.
    assert not any(line.queued for line in (alice_line, bob_line, mod_line))
    alice_got = frames_in(alice_line.writes[0])
    bob_got = frames_in(bob_line.writes[0])
    mod_got = frames_in(mod_line.writes[0])
    assert [(m["event_id"], m["voted"]) for m in alice_got] == [(5, True), (6, False)]
    assert [(m["event_id"], m["voted"]) for m in bob_got] == [(5, False), (6, True)]
    assert all(m["moderator"] for m in mod_got)
    assert not any(m["moderator"] for m in alice_got + bob_got)
    # Each variant was framed once for the process, whoever received it.
    assert sorted(batch[0]["wire"]) == ["mod", "pub", "pub_v"]
    await hub.deliver(7, batch)
    assert alice_line.writes[1] == alice_line.writes[0]
    for who in (alice, bob, mod):
        await hub.leave(7, who)
    assert hub.reader is None and not hub.rooms


async def test_events_that_arrive_during_the_snapshot_follow_it_in_order():
    hub = rooms.Hub()
    line = FakeProtocol()
    alice = consumer(1, protocol=line)
    await hub.join(7, alice)
    await hub.deliver(7, [question_item(5, 10, 1)])
    await hub.deliver(7, [question_item(6, 10, 2)])
    assert line.writes == []  # the snapshot is not out yet
    await hub.ready(7, alice)
    assert [m["event_id"] for w in line.writes for m in frames_in(w)] == [5, 6]
    await hub.deliver(7, [question_item(7, 10, 3)])
    assert [m["event_id"] for m in frames_in(line.writes[-1])] == [7]
    await hub.leave(7, alice)


async def test_a_socket_that_stopped_reading_is_closed_alone():
    hub = rooms.Hub()
    stalled_line = FakeProtocol(backlog=rooms.MAX_BACKLOG_BYTES + 1)
    healthy_line = FakeProtocol()
    stalled = consumer(1, protocol=stalled_line)
    healthy = consumer(2, protocol=healthy_line)
    for who in (stalled, healthy):
        await hub.join(7, who)
        await hub.ready(7, who)
    await hub.deliver(7, [question_item(5, 10, 1)])
    await asyncio.sleep(0)  # the close is scheduled, not awaited by the room
    assert stalled_line.writes == []
    assert stalled.closed == [rooms.CLOSE_TOO_SLOW]
    assert len(healthy_line.writes) == 1
    # Out of the room: later events neither grow its buffer nor close it again.
    await hub.deliver(7, [question_item(6, 10, 2)])
    assert stalled_line.writes == [] and stalled.closed == [rooms.CLOSE_TOO_SLOW]
    assert len(healthy_line.writes) == 2
    for who in (stalled, healthy):
        await hub.leave(7, who)
    assert hub.reader is None


async def test_closing_sockets_get_nothing_and_other_servers_use_asgi_send():
    hub = rooms.Hub()
    closing_line = FakeProtocol()
    closing_line.state = FakeProtocol.STATE_CLOSING
    closing = consumer(1, protocol=closing_line)
    plain = consumer(2)  # no Daphne protocol behind it (tests, other servers)
    for who in (closing, plain):
        await hub.join(7, who)
        await hub.ready(7, who)
    item = question_item(5, 10, 1)
    await hub.deliver(7, [item])
    assert closing_line.writes == []
    assert plain.sent == [item["frames"]["pub"]]
    for who in (closing, plain):
        await hub.leave(7, who)


async def test_a_broadcast_reaches_the_room_through_the_channel_layer_once():
    hub = rooms.hub()
    lines = [FakeProtocol() for _ in range(3)]
    people = [consumer(i, protocol=line) for i, line in enumerate(lines, 1)]
    webinar_id = 987_654
    for who in people:
        await hub.join(webinar_id, who)
        await hub.ready(webinar_id, who)
    try:
        await realtime._group_send(webinar_id, [question_item(5, 10, 1)])
        for _ in range(100):
            if all(line.writes for line in lines):
                break
            await asyncio.sleep(0.02)
        assert [len(line.writes) for line in lines] == [1, 1, 1]
    finally:
        for who in people:
            await hub.leave(webinar_id, who)
    assert hub.reader is None and hub.channel is None
    # Out of the fan-out group: a later broadcast reaches no one.
    await realtime._group_send(webinar_id, [question_item(6, 10, 2)])
    await asyncio.sleep(0.1)
    assert [len(line.writes) for line in lines] == [1, 1, 1]


async def test_what_a_full_socket_does_not_take_is_queued_after_what_it_took():
    hub = rooms.Hub()
    line = FakeProtocol(room=10)  # the kernel takes 10 bytes, then would block
    alice = consumer(1, protocol=line)
    await hub.join(7, alice)
    await hub.ready(7, alice)
    await hub.deliver(7, [question_item(5, 10, 1), question_item(6, 10, 2)])
    assert len(line.writes[0]) == 10 and len(line.queued) == 1
    wire = b"".join(line.writes)
    assert [m["event_id"] for m in frames_in(wire)] == [5, 6]
    # With bytes still queued in Twisted, the next batch queues behind them.
    line.transport._tempDataLen = len(line.queued[0])
    await hub.deliver(7, [question_item(7, 10, 3)])
    assert len(line.queued) == 2
    assert [m["event_id"] for m in frames_in(b"".join(line.writes))] == [5, 6, 7]
    await hub.leave(7, alice)


async def test_a_leave_cancelled_while_leaving_the_group_stops_the_reader(monkeypatch):
    """A disconnect that times out must not leave the room's reader running."""
    hub = rooms.Hub()
    alice = consumer(1, protocol=FakeProtocol())
    await hub.join(7, alice)
    await hub.ready(7, alice)
    reader = hub.reader
    layer = rooms.get_channel_layer()
    started = asyncio.Event()

    async def slow_discard(group, channel):
        started.set()
        await asyncio.sleep(60)

    monkeypatch.setattr(layer, "group_discard", slow_discard)
    leaving = asyncio.ensure_future(hub.leave(7, alice))
    await started.wait()
    leaving.cancel()
    await asyncio.gather(leaving, return_exceptions=True)
    assert hub.reader is None and hub.channel is None
    await asyncio.wait([reader], timeout=10)  # a Redis receive unwinds in a few steps
    assert reader.done()
    assert not hub.rooms and not hub.watchers
