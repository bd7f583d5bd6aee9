"""Database access from WebSocket consumers, on one kept connection.

Channels runs every ``database_sync_to_async`` call of every consumer in one
thread, and closes that thread's connection after each call unless
``CONN_MAX_AGE`` says otherwise. Under ASGI ``CONN_MAX_AGE`` stays 0: Django
serves each HTTP request in a thread of its own, where kept connections would
pile up. The consumers' thread is a single long-lived thread, so here, and
only here, its connection is kept for ``SOCKET_CONN_MAX_AGE`` seconds: a
webinar room with a thousand sockets would otherwise open and close a
database connection for every vote, question and periodic access check.
Django still closes it at once after an error that made it unusable.
"""

from __future__ import annotations

import time

from channels.db import DatabaseSyncToAsync
from django.db import close_old_connections, connections

SOCKET_CONN_MAX_AGE = 60


def _keep_connections() -> None:
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            continue
        if getattr(conn, "_socket_kept", None) is not conn.connection:
            # A connection opened by this call: keep it for a while.
            conn._socket_kept = conn.connection
            conn.close_at = now + SOCKET_CONN_MAX_AGE


class SocketDatabaseSyncToAsync(DatabaseSyncToAsync):
    """``database_sync_to_async`` that keeps the consumers' connection open."""

    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()  # an expired or broken connection goes here
        try:
            return super(DatabaseSyncToAsync, self).thread_handler(
                loop, *args, **kwargs
            )
        finally:
            _keep_connections()
            close_old_connections()


socket_database_sync_to_async = SocketDatabaseSyncToAsync
