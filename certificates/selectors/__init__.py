"""Reads about certificates: lookup by code, a person's record, reports, status list.

Split by subject; import from ``certificates.selectors`` as one module.
"""

from .access import (
    user_is_secretariat,
    user_may_follow_job,
    user_may_issue,
    user_may_issue_webinar,
)
from .holders import (
    certificate_by_code,
    certificates_of,
    learning_record,
    lookup_limited,
    my_learning,
    revoked_status_indexes,
)
from .issuance import (
    completed_enrolments_for,
    issuable_enrolments,
    issuable_webinar_attendees,
    job_for,
    revoked_certificates_of,
)
from .reports import REPORT_DIMENSIONS, impact_report
from .webinars import (
    eligible_webinar_attendees,
    user_moderates_any_webinar,
    webinar_attendance,
    webinar_attendee_check,
    webinar_certificate_overview,
    webinar_certificate_settings,
    webinar_minimum_minutes,
    webinars_may_issue,
)

__all__ = [
    "REPORT_DIMENSIONS",
    "certificate_by_code",
    "certificates_of",
    "completed_enrolments_for",
    "eligible_webinar_attendees",
    "impact_report",
    "issuable_enrolments",
    "issuable_webinar_attendees",
    "job_for",
    "learning_record",
    "lookup_limited",
    "my_learning",
    "revoked_certificates_of",
    "revoked_status_indexes",
    "user_is_secretariat",
    "user_may_follow_job",
    "user_may_issue",
    "user_may_issue_webinar",
    "user_moderates_any_webinar",
    "webinar_attendance",
    "webinar_attendee_check",
    "webinar_certificate_overview",
    "webinar_certificate_settings",
    "webinar_minimum_minutes",
    "webinars_may_issue",
]
