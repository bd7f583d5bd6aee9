"""Reads for the trainer tools: whose programmes, the grid, the figures."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC

from django.db.models import QuerySet
from django.utils import timezone

from lms.errors import NotFound, PermissionDenied

from ..models import EnrolmentStatus, ProgrammePage, Session
from ..selectors import (
    CompletionStatus,
    programme_roster,
    user_can_train,
    user_is_secretariat,
)
from ..services.answers import (
    DELIVERY_LOCATIONS,
    QUESTION_LABELS,
    QUESTIONS,
    answer_text,
    asked_questions,
)

security_log = logging.getLogger("security")

NOT_ENROLLED_YET = "not_enrolled_yet"


def log_denial(*, user, what: str, obj) -> None:
    """Every refusal goes to the ``security`` log with who, what and when (UTC)."""
    security_log.warning(
        "trainer tools refused: %s user=%s object=%s at=%s",
        what,
        getattr(user, "pk", None),
        obj,
        timezone.now().astimezone(UTC).isoformat(),
    )


def trainer_has_tools(*, user) -> bool:
    """Trainers of at least one programme and the Secretariat see the tools."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user_is_secretariat(user) or user.trained_programmes.exists()


def trainer_programmes(*, user) -> QuerySet[ProgrammePage]:
    """A trainer's own programmes; the Secretariat sees every programme.

    Newest first, so the running or next edition is at the top.
    """
    qs = ProgrammePage.objects.all()
    if not user_is_secretariat(user):
        qs = qs.filter(trainers=user)
    return qs.order_by("-starts_on", "title", "pk")


def trainer_programme_get(*, user, pk: int) -> ProgrammePage:
    """The programme if ``user`` may run it; 404 when absent, 403 otherwise."""
    programme = ProgrammePage.objects.filter(pk=pk).first()
    if programme is None:
        log_denial(user=user, what="unknown programme", obj=f"programme:{pk}")
        raise NotFound("no such programme")
    if not user_can_train(user=user, programme=programme):
        log_denial(user=user, what="not a trainer", obj=f"programme:{pk}")
        raise PermissionDenied("not a trainer of this programme")
    return programme


def trainer_session_get(*, user, pk: int) -> Session:
    """A session of a programme ``user`` may run; 404 when absent, 403 otherwise."""
    session = Session.objects.select_related("programme").filter(pk=pk).first()
    if session is None:
        log_denial(user=user, what="unknown session", obj=f"session:{pk}")
        raise NotFound("no such session")
    if not user_can_train(user=user, programme=session.programme):
        log_denial(user=user, what="not a trainer", obj=f"session:{pk}")
        raise PermissionDenied("not a trainer of this programme")
    return session


@dataclass
class GridCell:
    session: Session
    status: str  # "", present, absent, excused, or NOT_ENROLLED_YET
    source: str = ""

    @property
    def editable(self) -> bool:
        return self.status != NOT_ENROLLED_YET


@dataclass
class GridRow:
    enrolment: object
    completion: CompletionStatus
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class Grid:
    sessions: list[Session]
    rows: list[GridRow]
    roster: list  # every active enrolment with its completion


def attendance_grid(*, programme: ProgrammePage) -> Grid:
    """Confirmed participants × sessions, with each cell's current mark.

    A participant promoted from the waitlist was not enrolled for the sessions
    held before their confirmation: those cells read "not enrolled yet"
    (unless they were marked present anyway) and are not editable, so nobody
    marks them absent (PITFALLS 11).
    """
    sessions = sorted(programme.sessions.all(), key=lambda s: (s.starts_at, s.pk))
    roster = programme_roster(programme=programme)
    rows = []
    for enrolment, completion in roster:
        if enrolment.status != EnrolmentStatus.CONFIRMED:
            continue
        marks = {a.session_id: a for a in enrolment.attendance.all()}
        row = GridRow(enrolment=enrolment, completion=completion)
        for session in sessions:
            mark = marks.get(session.pk)
            if mark is not None:
                row.cells.append(GridCell(session, mark.status, mark.source))
            elif enrolment.confirmed_at and session.starts_at < enrolment.confirmed_at:
                row.cells.append(GridCell(session, NOT_ENROLLED_YET))
            else:
                row.cells.append(GridCell(session, ""))
        rows.append(row)
    return Grid(sessions=sessions, rows=rows, roster=roster)


@dataclass
class SessionFigure:
    session: Session
    present: int
    expected: int


@dataclass
class ProgrammeFigures:
    sessions: list[SessionFigure]
    confirmed: int
    eligible: int
    completed: int

    @property
    def completion_rate(self) -> float:
        return self.completed / self.confirmed if self.confirmed else 0.0


def programme_figures(*, grid: Grid) -> ProgrammeFigures:
    """Present per session (out of those enrolled by then) and completions."""
    figures = []
    for index, session in enumerate(grid.sessions):
        present = expected = 0
        for row in grid.rows:
            cell = row.cells[index]
            if cell.status == NOT_ENROLLED_YET:
                continue
            expected += 1
            present += cell.status == "present"
        figures.append(SessionFigure(session, present, expected))
    return ProgrammeFigures(
        sessions=figures,
        confirmed=len(grid.rows),
        eligible=sum(1 for row in grid.rows if row.completion.eligible),
        completed=sum(1 for row in grid.rows if row.enrolment.completed_at),
    )


@dataclass
class Applications:
    """What applicants answered, one row per active enrolment, for planning.

    ``keys``/``headings``: the programme's questions (and any question it no
    longer asks that someone answered), in the form's order. ``locations``:
    how many asked for each delivery location.
    """

    keys: list[str]
    headings: list[str]
    rows: list[tuple[object, list[str]]]
    locations: list[tuple[str, int]]

    @property
    def any(self) -> bool:
        return bool(self.keys) or any(e.letter_of_intent for e, _a in self.rows)


def application_answers(*, programme: ProgrammePage, roster: list) -> Applications:
    """The roster's application answers, read as people wrote them."""
    keys = asked_questions(programme)
    for enrolment, _completion in roster:
        keys += [k for k in enrolment.answers or {} if k in QUESTIONS and k not in keys]
    rows = [
        (
            enrolment,
            [answer_text(k, (enrolment.answers or {}).get(k)) for k in keys],
        )
        for enrolment, _completion in roster
    ]
    counts = dict.fromkeys(DELIVERY_LOCATIONS, 0)
    for enrolment, _completion in roster:
        location = (enrolment.answers or {}).get("delivery_location")
        if location in counts:
            counts[location] += 1
    locations = [
        (str(DELIVERY_LOCATIONS[key]), n)
        for key, n in counts.items()
        if "delivery_location" in keys
    ]
    return Applications(
        keys=keys,
        headings=[str(QUESTION_LABELS[k]) for k in keys],
        rows=rows,
        locations=locations,
    )
