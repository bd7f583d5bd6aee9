"""``{% when %}`` and ``{% when_date %}``: every time and date a template prints.

``{% when instant zone %}`` prints the local time in ``zone`` with its label;
``style`` ("date", "weekday", "short", "time"), ``end`` (a range), ``label``
(False where a column heading names the zone) and ``viewer`` (the viewer's
zone, added when it differs) as keywords. In a plain-text e-mail (rendered
without autoescaping) it prints text; on a page, a ``<time>`` element.
"""

from __future__ import annotations

import datetime as dt

from django import template

from lms import timefmt

register = template.Library()


@register.simple_tag(takes_context=True, name="when")
def when(
    context,
    instant: dt.datetime | None,
    zone=None,
    style: str = "date",
    end: dt.datetime | None = None,
    label: bool = True,
    viewer=None,
    viewer_text: str | None = None,
    plain: bool = False,
):
    """The instant in ``zone``, labelled; see ``lms.timefmt.format_instant``.

    ``plain=True`` gives text (for a button label or a translated sentence).
    """
    if plain or not context.autoescape:
        text = timefmt.format_instant(instant, zone, style=style, end=end, label=label)
        if viewer and instant and not timefmt.same_offset(instant, zone, viewer):
            mine = timefmt.format_instant(instant, viewer, style=style, end=end)
            suffix = viewer_text if viewer_text is not None else _your_time()
            text = f"{text}\n  {mine}" + (f" — {suffix}" if suffix else "")
        return text
    return timefmt.instant_html(
        instant,
        zone,
        style=style,
        end=end,
        label=label,
        viewer=viewer,
        viewer_text=viewer_text,
    )


@register.simple_tag(name="when_date")
def when_date(
    day: dt.date | None,
    end: dt.date | None = None,
    style: str = "date",
    language: str | None = None,
):
    """A calendar date or a range of dates, in the active language's style.

    An aware datetime counts as its day in UTC.
    """
    return timefmt.format_date(day, style=style, end=end, language=language)


def _your_time() -> str:
    from django.utils.translation import gettext

    return gettext("your time")
