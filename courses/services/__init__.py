"""Changes to programmes' enrolments, attendance and completion.

Split by subject; import from ``courses.services`` as one module.
"""

from .applications import enrolment_apply, enrolment_nominate
from .attendance import (
    attendance_bulk_upsert,
    attendance_mark,
    attendance_record_presence,
    completion_confirm,
    completion_revoke,
)
from .decisions import (
    delegation_approve,
    delegation_reject,
    enrolment_approve,
    enrolment_endorse,
    enrolment_reject,
    enrolment_withdraw,
)
from .officials import nominating_organisation
from .presentations import presentation_upload
from .seats import Busy, lock_programme, lock_seats
from .support import (
    support_booking_cancel,
    support_booking_for,
    support_slot_book,
    support_slot_publish,
    support_slot_withdraw,
)
from .waitlist import offer_accept, offer_decline, offers_expire, waitlist_promote

__all__ = [
    "Busy",
    "delegation_approve",
    "delegation_reject",
    "attendance_bulk_upsert",
    "attendance_mark",
    "attendance_record_presence",
    "completion_confirm",
    "completion_revoke",
    "enrolment_apply",
    "enrolment_approve",
    "enrolment_endorse",
    "enrolment_nominate",
    "enrolment_reject",
    "enrolment_withdraw",
    "lock_programme",
    "lock_seats",
    "nominating_organisation",
    "offer_accept",
    "offer_decline",
    "offers_expire",
    "presentation_upload",
    "support_booking_cancel",
    "support_booking_for",
    "support_slot_book",
    "support_slot_publish",
    "support_slot_withdraw",
    "waitlist_promote",
]
