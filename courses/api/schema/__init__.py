"""The courses API's OpenAPI documentation, one decorator per operation.

Views apply them (``@schema.programme_list``) and stay a few lines each;
the examples and documented error tuples are in ``examples``.
"""

from .enrolments import (
    enrolment_apply,
    enrolment_nominate,
    enrolment_withdraw,
    my_enrolments,
)
from .offers import offer_accept, offer_decline
from .programmes import programme_detail, programme_eligibility, programme_list
from .roster import attendance_upsert, programme_roster
from .support import (
    support_slot_book,
    support_slot_cancel,
    support_slot_list,
    support_slot_publish,
    support_slot_withdraw,
)

__all__ = [
    "attendance_upsert",
    "enrolment_apply",
    "enrolment_nominate",
    "enrolment_withdraw",
    "my_enrolments",
    "offer_accept",
    "offer_decline",
    "programme_detail",
    "programme_eligibility",
    "programme_list",
    "programme_roster",
    "support_slot_book",
    "support_slot_cancel",
    "support_slot_list",
    "support_slot_publish",
    "support_slot_withdraw",
]
