"""The programme page, per request: what one visitor's page depends on."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import (
    Enrolment,
    EnrolmentStatus,
    ProgrammePage,
)
from .access import user_can_train
from .enrolments import enrolment_for
from .programmes import seats_left


@dataclass
class ProgrammeViewer:
    """What one visitor's programme page depends on, fetched once per request.

    The enrolment (with its offers), whether the visitor is a confirmed
    participant or may train, and the free seats are each looked up a single
    time and shared by the eligibility verdicts, the presentations and the
    support-slot sections.
    """

    enrolment: Enrolment | None = None
    can_train: bool = False
    seats_left: int | None = None

    @property
    def is_confirmed(self) -> bool:
        return (
            self.enrolment is not None
            and self.enrolment.status == EnrolmentStatus.CONFIRMED
        )


def programme_viewer(*, programme: ProgrammePage, user) -> ProgrammeViewer:
    """The per-request state of ``programme``'s page for ``user``.

    Sets ``programme.seats_taken_count`` so that every later seat computation
    of this request (the capacity rule, the facts list) reuses one count.
    """
    if programme.capacity is not None:
        programme.seats_taken_count = programme.seats_taken()
    viewer = ProgrammeViewer(seats_left=seats_left(programme))
    if user is None or not user.is_authenticated:
        return viewer
    viewer.enrolment = enrolment_for(programme=programme, user=user)
    if viewer.enrolment is not None:
        viewer.enrolment.programme = programme  # the page itself: no query
    viewer.can_train = user_can_train(user=user, programme=programme)
    return viewer


def cohort_presentations(*, programme: ProgrammePage) -> list:
    """The confirmed participants' slides (callers check who may see them)."""
    from ..models import ParticipantPresentation

    return list(
        ParticipantPresentation.objects.filter(
            enrolment__programme=programme,
            enrolment__status=EnrolmentStatus.CONFIRMED,
        ).select_related("enrolment__user")
    )
