"""Reads about programmes: listings, eligibility, timetables, completion.

One module per subject (access, programmes, enrolments, completion, support
slots, the programme page's viewer); everything is importable from here, as
``courses.selectors.programme_list`` and so on.
"""

from ..programme_cache import public_programme
from .access import (
    user_can_manage,
    user_can_train,
    user_is_secretariat,
    user_may_read_application,
)
from .completion import (
    CompletionStatus,
    completed_enrolments,
    completion_status,
    participant_completion,
    presentations_visible_to,
    programme_roster,
)
from .enrolments import (
    PendingDecision,
    calendar_sessions,
    delegation_members,
    delegation_size_limit,
    enrolment_for,
    enrolments_of,
    focal_point_organisation,
    my_enrolments,
    nominations_by,
    open_offer_of,
    organisation_places_left,
    pending_decisions,
    pending_enrolments,
    quota_verdict_for,
    withdrawal_refusal,
)
from .programmes import (
    TimetableDay,
    TimetableRow,
    programme_eligibility,
    programme_filter_choices,
    programme_list,
    programme_timetable,
    seats_left,
)
from .support import (
    SupportSlotView,
    support_bookings_of,
    support_slot_view,
    support_slots_for,
    support_slots_visible,
)
from .viewer import (
    ProgrammeViewer,
    cohort_presentations,
    programme_viewer,
)

__all__ = [
    "CompletionStatus",
    "PendingDecision",
    "ProgrammeViewer",
    "SupportSlotView",
    "TimetableDay",
    "TimetableRow",
    "calendar_sessions",
    "cohort_presentations",
    "completed_enrolments",
    "completion_status",
    "delegation_members",
    "delegation_size_limit",
    "enrolment_for",
    "open_offer_of",
    "enrolments_of",
    "focal_point_organisation",
    "my_enrolments",
    "nominations_by",
    "organisation_places_left",
    "participant_completion",
    "pending_decisions",
    "pending_enrolments",
    "presentations_visible_to",
    "programme_eligibility",
    "programme_filter_choices",
    "programme_list",
    "programme_roster",
    "programme_timetable",
    "programme_viewer",
    "public_programme",
    "quota_verdict_for",
    "seats_left",
    "support_bookings_of",
    "support_slot_view",
    "support_slots_for",
    "support_slots_visible",
    "user_can_manage",
    "user_can_train",
    "user_is_secretariat",
    "user_may_read_application",
    "withdrawal_refusal",
]
