"""Changes made from the trainer tools, each cell through the courses services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lms.errors import DomainError, PermissionDenied

from ..models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    ProgrammePage,
)
from ..selectors import programme_roster, user_can_train
from ..services import attendance_mark, completion_confirm
from .selectors import log_denial


def _require_trainer(actor, programme: ProgrammePage, what: str) -> None:
    if not user_can_train(user=actor, programme=programme):
        log_denial(user=actor, what=what, obj=f"programme:{programme.pk}")
        raise PermissionDenied(
            _("Only this programme's trainers and the Secretariat can do this.")
        )


@dataclass(frozen=True)
class CellChange:
    session_id: int
    enrolment_id: int
    original: str  # what the trainer's page showed: "" when unmarked
    new: str


@dataclass
class GridSaveResult:
    saved: int = 0
    conflicts: list[CellChange] = field(default_factory=list)


def attendance_grid_save(
    *, programme: ProgrammePage, actor, changes: list[CellChange]
) -> GridSaveResult:
    """Write only the cells the trainer changed, without losing others' edits.

    A cell is written when its new value differs from the value the trainer's
    page showed. If the stored value changed in the meantime (another trainer
    or a self check-in), that cell is left alone and reported as a conflict
    rather than silently overwritten; every other cell is untouched. Each
    write goes through ``attendance_mark``, which checks the trainer, the
    programme and the confirmed seat. All or nothing: one refused cell saves
    none.
    """
    wanted = [
        c for c in changes if c.new and c.new != c.original
    ]  # "" never clears a mark: the services keep marks, they don't delete them
    _require_trainer(actor, programme, "attendance grid")
    result = GridSaveResult()
    if not wanted:
        return result
    for change in wanted:
        if change.new not in AttendanceStatus.values:
            raise DomainError(
                _("Status must be present, absent or excused."), code="invalid_status"
            )
    sessions = {s.pk: s for s in programme.sessions.all()}
    enrolments = {
        e.pk: e
        for e in programme.enrolments.filter(
            pk__in={c.enrolment_id for c in wanted}
        ).select_related("programme")
    }
    with transaction.atomic():
        # Lock the participants' rows first (in a fixed order, so two saves
        # cannot deadlock): two trainers saving the same participant at once
        # are serialised, and the second sees the first's marks as "stored".
        list(
            Enrolment.objects.select_for_update()
            .filter(pk__in=enrolments.keys())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        current = {
            (a.session_id, a.enrolment_id): a.status
            for a in Attendance.objects.select_for_update().filter(
                enrolment_id__in=enrolments.keys(), session_id__in=sessions.keys()
            )
        }
        for change in wanted:
            session = sessions.get(change.session_id)
            enrolment = enrolments.get(change.enrolment_id)
            if session is None or enrolment is None:
                raise DomainError(
                    _("That participant or session is not part of this programme."),
                    code="wrong_programme",
                )
            stored = current.get((session.pk, enrolment.pk), "")
            if stored == change.new:
                continue
            if stored != change.original:
                result.conflicts.append(change)
                continue
            attendance_mark(
                session=session, enrolment=enrolment, status=change.new, actor=actor
            )
            result.saved += 1
    return result


def completion_confirm_all(*, programme: ProgrammePage, actor) -> int:
    """Confirm completion for every confirmed participant who meets the rule.

    Those below the rule are skipped, not refused: the bulk action is "all who
    qualify". Each confirmation goes through ``completion_confirm``, which
    re-checks the rule and the trainer.
    """
    _require_trainer(actor, programme, "bulk completion")
    count = 0
    with transaction.atomic():
        for enrolment, status in programme_roster(programme=programme):
            if (
                enrolment.status == EnrolmentStatus.CONFIRMED
                and status.eligible
                and not enrolment.completed_at
            ):
                completion_confirm(enrolment=enrolment, actor=actor)
                count += 1
    return count
