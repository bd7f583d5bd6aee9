"""The WebSocket Origin check: same origin as the page, port included.

Channels' ``AllowedHostsOriginValidator`` compares only the Origin's host name
with ``ALLOWED_HOSTS``, so a page served from ``http://127.0.0.1:9999`` (any
other program on the machine) could open sockets on ``:8000`` with the
visitor's cookies. Here the Origin must also name the host *and port* the
handshake was sent to (its ``Host`` header, which nginx passes on as sent),
as Django's CSRF check does for forms, or be one of ``CSRF_TRUSTED_ORIGINS``.

A handshake without a ``Host`` header (only in-process test clients send
none; browsers and WebSocket libraries always do) is checked by host name
alone, as before.
"""

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings

DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return value.decode("latin-1")
            except UnicodeDecodeError:
                return None
    return None


def _allowed_hosts() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = ["localhost", "127.0.0.1", "[::1]"]
    return hosts


def _origin_port(parsed) -> int | None:
    try:
        port = parsed.port
    except ValueError:  # a port that is no number
        return -1
    return port if port is not None else DEFAULT_PORTS.get(parsed.scheme)


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Whether a handshake with this Origin and Host header may open a socket."""
    if not origin:
        return False
    parsed = urlparse(origin.strip().lower())
    if parsed.scheme not in DEFAULT_PORTS or not parsed.hostname:
        return False
    if not OriginValidator(None, _allowed_hosts()).validate_origin(parsed):
        return False
    port = _origin_port(parsed)
    trusted = [urlparse(o.lower()) for o in settings.CSRF_TRUSTED_ORIGINS]
    if any(
        t.scheme == parsed.scheme
        and t.hostname == parsed.hostname
        and _origin_port(t) == port
        for t in trusted
    ):
        return True
    if host is None:
        return True  # no Host to compare with: the host-name check above
    served = urlparse("//" + host.strip().lower())
    try:
        served_port = served.port
    except ValueError:
        return False
    if served.hostname != parsed.hostname:
        return False
    # "Host: example.org" is the default port of whatever scheme the visitor
    # used (TLS may end at nginx); an explicit port must be the Origin's.
    return served_port is None or served_port == port


class SameOriginValidator:
    """ASGI middleware: refuse (HTTP 403) a WebSocket from another origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
