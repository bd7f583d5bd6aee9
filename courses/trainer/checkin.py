"""Self check-in for in-person sessions with a short-lived code.

The code is derived statelessly: HMAC-SHA256 of the session id and the current
ten-minute window under ``SECRET_KEY``. Nothing is stored, so every web worker
agrees on the code, and the previous window's code is still accepted so that a
participant who reads it just before it rotates is not refused (PITFALLS 10).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, PermissionDenied

from ..models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    ProgrammeFormat,
    Session,
    SessionKind,
)

security_log = logging.getLogger("security")

WINDOW_SECONDS = 600
CODE_LENGTH = 6
# No 0/O, 1/I: the code is read off a projector and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OPENS_BEFORE_START = timedelta(minutes=30)
MAX_WRONG_CODES = 10


def _window(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def _code_for_window(session_id: int, window: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"courses.checkin:{session_id}:{window}".encode(),
        hashlib.sha256,
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _i in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@dataclass(frozen=True)
class CheckinCode:
    code: str
    rotates_at: datetime
    valid_until: datetime


def checkin_code(*, session_id: int, at: datetime | None = None) -> CheckinCode:
    """The code a trainer shows now; it rotates every ten minutes.

    A shown code stays valid for one more window after it rotates, so it is
    accepted for between ten and twenty minutes.
    """
    at = at or timezone.now()
    window = _window(at)
    rotates_at = datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, tz=UTC)
    return CheckinCode(
        code=_code_for_window(session_id, window),
        rotates_at=rotates_at,
        valid_until=rotates_at + timedelta(seconds=WINDOW_SECONDS),
    )


def checkin_code_is_valid(
    *, session_id: int, code: str, at: datetime | None = None
) -> bool:
    """True for the current or the previous window's code, compared in constant time."""
    at = at or timezone.now()
    given = normalise_code(code)
    if len(given) != CODE_LENGTH:
        return False
    window = _window(at)
    ok = False
    for candidate in (window, window - 1):
        ok |= hmac.compare_digest(given, _code_for_window(session_id, candidate))
    return ok


def checkin_window(session: Session) -> tuple[datetime, datetime]:
    """Check-in opens 30 minutes before the start and closes at the end."""
    return session.starts_at - OPENS_BEFORE_START, session.ends_at


def checkin_is_open(session: Session, at: datetime | None = None) -> bool:
    at = at or timezone.now()
    opens, closes = checkin_window(session)
    return opens <= at <= closes


def session_is_in_person(session: Session) -> bool:
    """Webinars and online programmes record presence from the webinar instead."""
    return (
        session.kind != SessionKind.WEBINAR
        and session.programme.format != ProgrammeFormat.ONLINE
    )


def _refuse(user, session: Session, why: str) -> None:
    security_log.warning(
        "self check-in refused (%s): user=%s session=%s at=%s",
        why,
        getattr(user, "pk", None),
        session.pk,
        timezone.now().isoformat(),
    )


def checkin_record(
    *, session: Session, user, code: str, at: datetime | None = None
) -> Attendance:
    """A confirmed participant marks themselves present with the shown code.

    ``attendance_mark`` only accepts trainers, so this is the participant's own
    path: it checks the session is in person and open for check-in, the code,
    and the confirmed seat, then upserts a ``present`` mark with source
    ``self_check_in``. Checking in twice is harmless. Wrong codes are counted
    per person and session so the six characters cannot be guessed by trying.
    """
    at = at or timezone.now()
    if not session_is_in_person(session):
        raise DomainError(
            _("Self check-in is only for sessions held in person."),
            code="checkin_not_in_person",
        )
    if not checkin_is_open(session, at):
        _refuse(user, session, "closed")
        raise Conflict(
            _(
                "Check-in for this session is open from 30 minutes before it "
                "starts until it ends."
            ),
            code="checkin_closed",
        )
    enrolment = Enrolment.objects.filter(
        programme_id=session.programme_id, user=user
    ).first()
    if enrolment is None or enrolment.status != EnrolmentStatus.CONFIRMED:
        _refuse(user, session, "not confirmed")
        raise PermissionDenied(
            _("Only participants with a confirmed seat can check in."),
            code="not_confirmed",
        )
    attempts_key = f"courses:checkin:wrong:{session.pk}:{user.pk}"
    if cache.get(attempts_key, 0) >= MAX_WRONG_CODES:
        _refuse(user, session, "too many wrong codes")
        raise PermissionDenied(
            _("Too many wrong codes. Ask the trainer to mark you present."),
            code="checkin_locked",
        )
    if not checkin_code_is_valid(session_id=session.pk, code=code, at=at):
        try:
            cache.incr(attempts_key)
        except ValueError:
            cache.set(attempts_key, 1, timeout=2 * WINDOW_SECONDS)
        _refuse(user, session, "wrong or expired code")
        raise DomainError(
            _("This code is wrong or has expired. Type the code shown now."),
            code="checkin_code_invalid",
        )
    with transaction.atomic():
        existing = (
            Attendance.objects.select_for_update()
            .filter(session=session, enrolment=enrolment)
            .first()
        )
        if existing is not None and existing.status == AttendanceStatus.PRESENT:
            return existing
        attendance, _created = Attendance.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            defaults={
                "status": AttendanceStatus.PRESENT,
                "minutes": None,
                "source": AttendanceSource.SELF_CHECK_IN,
                "marked_by": user,
                "marked_at": timezone.now(),
            },
        )
        # The participant's programme page shows their attendance.
    return attendance
