"""Participants' city presentations, shared with their cohort."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lms.errors import DomainError, PermissionDenied

from ..models import Enrolment, EnrolmentStatus, ParticipantPresentation, SessionKind
from .answers import check_pdf

PRESENTATION_MAX_BYTES = 10 * 1024 * 1024


def presentation_upload(
    *, enrolment: Enrolment, user, title: str, file
) -> ParticipantPresentation:
    """A confirmed participant shares their city's slides (PDF ≤ 10 MB).

    Only where the timetable has a participant-presentation session; a new
    upload replaces the previous one.
    """
    if enrolment.user_id != user.pk:
        raise PermissionDenied(_("You can only upload your own presentation."))
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        raise PermissionDenied(
            _("Only confirmed participants can share a presentation."),
            code="not_confirmed",
        )
    if not enrolment.programme.sessions.filter(
        kind=SessionKind.PARTICIPANT_PRESENTATION
    ).exists():
        raise DomainError(
            _("This programme has no participant presentations."),
            code="no_presentations",
        )
    title = (title or "").strip()[:200]
    if not title:
        raise DomainError(_("Give your presentation a title."), code="invalid")
    check_pdf(file, max_bytes=PRESENTATION_MAX_BYTES)
    with transaction.atomic():
        presentation = ParticipantPresentation.objects.filter(
            enrolment=enrolment
        ).first() or ParticipantPresentation(enrolment=enrolment)
        old = presentation.file.name if presentation.pk else None
        presentation.title = title
        presentation.file.save("slides.pdf", file, save=False)
        presentation.save()
        if old and old != presentation.file.name:
            storage = presentation.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    return presentation
