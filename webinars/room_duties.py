"""Duties of a room's sockets done for all of them at once, from ``QAConsumer.room_tick``.

A room re-reports its attendees' minutes when there is no beat, and sockets
opened by a moderator who no longer is one drop to the attendee's view.
"""

import json

from django.conf import settings

from lms.db import socket_database_sync_to_async as database_sync_to_async

from . import services
from .selectors import moderators_among, qa_snapshot

# When each room last re-reported attendance (``report_room_attendance``).
_room_reported_at: dict[int, float] = {}


async def report_room_attendance(webinar_id: int, consumers: list, now: float) -> None:
    """With no beat, the room re-reports its attendees' minutes itself.

    ``WEBINAR_ROOM_REPORTS_ATTENDANCE`` (on when tasks run eager, as under
    ``make run``): at most once per ``WEBINAR_ROOM_REPORT_SECONDS`` per room
    and process, the attendees connected now have their minutes so far
    reported to the linked programme session, without anyone leaving.
    """
    if not getattr(settings, "WEBINAR_ROOM_REPORTS_ATTENDANCE", False):
        return
    last = _room_reported_at.setdefault(webinar_id, now)
    if now - last < settings.WEBINAR_ROOM_REPORT_SECONDS:
        return
    _room_reported_at[webinar_id] = now
    presence_ids = [
        c.presence_id
        for c in consumers
        if c.revoked_code is None and c.presence_id is not None
    ]
    if presence_ids:
        await database_sync_to_async(services.presence_report_room)(
            webinar_id=webinar_id, presence_ids=presence_ids
        )
        for consumer in consumers:
            if consumer.presence_id in presence_ids:
                consumer.beat_at = now


async def recheck_moderators(webinar_id: int, consumers: list) -> None:
    """Sockets opened by a moderator who no longer is one see what attendees see.

    A moderator's socket gets pending and hidden questions and the names
    behind anonymous ones; a role removed since connect (a host taken
    off, a group left) must end that, not only at reconnect. The socket
    gets a fresh snapshot in the attendee's view.
    """
    mods = [c for c in consumers if c.revoked_code is None and c.moderator]
    if not mods:
        return
    still = await database_sync_to_async(moderators_among)(
        webinar_id=webinar_id, user_ids={c.user.pk for c in mods}
    )
    for consumer in mods:
        if consumer.user.pk not in still:
            consumer.moderator = False
            snapshot = await database_sync_to_async(qa_snapshot)(
                webinar=consumer.webinar, user=consumer.user
            )
            await consumer.send(text_data=json.dumps(snapshot))
