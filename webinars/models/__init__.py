"""Webinars: pages editors publish, registration, and the live Q&A they host.

A webinar is a Wagtail page under its office (so the office's editors publish
it); everything that happens *to* it during the live session — registrations,
questions, votes, polls, presence — is a plain model pointing at it. One
module per subject; all are importable from here, as
``webinars.models.WebinarPage`` and so on (the app label stays ``webinars``).
"""

from .attendance import Presence, Registration
from .polls import Poll, PollBallot, PollOption, PollVote
from .questions import QAEvent, QARoom, Question, QuestionStatus, Vote
from .webinar import (
    LIVE_MARGIN,
    QUESTION_MAX_LENGTH,
    Series,
    WebinarIndexPage,
    WebinarPage,
    validate_timezone,
)

__all__ = [
    "LIVE_MARGIN",
    "QUESTION_MAX_LENGTH",
    "Poll",
    "PollBallot",
    "PollOption",
    "PollVote",
    "Presence",
    "QAEvent",
    "QARoom",
    "Question",
    "QuestionStatus",
    "Registration",
    "Series",
    "Vote",
    "WebinarIndexPage",
    "WebinarPage",
    "validate_timezone",
]
