"""Checks behind ``/healthz``: database, channel layer and Celery broker."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

TIMEOUT = 2.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return f"down: {type(exc).__name__}"
    return "ok"


def check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "down: not configured"

    async def roundtrip():
        # The process's own channel name (default prefix): channels-redis reads
        # every process-local channel through one lock, and a channel with
        # another prefix is a separate Redis key nobody reads while the Q&A
        # fan-out holds that lock, so the check timed out whenever a socket was
        # open (and "passed" only when a read failed and let go of the lock).
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        return await layer.receive(channel)

    async def bounded():
        return await asyncio.wait_for(roundtrip(), TIMEOUT)

    try:
        async_to_sync(bounded)()
    except Exception as exc:  # noqa: BLE001
        return f"down: {type(exc).__name__}"
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (tasks run in process)"
    from lms.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
    except Exception as exc:  # noqa: BLE001
        return f"down: {type(exc).__name__}"
    return "ok"


def health() -> tuple[bool, dict[str, str]]:
    checks = {
        "database": check_database(),
        "channel_layer": check_channel_layer(),
        "broker": check_broker(),
    }
    return all(v.startswith("ok") for v in checks.values()), checks
