"""Frames written straight to Daphne's sockets, for the Q&A rooms (``rooms``).

Under Daphne a consumer's ``send`` leads to Autobahn's WebSocket protocol on
a Twisted TCP transport. A room builds each event variant's frame once
(``wire``) and writes all of a batch's frames to a socket in one go
(``write``), straight to the kernel when the socket has nothing queued.
``backlog`` tells how far behind a socket is, so a client that stopped
reading can be closed alone. Each private attribute read here is guarded by
a test in ``tests/lms/test_library_privates.py``.
"""

from __future__ import annotations

import functools
from typing import Any

from autobahn.websocket.protocol import PreparedMessage


def transport_of(consumer: Any) -> Any | None:
    """Daphne's WebSocket protocol behind a consumer, when frames may go straight out.

    Daphne hands each application ``partial(server.handle_reply, protocol)``
    as its ``send`` (under Channels' session wrapper); the protocol is
    Autobahn's, which can send pre-built frames. Anything else (or a connection with per-message compression)
    goes through ASGI.
    """
    send = getattr(consumer, "base_send", None)
    # Channels' session middleware wraps ``send`` to save sessions on HTTP
    # responses only; WebSocket frames pass through it untouched.
    while hasattr(getattr(send, "__self__", None), "real_send"):
        send = send.__self__.real_send
    if not isinstance(send, functools.partial) or not send.args:
        return None
    protocol = send.args[0]
    if not hasattr(protocol, "sendData") or not hasattr(protocol, "STATE_OPEN"):
        return None
    if getattr(protocol, "_perMessageCompress", None) is not None:
        return None
    return protocol


def backlog(protocol: Any) -> int:
    """Bytes written to a socket that the kernel has not taken yet."""
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return 0
    pending = getattr(transport, "_tempDataLen", 0)
    data = getattr(transport, "dataBuffer", b"")
    return pending + len(data) - getattr(transport, "offset", 0)


def write(protocol: Any, data: bytes) -> None:
    """Send bytes now when the socket can take them, else queue them in Twisted.

    Twisted's ``write`` always buffers and registers the socket for writing,
    sending on the next reactor turn and unregistering after: three system
    calls and much bookkeeping per socket and batch. A plain TCP socket with
    nothing queued usually takes the whole batch at once, so it is tried
    first; whatever it does not take (and every TLS or busy connection) goes
    the ordinary way, in order.
    """
    transport = protocol.transport
    if (
        not protocol.send_queue
        and not getattr(transport, "TLS", False)
        and getattr(transport, "connected", False)
        and not getattr(transport, "disconnecting", True)
        and backlog(protocol) == 0
    ):
        try:
            sent = transport.getHandle().send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except (AttributeError, OSError):
            sent = 0  # Twisted's own write below meets the error and closes
        protocol.trafficStats.outgoingOctetsWireLevel += sent
        if sent == len(data):
            return
        data = data[sent:]
    protocol.sendData(data)


def wire(item: dict, key: str) -> bytes:
    """The WebSocket frame of one variant of one item, built once per process."""
    wire = item.get("wire")
    if wire is None:
        wire = item["wire"] = {}
    frame = wire.get(key)
    if frame is None:
        payload = item["frames"][key].encode("utf-8")
        frame = wire[key] = PreparedMessage(payload, False, False, True).payloadHybi
    return frame
