"""iCalendar (RFC 5545) for a programme's timetable and a participant's feed."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from lms.links import page_url
from lms.timefmt import format_instant


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//WeGO Learning//Programmes//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _event(session, programme) -> Event:
    zone = programme.zoneinfo
    event = Event()
    event.add("uid", f"session-{session.pk}@wego-learning")
    event.add("dtstamp", timezone.now())
    # Local times with TZID (and a VTIMEZONE below), so calendars show the
    # programme's wall-clock time and convert correctly for the reader.
    event.add("dtstart", timezone.localtime(session.starts_at, zone))
    event.add("dtend", timezone.localtime(session.ends_at, zone))
    event.add("summary", f"{programme.title}: {session.title}")
    if session.location:
        event.add("location", session.location)
    # The time as text too, labelled: some calendar apps show the description
    # of an event received by mail before (or instead of) importing it.
    description = [
        format_instant(session.starts_at, zone, end=session.ends_at),
        session.get_kind_display(),
    ]
    if session.speakers:
        description.append(session.speakers)
    event.add("description", "\n".join(str(d) for d in description))
    url = page_url(programme)
    if url:
        event.add("url", url)
    return event


def programme_ics(programme) -> bytes:
    """Every session of one programme."""
    cal = _calendar(programme.title)
    for session in programme.sessions.all().order_by("starts_at"):
        cal.add_component(_event(session, programme))
    cal.add_missing_timezones()
    return cal.to_ical()


def user_feed_ics(user, sessions) -> bytes:
    """The private feed: sessions of the programmes where the person is confirmed."""
    cal = _calendar(f"{settings.WAGTAIL_SITE_NAME}: {user.display_name}")
    for session in sessions:
        cal.add_component(_event(session, session.programme))
    cal.add_missing_timezones()
    return cal.to_ical()


def support_booking_ics(booking) -> bytes:
    """One booked technical-support slot, in the slot's zone (with VTIMEZONE)."""
    slot = booking.slot
    programme = slot.programme
    zone = slot.zoneinfo
    cal = _calendar(f"{programme.title}: technical support")
    event = Event()
    event.add("uid", f"support-booking-{booking.pk}@wego-learning")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(slot.starts_at, zone))
    event.add("dtend", timezone.localtime(slot.ends_at, zone))
    event.add("summary", f"{programme.title}: technical support")
    description = [format_instant(slot.starts_at, zone, end=slot.ends_at)]
    if slot.note:
        description.append(slot.note)
    if slot.video_link:
        description.append(slot.video_link)
        event.add("location", slot.video_link)
        event.add("url", slot.video_link)
    event.add("description", "\n".join(description))
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
