"""The courses app's models, by subject.

The Wagtail page types (``ProgrammeIndexPage``, ``ProgrammePage`` and its
``Session`` timetable) are in ``courses.pages``; enrolments, attendance and
support slots are plain rows pointing at the page, one module each. All are
importable from here, as ``courses.models.ProgrammePage`` and so on (and the
app label stays ``courses``).
"""

from ..pages import (
    ProgrammeFormat,
    ProgrammeIndexPage,
    ProgrammeKind,
    ProgrammePage,
    ProgrammeTopic,
    Session,
    SessionKind,
    validate_timezone,
)
from .attendance import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    ParticipantPresentation,
    presentation_upload_to,
)
from .enrolment import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentGroup,
    EnrolmentStatus,
    OfferState,
    WaitlistOffer,
    letter_upload_to,
)
from .support import SupportBooking, SupportBookingStatus, SupportSlot

__all__ = [
    "Attendance",
    "AttendanceSource",
    "AttendanceStatus",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentGroup",
    "EnrolmentStatus",
    "OfferState",
    "ParticipantPresentation",
    "ProgrammeFormat",
    "ProgrammeIndexPage",
    "ProgrammeKind",
    "ProgrammePage",
    "ProgrammeTopic",
    "Session",
    "SessionKind",
    "SupportBooking",
    "SupportBookingStatus",
    "SupportSlot",
    "letter_upload_to",
    "presentation_upload_to",
    "validate_timezone",
    "WaitlistOffer",
]
