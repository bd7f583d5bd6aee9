"""Changes: registration, questions, votes, moderation, polls, presence.

The page's forms, the REST API and the WebSocket consumer all call these
functions, so a rule exists once. Each change to the Q&A is stored as a
``QAEvent`` (with the next event id of its webinar) in the same transaction,
and broadcast only after commit.
"""

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user as session_user
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied

from . import realtime
from .models import (
    QUESTION_MAX_LENGTH,
    Poll,
    PollOption,
    PollVote,
    Presence,
    QAEvent,
    QARoom,
    Question,
    QuestionStatus,
    Registration,
    Vote,
    WebinarPage,
)
from .selectors import (
    attendees_count,
    poll_state,
    presence_minutes,
    question_state,
    user_can_moderate,
    user_is_registered,
    webinar_can_view,
    webinar_eligibility,
    webinar_is_public,
)

logger = logging.getLogger(__name__)

ASK_INTERVAL_SECONDS = 10
VOTES_PER_WINDOW = 20
VOTE_WINDOW_SECONDS = 10
MODERATION_ACTIONS = ("approve", "hide", "restore", "pin", "unpin", "answer")
ANSWER_MAX_LENGTH = 2000


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
) -> QAEvent:
    event = QAEvent.objects.create(
        webinar_id=webinar_id,
        event_id=_next_event_id(webinar_id),
        type=event_type,
        payload=state,
    )

    def send():
        item = realtime.encode_event(
            event_type, state, event.event_id, voter=voter, voted=voted
        )
        key = ("question", state["id"]) if coalesce else None
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


# --- rate limits (atomic: cache add/incr, shared through Redis when configured) -


def _limit_ask(*, webinar: WebinarPage, user) -> None:
    """One question per ``ASK_INTERVAL_SECONDS``; fails open when the cache is down.

    The limiter guards against floods; refusing everyone's questions (with a
    message that says they just asked) because Redis is away would be worse.
    The resilient cache answers ``add`` with False when it cannot reach
    Redis, so a refused ``add`` counts only if the key is really there.
    """
    key = f"webinars:ask:{webinar.pk}:{user.pk}"
    if not cache.add(key, 1, timeout=ASK_INTERVAL_SECONDS) and (
        cache.get(key) is not None
    ):
        raise RateLimited(
            _(
                "You can ask one question every %(seconds)s seconds. Please wait a moment."
            )
            % {"seconds": ASK_INTERVAL_SECONDS},
            retry_after=ASK_INTERVAL_SECONDS,
        )


def _limit_vote(*, webinar: WebinarPage, user) -> None:
    bucket = int(time.time() // VOTE_WINDOW_SECONDS)
    key = f"webinars:vote:{webinar.pk}:{user.pk}:{bucket}"
    cache.add(key, 0, timeout=VOTE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (or the cache is away)
        cache.add(key, 1, timeout=VOTE_WINDOW_SECONDS * 2)
        count = 1
    except Exception:  # the cache is down: fail open, as for questions
        logger.warning("Vote limiter unavailable; vote allowed", exc_info=True)
        return
    if count > VOTES_PER_WINDOW:
        raise RateLimited(
            _("Too many votes at once. Please wait a few seconds."),
            retry_after=VOTE_WINDOW_SECONDS,
        )


# --- registration ---------------------------------------------------------------


def webinar_register(*, webinar: WebinarPage, user) -> tuple[Registration, bool]:
    """Register a signed-in person; registering twice returns the same registration.

    A webinar with registration rules (the programmes' rule blocks) admits
    only people who pass every blocking rule; the reasons come back with
    the refusal.

    The confirmation e-mail goes out after commit, once.
    """
    if not user.is_authenticated:
        raise PermissionDenied(
            _("Sign in to register."), code="not_authenticated", status=401
        )
    if not webinar_can_view(webinar=webinar, user=user):
        raise NotFound(_("No such webinar."), code="webinar_not_found")
    if webinar.is_past:
        raise Conflict(_("This webinar is over."), code="webinar_over")
    with transaction.atomic():
        registration = Registration.objects.filter(webinar=webinar, user=user).first()
        if registration is not None:
            return registration, False
        verdicts = webinar_eligibility(webinar=webinar, user=user)
        if any(not v.ok and v.blocking for v in verdicts):
            raise PermissionDenied(
                _("You cannot register for this webinar yet."),
                code="ineligible",
                reasons=[v.as_dict() for v in verdicts],
            )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(webinar=webinar, user=user)
        except IntegrityError:  # a concurrent double click won
            return Registration.objects.get(webinar=webinar, user=user), False

        from .tasks import send_registration_confirmation

        transaction.on_commit(
            lambda: send_registration_confirmation.delay(registration.pk), robust=True
        )
    return registration, True


# --- questions ------------------------------------------------------------------


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


def _clean_text(text) -> str:
    if not isinstance(text, str):
        raise DomainError(_("The question must be text."), code="invalid_text")
    text = text.strip()
    if not text:
        raise DomainError(_("The question is empty."), code="empty_question")
    if len(text) > QUESTION_MAX_LENGTH:
        raise DomainError(
            _("A question has at most %(max)s characters.")
            % {"max": QUESTION_MAX_LENGTH},
            code="question_too_long",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's "\ud800"
        raise DomainError(
            _("The question contains characters that are not text."),
            code="invalid_text",
        ) from None
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise DomainError(
            _("The question contains control characters."), code="invalid_text"
        )
    return text


def _refresh_qa_settings(webinar: WebinarPage) -> None:
    """Read "asking open" and pre-moderation as stored now.

    A socket keeps the page it loaded at connect for hours; a moderator's
    switch since then must still apply to its next question.
    """
    row = (
        WebinarPage.objects.filter(pk=webinar.pk)
        .values("asking_open", "premoderation")
        .first()
    )
    if row is not None:
        webinar.asking_open = row["asking_open"]
        webinar.premoderation = row["premoderation"]


def question_ask(
    *, webinar: WebinarPage, user, text, anonymous: bool = False
) -> Question:
    """A registered attendee asks; plain text of 1–500 characters.

    Anonymous questions hide the author from other attendees, never from
    moderators. With pre-moderation on, a question waits for approval. One
    question per 10 seconds per person.
    """
    _require_registered(webinar=webinar, user=user)
    text = _clean_text(text)
    _refresh_qa_settings(webinar)
    # Only when a rule depends on it: the moderator check costs queries.
    moderator = (not webinar.asking_open or webinar.premoderation) and (
        user_can_moderate(webinar=webinar, user=user)
    )
    if not webinar.asking_open and not moderator:
        raise Conflict(_("Asking is closed for now."), code="asking_closed")
    _limit_ask(webinar=webinar, user=user)
    status = (
        QuestionStatus.PENDING
        if webinar.premoderation and not moderator
        else QuestionStatus.VISIBLE
    )
    with transaction.atomic():
        question = Question.objects.create(
            webinar=webinar,
            author=user,
            text=text,
            anonymous=bool(anonymous),
            status=status,
        )
        _record(webinar.pk, "question.created", question_state(question))
    return question


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


def _question_of(*, webinar: WebinarPage, question_id, lock: bool = False) -> Question:
    pk = _as_id(question_id)
    if pk is None:
        raise NotFound(_("No such question."), code="question_not_found")
    qs = Question.objects.select_related("author", "author__organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    question = qs.filter(pk=pk, webinar=webinar).first()
    if question is None:
        raise NotFound(_("No such question."), code="question_not_found")
    return question


def _change_vote(*, webinar: WebinarPage, question_id, user, add: bool) -> Question:
    _require_registered(webinar=webinar, user=user)
    with transaction.atomic():
        question = _question_of(webinar=webinar, question_id=question_id, lock=True)
        if question.status != QuestionStatus.VISIBLE:
            raise NotFound(_("No such question."), code="question_not_found")
        _limit_vote(webinar=webinar, user=user)
        if add:
            changed = Vote.objects.get_or_create(question=question, user=user)[1]
            delta = 1
        else:
            changed = bool(
                Vote.objects.filter(question=question, user=user).delete()[0]
            )
            delta = -1
        if not changed:  # voting twice (or removing a vote never given) is harmless
            return question
        Question.objects.filter(pk=question.pk).update(votes=F("votes") + delta)
        question.refresh_from_db(fields=["votes"])
        _record(
            webinar.pk,
            "question.updated",
            question_state(question),
            coalesce=True,
            voter=user.pk,
            voted=add,
        )
    return question


def question_vote(*, webinar: WebinarPage, question_id, user) -> Question:
    """Upvote a visible question, once per person (again is harmless)."""
    return _change_vote(webinar=webinar, question_id=question_id, user=user, add=True)


def question_unvote(*, webinar: WebinarPage, question_id, user) -> Question:
    """Remove one's upvote."""
    return _change_vote(webinar=webinar, question_id=question_id, user=user, add=False)


def question_moderate(
    *, webinar: WebinarPage, question_id, user, action: str, answer_text: str = ""
) -> Question:
    """Moderators approve, hide, restore, pin, unpin, or mark answered.

    Only one question is pinned at a time (the presenter view highlights it),
    so pinning one unpins the other.
    """
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    if action not in MODERATION_ACTIONS:
        raise DomainError(
            _("Unknown moderation action."),
            code="unknown_action",
            allowed=list(MODERATION_ACTIONS),
        )
    answer_text = (answer_text or "").strip() if isinstance(answer_text, str) else ""
    if len(answer_text) > ANSWER_MAX_LENGTH:
        raise DomainError(_("The written answer is too long."), code="answer_too_long")
    with transaction.atomic():
        question = _question_of(webinar=webinar, question_id=question_id, lock=True)
        if action in ("approve", "restore"):
            question.status = QuestionStatus.VISIBLE
        elif action == "hide":
            question.status = QuestionStatus.HIDDEN
            question.pinned = False
        elif action == "pin":
            for other in Question.objects.filter(webinar=webinar, pinned=True).exclude(
                pk=question.pk
            ):
                other.pinned = False
                other.save(update_fields=["pinned", "updated_at"])
                _record(webinar.pk, "question.updated", question_state(other))
            question.pinned = True
        elif action == "unpin":
            question.pinned = False
        elif action == "answer":
            question.answered = True
            question.answer_text = answer_text
            question.pinned = False
        question.save()
        _record(webinar.pk, "question.updated", question_state(question))
    return question


def qa_settings_update(
    *,
    webinar: WebinarPage,
    user,
    asking_open: bool | None = None,
    premoderation: bool | None = None,
) -> WebinarPage:
    """Moderators open or lock asking and switch pre-moderation.

    Stored on the live page row (and its latest revision, so the next publish
    keeps it).
    """
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    changes = {}
    if asking_open is not None:
        changes["asking_open"] = bool(asking_open)
    if premoderation is not None:
        changes["premoderation"] = bool(premoderation)
    if not changes:
        return webinar
    with transaction.atomic():
        WebinarPage.objects.filter(pk=webinar.pk).update(**changes)
        revision = webinar.latest_revision
        if revision is not None:
            revision.content.update(changes)
            revision.save(update_fields=["content"])
        for key, value in changes.items():
            setattr(webinar, key, value)
    return webinar


def asking_set_open(*, webinar: WebinarPage, user, open: bool) -> WebinarPage:  # noqa: A002
    """Open or lock asking (moderators)."""
    return qa_settings_update(webinar=webinar, user=user, asking_open=open)


# --- polls ----------------------------------------------------------------------


def poll_create(
    *, webinar: WebinarPage, user, question: str, options: list[str], multiple: bool
) -> Poll:
    """Moderators open a live poll with 2–10 answers."""
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    question = (question or "").strip()
    labels = [o.strip() for o in options if o and o.strip()]
    if not question or len(question) > 300:
        raise DomainError(_("The poll needs a question."), code="invalid_poll")
    if not 2 <= len(labels) <= 10 or any(len(label) > 200 for label in labels):
        raise DomainError(
            _("A poll has between 2 and 10 answers."), code="invalid_poll"
        )
    with transaction.atomic():
        poll = Poll.objects.create(
            webinar=webinar, question=question, multiple=multiple, created_by=user
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label=label, position=i)
            for i, label in enumerate(labels)
        )
        _record(webinar.pk, "poll.updated", poll_state(poll))
    return poll


def _poll_of(*, webinar: WebinarPage, poll_id) -> Poll:
    pk = _as_id(poll_id)
    if pk is None:
        raise NotFound(_("No such poll."), code="poll_not_found")
    poll = Poll.objects.filter(pk=pk, webinar=webinar).first()
    if poll is None:
        raise NotFound(_("No such poll."), code="poll_not_found")
    return poll


def poll_close(*, webinar: WebinarPage, user, poll_id) -> Poll:
    """Moderators close a poll; its results stay visible."""
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    with transaction.atomic():
        poll = _poll_of(webinar=webinar, poll_id=poll_id)
        poll.state = Poll.State.CLOSED
        poll.save(update_fields=["state"])
        _record(webinar.pk, "poll.updated", poll_state(poll))
    return poll


def poll_vote(*, webinar: WebinarPage, user, poll_id, option_ids: list) -> Poll:
    """A registered attendee answers an open poll; answering again replaces it."""
    _require_registered(webinar=webinar, user=user)
    with transaction.atomic():
        poll = _poll_of(webinar=webinar, poll_id=poll_id)
        if poll.state != Poll.State.OPEN:
            raise Conflict(_("This poll is closed."), code="poll_closed")
        try:
            wanted = {int(o) for o in option_ids}
        except (TypeError, ValueError):
            raise DomainError(_("Choose an answer."), code="invalid_choice") from None
        valid = set(poll.options.values_list("pk", flat=True))
        if not wanted or not wanted <= valid or (len(wanted) > 1 and not poll.multiple):
            raise DomainError(_("Choose an answer."), code="invalid_choice")
        _limit_vote(webinar=webinar, user=user)
        PollVote.objects.filter(poll=poll, user=user).delete()
        PollVote.objects.bulk_create(
            PollVote(poll=poll, option_id=pk, user=user) for pk in sorted(wanted)
        )
        _record(webinar.pk, "poll.updated", poll_state(poll), coalesce=False)
    return poll


# --- presence -------------------------------------------------------------------


def presence_join(*, webinar: WebinarPage, user) -> Presence | None:
    """A registered attendee's connection opens; others are not counted."""
    if not user_is_registered(webinar=webinar, user=user):
        return None
    presence = Presence.objects.create(webinar=webinar, user=user)
    transaction.on_commit(lambda: _broadcast_attendees(webinar))
    return presence


def presence_heartbeat(*, presence_id: int) -> None:
    """The connection is still open (covers connections that drop silently)."""
    presence_heartbeat_many(presence_ids=[presence_id])


def presence_heartbeat_many(*, presence_ids: Sequence[int]) -> None:
    """Every open connection of a room beats at once: one update per 500."""
    now = timezone.now()
    for ids in _chunks(presence_ids):
        Presence.objects.filter(pk__in=ids, left_at__isnull=True).update(
            last_seen_at=now
        )


def presence_leave(*, presence_id: int) -> None:
    """The connection closed: its time counts, and attendance is reported."""
    now = timezone.now()
    presence = Presence.objects.select_related("webinar").filter(pk=presence_id).first()
    if presence is None or presence.left_at is not None:
        return
    Presence.objects.filter(pk=presence_id).update(left_at=now, last_seen_at=now)
    webinar = presence.webinar
    presence_report_attendance(webinar=webinar, user=presence.user)
    transaction.on_commit(lambda: _broadcast_attendees(webinar))


def presence_report_attendance(*, webinar: WebinarPage, user) -> None:
    """Minutes attended become attendance of the linked programme session.

    Courses decides present/absent from its own minimum and never overrides
    a trainer's mark; reporting again just updates the minutes.
    """
    if webinar.programme_session_id is None:
        return
    from courses.services import attendance_record_presence

    attendance_record_presence(
        session=webinar.programme_session,
        user=user,
        minutes=presence_minutes(webinar=webinar, user=user),
    )


# --- revocation of open sockets (RELIABILITY 38) --------------------------------

# Close codes of the Q&A socket (documented in the README's webinars section).
CLOSE_SIGNED_OUT = 4401  # not signed in, or the session/token/account ended
CLOSE_NO_ACCESS = 4403  # may not read this webinar (any more)
CLOSE_NOT_FOUND = 4404


def session_fingerprint(session_key: str | None) -> str | None:
    """Names a session in control messages without carrying its key."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def _session_still_valid(session_key: str, user_id: int) -> bool:
    """The session exists and still signs in this user (password unchanged)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = session_user(SimpleNamespace(session=store))
    return bool(user.is_authenticated and user.pk == user_id)


@dataclass(frozen=True)
class SocketCredentials:
    """What opened a Q&A socket, to check again later."""

    user_id: int
    session_key: str | None
    token_key: str | None
    attendee: bool  # opened as a registered attendee (not as a moderator)


def socket_access_check(
    *,
    webinar_id: int,
    user_id: int,
    session_key: str | None,
    token_key: str | None,
    attendee: bool,
) -> int | None:
    """Whether an open Q&A socket may go on: None, or the code to close it with."""
    return socket_access_check_many(
        webinar_id=webinar_id,
        sockets=[SocketCredentials(user_id, session_key, token_key, attendee)],
    )[0]


def _chunks(values, size: int = 500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def socket_access_check_many(
    *, webinar_id: int, sockets: Sequence[SocketCredentials]
) -> list[int | None]:
    """``socket_access_check`` for every socket of a webinar room at once.

    Re-runs what each handshake decided: the account is active, the session
    (or API token) that opened the socket is still valid — not logged out, not
    invalidated by a password change — and the person may still read the
    webinar. A socket opened as a registered attendee also needs the
    registration still (or the moderator role). A room of a thousand API
    sockets costs a handful of queries, not thousands; sessions are read
    one by one from the session store.
    """
    from lms.models import ApiToken, hash_token

    active = set()
    for ids in _chunks({s.user_id for s in sockets}):
        active.update(
            get_user_model()
            .objects.filter(pk__in=ids, is_active=True)
            .values_list("pk", flat=True)
        )
    hashes = {
        hash_token(s.token_key): s.token_key
        for s in sockets
        if s.session_key is None and s.token_key
    }
    token_owner = {}
    for chunk in _chunks(hashes):
        for key_hash, owner in ApiToken.objects.filter(
            key_hash__in=chunk, user__is_active=True
        ).values_list("key_hash", "user_id"):
            token_owner[hashes[key_hash]] = owner
    webinar = WebinarPage.objects.filter(pk=webinar_id).first()
    public = webinar is not None and webinar_is_public(webinar=webinar)
    registered = set()
    if webinar is not None:
        attendees = {s.user_id for s in sockets if s.attendee and s.user_id in active}
        for ids in _chunks(attendees):
            registered.update(
                Registration.objects.filter(
                    webinar=webinar, user_id__in=ids
                ).values_list("user_id", flat=True)
            )
    moderators: dict[int, bool] = {}

    def moderates(user_id: int) -> bool:
        if user_id not in moderators:
            user = get_user_model().objects.filter(pk=user_id).first()
            moderators[user_id] = user_can_moderate(webinar=webinar, user=user)
        return moderators[user_id]

    codes: list[int | None] = []
    for socket in sockets:
        if socket.user_id not in active:
            codes.append(CLOSE_SIGNED_OUT)
        elif socket.session_key is not None:
            if not _session_still_valid(socket.session_key, socket.user_id):
                codes.append(CLOSE_SIGNED_OUT)
                continue
            codes.append(None)
        elif token_owner.get(socket.token_key) != socket.user_id:
            codes.append(CLOSE_SIGNED_OUT)
        else:
            codes.append(None)
        if codes[-1] is not None:
            continue
        if webinar is None:
            codes[-1] = CLOSE_NOT_FOUND
        elif not public and not moderates(socket.user_id):
            codes[-1] = CLOSE_NO_ACCESS
        elif (
            socket.attendee
            and socket.user_id not in registered
            and not moderates(socket.user_id)
        ):
            codes[-1] = CLOSE_NO_ACCESS
    return codes


def sockets_revoke(
    *, user_id: int, reason: str, session_key: str | None = None
) -> None:
    """Close a person's open Q&A sockets now (log-out, deactivation).

    With ``session_key``, only the sockets opened by that session (logging
    out on one device leaves the others open). Sent after commit.
    """
    message = {
        "type": "session.revoked",
        "reason": reason,
        "session": session_fingerprint(session_key),
    }
    transaction.on_commit(lambda: realtime.notify_user_sockets(user_id, message))


def sockets_recheck(*, user_id: int, webinar_id: int | None = None) -> None:
    """Ask a person's open Q&A sockets to re-check their access now.

    For changes that may or may not end access (a registration removed, a
    group membership or a token gone, a password changed): each socket runs
    ``socket_access_check`` and closes itself only if it fails.
    """
    message = {"type": "access.recheck", "webinar": webinar_id}
    transaction.on_commit(lambda: realtime.notify_user_sockets(user_id, message))
