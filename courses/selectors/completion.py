"""Completion: attendance counted against the programme's rule, the roster."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    ProgrammePage,
    Session,
)
from .access import user_can_train


@dataclass
class CompletionStatus:
    eligible: bool
    attended: int
    counted: int
    needed: int
    missing_required: list[str]
    reason: str


def _completion(
    enrolment: Enrolment, sessions: list[Session], marks: dict[int, Attendance]
) -> CompletionStatus:
    programme = enrolment.programme
    since = enrolment.confirmed_at
    applicable = []
    for session in sessions:
        mark = marks.get(session.pk)
        attended = mark is not None and mark.status == AttendanceStatus.PRESENT
        # Sessions held before a late (waitlist-promoted) participant was
        # confirmed never count against them, only for them.
        if since and session.starts_at < since and not attended:
            continue
        applicable.append((session, mark, attended))
    counted_sessions = [
        (s, m, a)
        for s, m, a in applicable
        if s.counts_toward_completion
        and not (m is not None and m.status == AttendanceStatus.EXCUSED)
    ]
    counted = len(counted_sessions)
    attended = sum(1 for _s, _m, a in counted_sessions if a)
    needed = math.ceil(counted * programme.completion_min_share / 100)
    missing = [s.title for s, _m, a in applicable if s.required and not a]
    # A required session not held yet is not "missed": people read the reason.
    now = timezone.now()
    missed = [
        s.title for s, _m, a in applicable if s.required and not a and s.ends_at <= now
    ]
    ahead = [
        s.title for s, _m, a in applicable if s.required and not a and s.ends_at > now
    ]
    parts = [
        ngettext(
            "attended %(attended)s of %(counted)s counted session; needs %(needed)s",
            "attended %(attended)s of %(counted)s counted sessions; needs %(needed)s",
            counted,
        )
        % {"attended": attended, "counted": counted, "needed": needed}
    ]
    if missed:
        parts.append(_("missed required: %(titles)s") % {"titles": ", ".join(missed)})
    if ahead:
        parts.append(
            _("required, still to come: %(titles)s") % {"titles": ", ".join(ahead)}
        )
    confirmed = enrolment.status == EnrolmentStatus.CONFIRMED
    if not confirmed:
        parts.append(_("the enrolment is not confirmed"))
    eligible = confirmed and counted > 0 and attended >= needed and not missing
    return CompletionStatus(
        eligible=eligible,
        attended=attended,
        counted=counted,
        needed=needed,
        missing_required=missing,
        reason="; ".join(parts),
    )


def completion_status(*, enrolment: Enrolment) -> CompletionStatus:
    """Whether the participant meets the programme's completion rule, and why.

    The rule: present at ``completion_min_share`` percent of the counted
    sessions (excused ones are left out), and at every required session.
    """
    sessions = list(enrolment.programme.sessions.all())
    marks = {a.session_id: a for a in enrolment.attendance.all()}
    return _completion(enrolment, sessions, marks)


def participant_completion(*, enrolment: Enrolment | None) -> CompletionStatus | None:
    """A participant's own completion, as their trainers see it, or None.

    Only for a confirmed seat in a programme with sessions that count (there
    is nothing to complete otherwise). Uses the sessions and marks prefetched
    by ``my_enrolments`` when present.
    """
    if enrolment is None or enrolment.status != EnrolmentStatus.CONFIRMED:
        return None
    programme = enrolment.programme
    sessions = getattr(programme, "every_session", None)
    if sessions is None:
        sessions = list(programme.sessions.all())
    status = _completion(
        enrolment, sessions, {a.session_id: a for a in enrolment.attendance.all()}
    )
    if not status.counted and not status.missing_required:
        return None
    return status


def programme_roster(
    *, programme: ProgrammePage
) -> list[tuple[Enrolment, CompletionStatus]]:
    """Every active enrolment with its attendance and completion, in 3 queries."""
    sessions = list(programme.sessions.all())
    enrolments = list(
        programme.enrolments.exclude(status__in=Enrolment.INACTIVE)
        .select_related("user", "organisation", "programme")
        .prefetch_related("attendance")
        .order_by("status", "waitlist_position", "user__last_name", "pk")
    )
    rows = []
    for enrolment in enrolments:
        marks = {a.session_id: a for a in enrolment.attendance.all()}
        rows.append((enrolment, _completion(enrolment, sessions, marks)))
    return rows


def completed_enrolments(*, programme: ProgrammePage) -> QuerySet[Enrolment]:
    """Enrolments whose completion a trainer confirmed: what certificates use."""
    return (
        programme.enrolments.filter(
            status=EnrolmentStatus.CONFIRMED, completed_at__isnull=False
        )
        .select_related("user", "organisation", "completed_by")
        .order_by("user__last_name", "pk")
    )


def presentations_visible_to(*, programme: ProgrammePage, user) -> list:
    """The cohort's slides, shown to confirmed participants and trainers only."""
    from ..models import ParticipantPresentation

    if not user or not user.is_authenticated:
        return []
    allowed = (
        user_can_train(user=user, programme=programme)
        or programme.enrolments.filter(
            user=user, status=EnrolmentStatus.CONFIRMED
        ).exists()
    )
    if not allowed:
        return []
    return list(
        ParticipantPresentation.objects.filter(
            enrolment__programme=programme,
            enrolment__status=EnrolmentStatus.CONFIRMED,
        ).select_related("enrolment__user")
    )
