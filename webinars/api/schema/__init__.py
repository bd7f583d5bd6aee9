"""The webinars API's OpenAPI documentation, one decorator per operation.

Views apply them (``@schema.webinar_list``) and stay a few lines each; the
examples and documented error tuples are in ``examples``.
"""

from .polls import poll_list, poll_vote
from .questions import (
    qa_read,
    question_ask,
    question_moderate,
    question_unvote,
    question_vote,
)
from .webinars import registration_create, webinar_detail, webinar_list

__all__ = [
    "poll_list",
    "poll_vote",
    "qa_read",
    "question_ask",
    "question_moderate",
    "question_unvote",
    "question_vote",
    "registration_create",
    "webinar_detail",
    "webinar_list",
]
