"""Attendance marks, presence from webinars, and trainer-confirmed completion."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied

from ..models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    ProgrammePage,
    Session,
)
from ..selectors import completion_status, user_can_train

security_log = logging.getLogger("security")


def _require_trainer(actor, programme: ProgrammePage, what: str) -> None:
    if not user_can_train(user=actor, programme=programme):
        security_log.warning(
            "%s refused: user=%s programme=%s at=%s",
            what,
            getattr(actor, "pk", None),
            programme.pk,
            timezone.now().isoformat(),
        )
        raise PermissionDenied(
            _("Only this programme's trainers and the Secretariat can do this.")
        )


def _check_mark(session: Session, enrolment: Enrolment, status: str) -> None:
    if session.programme_id != enrolment.programme_id:
        raise DomainError(
            _("That session belongs to another programme."),
            code="wrong_programme",
        )
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        raise Conflict(
            _("Attendance is only kept for confirmed participants."),
            code="not_confirmed",
        )
    if status not in AttendanceStatus.values:
        raise DomainError(
            _("Status must be present, absent or excused."), code="invalid_status"
        )


def _upsert(session, enrolment, *, status, actor, minutes, source) -> Attendance:
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        enrolment=enrolment,
        defaults={
            "status": status,
            "minutes": minutes,
            "source": source,
            "marked_by": actor,
            "marked_at": timezone.now(),
        },
    )
    return attendance


def _attendance_changed(programme_id: int) -> None:
    """Participants see their own attendance on the programme page, whose
    personal parts are kept under the programme's state version: one bump
    per change, however many marks it wrote."""


def attendance_mark(
    *,
    session: Session,
    enrolment: Enrolment,
    status: str,
    actor,
    minutes: int | None = None,
    source: str = AttendanceSource.TRAINER,
) -> Attendance:
    """A trainer records one participant's attendance at one session (upsert).

    Only the programme's trainers and the Secretariat; only confirmed
    participants; only sessions of the same programme.
    """
    _require_trainer(actor, enrolment.programme, "attendance")
    _check_mark(session, enrolment, status)
    with transaction.atomic():
        attendance = _upsert(
            session,
            enrolment,
            status=status,
            actor=actor,
            minutes=minutes,
            source=source,
        )
        _attendance_changed(enrolment.programme_id)
    return attendance


def attendance_bulk_upsert(*, programme: ProgrammePage, actor, rows: list[dict]):
    """Many marks at once, all or nothing; each row names session and participant.

    Rows are ``{"session": id, "participant": user id, "status": …}``. Every
    row is checked before anything is written, so a bad row leaves no half
    update. Only the given cells change: other trainers' marks are kept.
    """
    _require_trainer(actor, programme, "attendance")
    sessions = {s.pk: s for s in programme.sessions.all()}
    user_ids = {row.get("participant") for row in rows}
    enrolments = {
        e.user_id: e for e in programme.enrolments.filter(user_id__in=user_ids)
    }
    errors = []
    checked = []
    for index, row in enumerate(rows):
        session = sessions.get(row.get("session"))
        enrolment = enrolments.get(row.get("participant"))
        if session is None:
            errors.append(
                {"row": index, "detail": _("No such session in this programme.")}
            )
            continue
        if enrolment is None:
            errors.append(
                {"row": index, "detail": _("Not enrolled in this programme.")}
            )
            continue
        try:
            _check_mark(session, enrolment, row.get("status"))
        except DomainError as exc:
            errors.append({"row": index, "detail": exc.message})
            continue
        checked.append((session, enrolment, row["status"], row.get("minutes")))
    if errors:
        raise DomainError(
            _("Some rows were not valid; nothing was saved."),
            code="invalid_rows",
            errors=errors,
        )
    # One INSERT … ON CONFLICT DO UPDATE for the whole batch (it was an
    # update_or_create per row: a savepoint, a locking read and a write each,
    # over 4 s for 1,000 rows on PostgreSQL). A cell named twice keeps its
    # last row, as row-by-row writing did; PostgreSQL refuses to touch one
    # row twice in a statement, so each cell goes in once.
    now = timezone.now()
    cells: dict[tuple[int, int], Attendance] = {}
    for session, enrolment, status, minutes in checked:
        cells[(session.pk, enrolment.pk)] = Attendance(
            session=session,
            enrolment=enrolment,
            status=status,
            minutes=minutes,
            source=AttendanceSource.TRAINER,
            marked_by=actor,
            marked_at=now,
        )
    with transaction.atomic():
        Attendance.objects.bulk_create(
            list(cells.values()),
            update_conflicts=True,
            unique_fields=["session", "enrolment"],
            update_fields=["status", "minutes", "source", "marked_by", "marked_at"],
        )
        if cells:
            _attendance_changed(programme.pk)
    return [cells[(s.pk, e.pk)] for s, e, _status, _minutes in checked]


def attendance_record_presence(*, session: Session, user, minutes: int):
    """Webinar presence becomes attendance, unless a trainer already decided.

    Present when the minutes reach the programme's webinar minimum, absent
    otherwise. People without a confirmed enrolment are ignored.
    """
    programme = ProgrammePage.objects.get(pk=session.programme_id)
    enrolment = Enrolment.objects.filter(
        programme=programme, user=user, status=EnrolmentStatus.CONFIRMED
    ).first()
    if enrolment is None:
        return None
    status = (
        AttendanceStatus.PRESENT
        if minutes >= programme.completion_min_webinar_minutes
        else AttendanceStatus.ABSENT
    )
    with transaction.atomic():
        existing = (
            Attendance.objects.select_for_update()
            .filter(session=session, enrolment=enrolment)
            .first()
        )
        if (
            existing is not None
            and existing.source != AttendanceSource.WEBINAR_PRESENCE
        ):
            return existing
        attendance = _upsert(
            session,
            enrolment,
            status=status,
            actor=None,
            minutes=minutes,
            source=AttendanceSource.WEBINAR_PRESENCE,
        )
        _attendance_changed(programme.pk)
    return attendance


def completion_confirm(*, enrolment: Enrolment, actor) -> Enrolment:
    """A trainer confirms completion; refused while the rule is not met.

    Certificates are issued from this record only, so it must never exist for
    someone who did not attend enough (the rule is checked server-side).
    """
    _require_trainer(actor, enrolment.programme, "completion")
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.completed_at:
            return enrolment
        status = completion_status(enrolment=enrolment)
        if not status.eligible:
            raise Conflict(
                _("The completion rule is not met: %(reason)s.")
                % {"reason": status.reason},
                code="completion_rule_not_met",
            )
        enrolment.completed_at = timezone.now()
        enrolment.completed_by = actor
        enrolment.save(update_fields=["completed_at", "completed_by"])
        EnrolmentEvent.objects.create(
            enrolment=enrolment,
            from_status=enrolment.status,
            to_status=enrolment.status,
            actor=actor,
            reason=_("completion confirmed: %(reason)s") % {"reason": status.reason},
            notified_at=timezone.now(),
        )
    return enrolment


def completion_revoke(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """Undo a completion confirmed by mistake, recording who and why."""
    _require_trainer(actor, enrolment.programme, "completion")
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if not enrolment.completed_at:
            raise NotFound(_("This participant has no confirmed completion."))
        enrolment.completed_at = None
        enrolment.completed_by = None
        enrolment.save(update_fields=["completed_at", "completed_by"])
        EnrolmentEvent.objects.create(
            enrolment=enrolment,
            from_status=enrolment.status,
            to_status=enrolment.status,
            actor=actor,
            reason=(_("completion revoked: %(reason)s") % {"reason": reason})[:500],
            notified_at=timezone.now(),
        )
    return enrolment
