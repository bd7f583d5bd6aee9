"""The one way a time or a date is shown: on pages, in e-mails, .ics files and PDFs.

An instant is stored in UTC. Showing it means choosing a zone (the
programme's, the slot's, the webinar's, the viewer's) and printing the local
time *with that zone's label*. Django's ``|date`` and ``|time`` filters
convert an aware datetime to the *active* zone first, which is UTC here, so a
value already converted with ``localtime(…, zone)`` came out 9 hours off under
an "Asia/Seoul" heading. Nothing here depends on the active zone: the zone is
always an argument, and the label printed is the zone the digits are in.

Dates follow the active language with one pattern per style (Korean
"2027년 1월 18일", Russian "18 января 2027 г."), defined below and nowhere
else. ``{% load timefmt %}`` gives templates the same functions as tags; see
``docs/times.md``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import translation
from django.utils.dateformat import format as django_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

UTC = zoneinfo.ZoneInfo("UTC")
TIME = "H:i"

# Styles of a date, per language (Django date-format characters). English is
# "18 January 2027" (Django's own "Jan. 18, 2027" is not the site's style);
# the others are Django's locale DATE_FORMATs, which are correct.
DATE_STYLES: dict[str, dict[str, str]] = {
    # 18 January 2027
    "date": {
        "en": "j F Y",
        "ko": "Y년 n월 j일",
        "ru": "j E Y г.",
        "es": r"j \d\e F \d\e Y",
        "fr": "j F Y",
    },
    # Monday 18 January 2027 (a timetable's day heading, an e-mail)
    "weekday": {
        "en": "l j F Y",
        "ko": "Y년 n월 j일 l",
        "ru": "l, j E Y г.",
        "es": r"l, j \d\e F \d\e Y",
        "fr": "l j F Y",
    },
    # Mon 18 Jan (dense grids and the "your time" column; the year is on the page)
    "short": {
        "en": "D j M",
        "ko": "n월 j일 (D)",
        "ru": "D, j E",
        "es": "D j b",
        "fr": "D j b",
    },
}
# Between the date and the time of day.
_JOIN = {"ko": " "}


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return code if code in DATE_STYLES["date"] else "en"


def zone_of(zone: str | dt.tzinfo | None) -> zoneinfo.ZoneInfo | dt.tzinfo:
    """A zone from a name (unknown or empty names are UTC, never an error)."""
    if zone is None or zone == "":
        return UTC
    if isinstance(zone, dt.tzinfo):
        return zone
    try:
        return zoneinfo.ZoneInfo(str(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_label(zone: str | dt.tzinfo | None) -> str:
    """The label printed beside a time: the IANA name, e.g. "Asia/Seoul"."""
    tz = zone_of(zone)
    return getattr(tz, "key", None) or str(tz)


def local(instant: dt.datetime, zone: str | dt.tzinfo | None) -> dt.datetime:
    """The instant as wall-clock time in ``zone`` (naive values are UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone_of(zone))


def same_offset(
    instant: dt.datetime, zone: str | dt.tzinfo | None, other: str | dt.tzinfo | None
) -> bool:
    """Whether two zones show the same wall-clock time at this instant."""
    return local(instant, zone).utcoffset() == local(instant, other).utcoffset()


def format_date(
    day: dt.date | dt.datetime | None,
    *,
    style: str = "date",
    end: dt.date | None = None,
    language: str | None = None,
) -> str:
    """A calendar date (or a range "18 January 2027 – 22 January 2027").

    A ``date`` has no zone: programme dates are the programme's own days.
    """
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = local(day, UTC)
    if isinstance(end, dt.datetime):
        end = local(end, UTC)
    pattern = DATE_STYLES[style][_language(language)]
    with translation.override(_language(language)):
        text = django_format(day, pattern)
        if end is not None and end != day:
            text = f"{text} – {django_format(end, pattern)}"
    return text


def format_instant(
    instant: dt.datetime | None,
    zone: str | dt.tzinfo | None,
    *,
    style: str = "date",
    end: dt.datetime | None = None,
    label: bool = True,
    language: str | None = None,
) -> str:
    """Local date and time in ``zone``, with the zone's label.

    ``style`` picks the date part ("date", "weekday", "short"), "day" for the
    date alone (the day it was in that zone), or "time" for the time of day. With ``end``, a range: "18 January 2027, 09:30–10:30
    (Asia/Seoul)", the end's date repeated only when it is another day.
    """
    if instant is None:
        return ""
    lang = _language(language)
    start = local(instant, zone)
    text = _one(start, style, lang)
    if end is not None:
        finish = local(end, zone)
        if style == "day" and finish.date() == start.date():
            pass
        elif style == "time" or finish.date() == start.date():
            text = f"{text}–{django_format(finish, TIME)}"
        else:
            text = f"{text} – {_one(finish, style, lang)}"
    if label:
        text = f"{text} ({zone_label(zone)})"
    return text


def _one(moment: dt.datetime, style: str, lang: str) -> str:
    with translation.override(lang):
        if style == "time":
            return django_format(moment, TIME)
        if style == "day":
            return django_format(moment, DATE_STYLES["date"][lang])
        day = django_format(moment, DATE_STYLES[style][lang])
        return f"{day}{_JOIN.get(lang, ', ')}{django_format(moment, TIME)}"


def instant_html(
    instant: dt.datetime | None,
    zone: str | dt.tzinfo | None,
    *,
    style: str = "date",
    end: dt.datetime | None = None,
    label: bool = True,
    viewer: str | dt.tzinfo | None = None,
    viewer_text: str | None = None,
) -> SafeString:
    """``format_instant`` inside ``<time datetime=…>``, and the viewer's time.

    The viewer's time is added only when their zone shows another wall-clock
    time, so nobody reads the same time twice.
    """
    if instant is None:
        return SafeString("")
    html = format_html(
        '<time datetime="{}">{}</time>',
        local(instant, zone).isoformat(),
        format_instant(instant, zone, style=style, end=end, label=label),
    )
    if viewer_text is None:
        viewer_text = gettext("your time")
    if viewer and not same_offset(instant, zone, viewer):
        html = format_html(
            '{} <span class="viewer-time">— {}{}</span>',
            html,
            format_instant(instant, viewer, style="short", end=end),
            f", {viewer_text}" if viewer_text else "",
        )
    return html
