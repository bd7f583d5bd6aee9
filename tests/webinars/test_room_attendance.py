"""Without beat (``make run``), an open room re-reports presence as attendance.

Production runs ``report_webinar_attendance`` from beat; with no broker the
room's own timer does the same for the attendees connected now, so a
trainer sees minutes grow in the programme's attendance while people are
still in the webinar, not only when they leave.
"""

import asyncio
import datetime

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from courses.models import Attendance
from tests.courses.factories import enrol, make_programme
from tests.webinars.test_revocation import open_socket
from webinars import rooms
from webinars.models import Presence

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


@database_sync_to_async
def link_to_a_session(webinar, attendee):
    programme = make_programme(office=webinar.get_parent().specific)
    session = programme.sessions.first()
    enrol(programme, attendee)
    webinar.programme_session = session
    webinar.save_revision().publish()
    return session


@database_sync_to_async
def attendance_minutes(session, user):
    row = Attendance.objects.filter(session=session, enrolment__user=user).first()
    return None if row is None else row.minutes


async def wait_for_minutes(session, user, expected, timeout=4.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await attendance_minutes(session, user) == expected:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_present_attendees_minutes_reach_attendance_without_leaving(
    webinar, attendee, settings, monkeypatch
):
    settings.WEBINAR_ROOM_REPORTS_ATTENDANCE = True
    settings.WEBINAR_ROOM_REPORT_SECONDS = 0.5
    monkeypatch.setattr(rooms, "TICK_SECONDS", 0.1)
    session = await link_to_a_session(webinar, attendee)
    socket = await open_socket(webinar, user=attendee)
    # The attendee has been in the room for 25 minutes (their open connection).
    await database_sync_to_async(
        lambda: Presence.objects.filter(user=attendee, left_at__isnull=True).update(
            joined_at=timezone.now() - datetime.timedelta(minutes=25)
        )
    )()
    assert await wait_for_minutes(session, attendee, 25)
    # Still connected: nobody left, the presence is open.
    assert await database_sync_to_async(
        Presence.objects.filter(user=attendee, left_at__isnull=True).exists
    )()
    # Ten more minutes in the room: the next report updates the same row.
    await database_sync_to_async(
        lambda: Presence.objects.filter(user=attendee, left_at__isnull=True).update(
            joined_at=timezone.now() - datetime.timedelta(minutes=35)
        )
    )()
    assert await wait_for_minutes(session, attendee, 35)
    assert (
        await database_sync_to_async(
            Attendance.objects.filter(session=session, enrolment__user=attendee).count
        )()
        == 1
    )
    await socket.disconnect()


async def test_switched_off_the_room_leaves_reporting_to_beat(
    webinar, attendee, settings, monkeypatch
):
    settings.WEBINAR_ROOM_REPORTS_ATTENDANCE = False
    settings.WEBINAR_ROOM_REPORT_SECONDS = 0.2
    monkeypatch.setattr(rooms, "TICK_SECONDS", 0.1)
    session = await link_to_a_session(webinar, attendee)
    socket = await open_socket(webinar, user=attendee)
    await database_sync_to_async(
        lambda: Presence.objects.filter(user=attendee, left_at__isnull=True).update(
            joined_at=timezone.now() - datetime.timedelta(minutes=25)
        )
    )()
    assert not await wait_for_minutes(session, attendee, 25, timeout=1.0)
    await socket.disconnect()
