"""REST API for programmes, eligibility, enrolment, roster, offers and support slots.

Thin adapters: every decision is made by ``courses.services`` /
``courses.selectors``; errors become ``{"code", "detail", ...}``. One module
per subject; the OpenAPI documentation is in ``schema``, the shapes in
``serializers``. The views are re-exported here for ``courses.api_urls``.
"""

from .. import selectors, services  # noqa: F401 - tests patch courses.api.selectors
from .base import CoursesAPIView
from .enrolments import EnrolView, MyEnrolmentsView, NominationView, WithdrawView
from .offers import OfferAcceptView, OfferDeclineView
from .programmes import EligibilityView, ProgrammeDetailView, ProgrammeListView
from .roster import AttendanceView, RosterView
from .support import (
    SupportSlotBookView,
    SupportSlotCancelView,
    SupportSlotDetailView,
    SupportSlotListView,
)

__all__ = [
    "AttendanceView",
    "CoursesAPIView",
    "EligibilityView",
    "EnrolView",
    "MyEnrolmentsView",
    "NominationView",
    "OfferAcceptView",
    "OfferDeclineView",
    "ProgrammeDetailView",
    "ProgrammeListView",
    "RosterView",
    "SupportSlotBookView",
    "SupportSlotCancelView",
    "SupportSlotDetailView",
    "SupportSlotListView",
    "WithdrawView",
]
