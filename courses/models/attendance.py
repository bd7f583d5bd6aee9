"""Who attended which session, and the slides participants share with their cohort."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..pages import Session
from .enrolment import Enrolment


def presentation_upload_to(instance, filename: str) -> str:
    return f"courses/presentations/{uuid.uuid4().hex}.pdf"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceSource(models.TextChoices):
    TRAINER = "trainer", _("Trainer")
    SELF_CHECK_IN = "self_check_in", _("Self check-in")
    WEBINAR_PRESENCE = "webinar_presence", _("Webinar presence")


class Attendance(models.Model):
    """Whether a participant attended one session, and who said so."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AttendanceStatus.choices
    )
    minutes = models.PositiveIntegerField(_("minutes present"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=32,
        choices=AttendanceSource.choices,
        default=AttendanceSource.TRAINER,
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="unique_attendance_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user} @ {self.session}: {self.status}"


class ParticipantPresentation(models.Model):
    """A confirmed participant's city presentation, shared with the cohort."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="presentation"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("slides (PDF)"), upload_to=presentation_upload_to)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        ordering = ["enrolment__organisation_name"]
        verbose_name = _("participant presentation")
        verbose_name_plural = _("participant presentations")

    def __str__(self) -> str:
        return self.title
