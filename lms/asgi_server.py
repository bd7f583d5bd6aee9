"""Daphne with a graceful stop: ``python -m lms.asgi_server`` takes Daphne's arguments.

Daphne's own SIGTERM handling stops the reactor at once: requests still in
Django get no answer and WebSockets are dropped without a close frame (the
browser sees 1006, as after a crash). Here the first SIGTERM or SIGINT

1. stops accepting connections (the supervisor's new process, or the other
   servers behind the proxy, take them);
2. closes every open WebSocket with 1001 "going away", so the Q&A page
   reconnects at once with ``?since=`` and misses nothing, and the consumers
   run their ``disconnect`` (presence, rooms) as after any close;
3. waits for the HTTP requests already inside Django to be answered,
   for at most ``DRAIN_SECONDS`` (``ASGI_DRAIN_SECONDS``, default 6);
4. stops the reactor (Daphne then cancels whatever is left) and exits
   (quickly: ``lms.asgi`` freezes the loaded heap, see ``lms.process``).

A second signal stops at once. Process supervisors give 10 s between SIGTERM
and SIGKILL (``deploy/supervisord.conf``, ``deploy/systemd``), so every step
above is bounded well inside that.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol

logger = logging.getLogger("lms.asgi_server")

CLOSE_GOING_AWAY = 1001
DRAIN_SECONDS = float(os.environ.get("ASGI_DRAIN_SECONDS", "6"))
POLL_SECONDS = 0.1


def _open_websockets(server: Server) -> list[WebSocketProtocol]:
    return [
        protocol
        for protocol, details in server.connections.items()
        if isinstance(protocol, WebSocketProtocol)
        and "disconnected" not in details
        and protocol.state == protocol.STATE_OPEN
    ]


def _busy(server: Server) -> int:
    """Connections whose application has not finished: requests, sockets."""
    busy = 0
    for details in server.connections.values():
        instance = details.get("application_instance")
        if "disconnected" not in details or (
            instance is not None and not instance.done()
        ):
            busy += 1
    return busy


class GracefulServer(Server):
    """Daphne's server with the drain described in the module docstring."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ports: list = []
        self.stopping_since: float | None = None

    def run(self) -> None:
        # Twisted's own handlers would stop the reactor on the first signal.
        handle_signals, self.signal_handlers = self.signal_handlers, False
        if handle_signals:
            from twisted.internet import reactor

            reactor.callWhenRunning(self._install_signal_handlers)
        super().run()

    def _install_signal_handlers(self) -> None:
        from twisted.internet import reactor

        loop = reactor._asyncioEventloop
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.graceful_stop, sig)

    def listen_success(self, port) -> None:
        self.ports.append(port)
        super().listen_success(port)

    def graceful_stop(self, sig: int = signal.SIGTERM) -> None:
        from twisted.internet import reactor

        if self.stopping_since is not None:
            logger.warning("Second %s: stopping now", signal.Signals(sig).name)
            self.stop()
            return
        self.stopping_since = time.monotonic()
        for port in self.ports:
            port.stopListening()
        sockets = _open_websockets(self)
        for protocol in sockets:
            protocol.sendCloseFrame(
                code=CLOSE_GOING_AWAY, reasonUtf8=b"Server restarting", isReply=False
            )
        logger.warning(
            "%s: no new connections; %d WebSocket(s) closed with 1001; "
            "waiting up to %.0f s for %d request(s) and socket(s) to finish",
            signal.Signals(sig).name,
            len(sockets),
            DRAIN_SECONDS,
            _busy(self),
        )
        reactor.callLater(POLL_SECONDS, self._drain)

    def _drain(self) -> None:
        from twisted.internet import reactor

        busy = _busy(self)
        waited = time.monotonic() - self.stopping_since
        if busy and waited < DRAIN_SECONDS:
            reactor.callLater(POLL_SECONDS, self._drain)
            return
        if busy:
            logger.warning("%d connection(s) still busy after %.1f s", busy, waited)
        self.stop()


class GracefulCommandLineInterface(CommandLineInterface):
    server_class = GracefulServer


def main(argv: list[str] | None = None) -> None:
    GracefulCommandLineInterface().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
