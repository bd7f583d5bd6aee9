"""Changes: registration, questions, votes, moderation, polls, presence.

The page's forms, the REST API and the WebSocket consumer all call these
functions, so a rule exists once. Each change to the Q&A is stored as a
``QAEvent`` (with the next event id of its webinar) in the same transaction,
and broadcast only after commit (``base``).

Split by subject; import from ``webinars.services`` as one module.
"""

from .base import (
    ASK_INTERVAL_SECONDS,
    VOTE_WINDOW_SECONDS,
    VOTES_PER_WINDOW,
    RateLimited,
)
from .moderation import (
    ANSWER_MAX_LENGTH,
    MODERATION_ACTIONS,
    asking_set_open,
    qa_settings_update,
    question_moderate,
)
from .polls import poll_close, poll_create, poll_vote
from .presence import (
    presence_heartbeat,
    presence_heartbeat_many,
    presence_join,
    presence_leave,
    presence_report_attendance,
    presence_report_room,
)
from .questions import question_ask, question_unvote, question_vote
from .registration import webinar_register
from .sockets import (
    CLOSE_NO_ACCESS,
    CLOSE_NOT_FOUND,
    CLOSE_SIGNED_OUT,
    SocketCredentials,
    session_fingerprint,
    socket_access_check,
    socket_access_check_many,
    sockets_recheck,
    sockets_revoke,
)

__all__ = [
    "ANSWER_MAX_LENGTH",
    "ASK_INTERVAL_SECONDS",
    "CLOSE_NOT_FOUND",
    "CLOSE_NO_ACCESS",
    "CLOSE_SIGNED_OUT",
    "MODERATION_ACTIONS",
    "RateLimited",
    "SocketCredentials",
    "VOTES_PER_WINDOW",
    "VOTE_WINDOW_SECONDS",
    "asking_set_open",
    "poll_close",
    "poll_create",
    "poll_vote",
    "presence_heartbeat",
    "presence_heartbeat_many",
    "presence_join",
    "presence_leave",
    "presence_report_attendance",
    "presence_report_room",
    "qa_settings_update",
    "question_ask",
    "question_moderate",
    "question_unvote",
    "question_vote",
    "session_fingerprint",
    "socket_access_check",
    "socket_access_check_many",
    "sockets_recheck",
    "sockets_revoke",
    "webinar_register",
]
