"""Human pages: programme page context, applying, my programmes, calendars.

Split by subject: ``enrolment`` (applying, nominating, withdrawing, offers,
endorsing), ``participant`` (my programmes, presentations, letters),
``calendars`` (iCalendar files and feeds) and ``support`` (technical-support
slots), with ``base`` for what they share. Every view is re-exported here for
``courses.urls``.
"""

from __future__ import annotations

from .calendars import calendar_feed, programme_calendar
from .enrolment import (
    endorse,
    enrolment_withdraw,
    offer_respond,
    programme_apply,
    programme_nominate,
)
from .participant import (
    letter_download,
    my_programmes,
    presentation_download,
    presentation_upload,
)
from .support import (
    support_book,
    support_booking_calendar,
    support_cancel,
    support_manage,
    support_slot_remove,
)

__all__ = [
    "calendar_feed",
    "endorse",
    "enrolment_withdraw",
    "letter_download",
    "my_programmes",
    "offer_respond",
    "presentation_download",
    "presentation_upload",
    "programme_apply",
    "programme_calendar",
    "programme_nominate",
    "support_book",
    "support_booking_calendar",
    "support_cancel",
    "support_manage",
    "support_slot_remove",
]
