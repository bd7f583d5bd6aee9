"""Changes to programmes' enrolments, attendance and completion.

Split by subject; import from ``courses.services`` as one module.
"""

from .attendance import (
    attendance_bulk_upsert,
    attendance_mark,
    attendance_record_presence,
    completion_confirm,
    completion_revoke,
)
from .enrolment import (
    Busy,
    enrolment_apply,
    enrolment_approve,
    enrolment_endorse,
    enrolment_reject,
    enrolment_withdraw,
    lock_programme,
    offer_accept,
    offer_decline,
    offers_expire,
    waitlist_promote,
)
from .presentations import presentation_upload

__all__ = [
    "Busy",
    "attendance_bulk_upsert",
    "attendance_mark",
    "attendance_record_presence",
    "completion_confirm",
    "completion_revoke",
    "enrolment_apply",
    "enrolment_approve",
    "enrolment_endorse",
    "enrolment_reject",
    "enrolment_withdraw",
    "lock_programme",
    "offer_accept",
    "offer_decline",
    "offers_expire",
    "presentation_upload",
    "waitlist_promote",
]
