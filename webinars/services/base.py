"""What every change shares: its stored event, rate limits, id parsing, who may take part.

Each change to the Q&A is stored as a ``QAEvent`` (with the next event id of
its webinar) in the same transaction, and broadcast only after commit.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lms.errors import DomainError, PermissionDenied
from lms.throttling import rate_limit_hit

from .. import realtime
from ..models import QAEvent, QARoom, WebinarPage
from ..selectors import attendees_count, user_can_moderate, user_is_registered

ASK_INTERVAL_SECONDS = 10
VOTES_PER_WINDOW = 20
VOTE_WINDOW_SECONDS = 10


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429


# --- events ---------------------------------------------------------------------


def _next_event_id(webinar_id: int) -> int:
    """Allocate the next event id under the room's row lock.

    The UPDATE holds the row until commit, so ids commit in order and a
    reader never sees id n+1 before n.
    """
    bumped = QARoom.objects.filter(webinar_id=webinar_id).update(
        last_event_id=F("last_event_id") + 1
    )
    if not bumped:  # the room's first event
        QARoom.objects.get_or_create(webinar_id=webinar_id)
        QARoom.objects.filter(webinar_id=webinar_id).update(
            last_event_id=F("last_event_id") + 1
        )
    return QARoom.objects.values_list("last_event_id", flat=True).get(
        webinar_id=webinar_id
    )


def _record(
    webinar_id: int,
    event_type: str,
    state: dict,
    *,
    coalesce: bool = False,
    voter: int | None = None,
    voted: bool | None = None,
    choice: list[int] | None = None,
) -> QAEvent:
    """Store one event; broadcast it after commit.

    ``coalesce``: a burst of updates of one question (or poll) goes out as
    its latest state only. ``voter``/``voted`` (a question vote) and
    ``voter``/``choice`` (a poll answer) let that person's sockets show
    their own vote or choice.
    """
    event = QAEvent.objects.create(
        webinar_id=webinar_id,
        event_id=_next_event_id(webinar_id),
        type=event_type,
        payload=state,
    )

    def send():
        item = realtime.encode_event(
            event_type, state, event.event_id, voter=voter, voted=voted, choice=choice
        )
        kind = "poll" if event_type.startswith("poll.") else "question"
        key = (kind, state["id"]) if coalesce else None
        realtime.broadcast(webinar_id, item, coalesce_key=key)

    transaction.on_commit(send)
    return event


def _attendees_item(webinar_id: int) -> dict:
    count = attendees_count(webinar=webinar_id)
    return realtime.encode_plain({"type": "attendees", "count": count})


def _broadcast_attendees(webinar: WebinarPage) -> None:
    """The new attendee count, counted at most once per batch window and process.

    A thousand people joining at the start of a webinar would otherwise be a
    thousand counts (and broadcasts) of which the room only sees the last.
    """
    realtime.broadcast_computed(webinar.pk, "attendees", _attendees_item)


# --- rate limits (lms.throttling: atomic, shared through Redis, fail open) -------


def _limit_ask(*, webinar: WebinarPage, user) -> None:
    """One question per ``ASK_INTERVAL_SECONDS``; fails open when the cache is down.

    The limiter guards against floods; refusing everyone's questions (with a
    message that says they just asked) because Redis is away would be worse.
    The interval starts at the question (not on the clock), so a second
    question always waits the full interval.
    """
    if rate_limit_hit(
        "webinars:ask",
        f"{webinar.pk}:{user.pk}",
        limit=1,
        window=ASK_INTERVAL_SECONDS,
        aligned=False,
    ):
        raise RateLimited(
            _(
                "You can ask one question every %(seconds)s seconds. Please wait a moment."
            )
            % {"seconds": ASK_INTERVAL_SECONDS},
            retry_after=ASK_INTERVAL_SECONDS,
        )


def _limit_vote(*, webinar: WebinarPage, user) -> None:
    """``VOTES_PER_WINDOW`` votes or unvotes per ``VOTE_WINDOW_SECONDS``; fails open."""
    if rate_limit_hit(
        "webinars:vote",
        f"{webinar.pk}:{user.pk}",
        limit=VOTES_PER_WINDOW,
        window=VOTE_WINDOW_SECONDS,
    ):
        raise RateLimited(
            _("Too many votes at once. Please wait a few seconds."),
            retry_after=VOTE_WINDOW_SECONDS,
        )


def _require_registered(*, webinar: WebinarPage, user) -> None:
    """Attendees must be registered; moderators need not be."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(
            _("Sign in to take part in the Q&A."), code="not_authenticated", status=401
        )
    if not user_is_registered(webinar=webinar, user=user) and not user_can_moderate(
        webinar=webinar, user=user
    ):
        raise PermissionDenied(
            _("Register for this webinar to ask and vote."), code="not_registered"
        )


def _as_id(value) -> int | None:
    """A database id from a form, JSON or URL value: an integer or its digits only
    (``1.5`` or ``true`` is no id, rather than question 1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _chunks(values, size: int = 500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
