"""Bulk issuance jobs: the progress record of one programme's or webinar's run."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IssuanceJob(models.Model):
    """Progress of a bulk issuance for one programme or webinar (a progress bar)."""

    programme = models.ForeignKey(
        "courses.ProgrammePage",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificate_jobs",
    )
    webinar = models.ForeignKey(
        "webinars.WebinarPage",
        verbose_name=_("webinar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificate_jobs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    already_issued = models.PositiveIntegerField(
        _("already issued before the run"),
        default=0,
        help_text=_(
            "People who held a valid certificate when the run started: it "
            "counts them but issues nothing new to them."
        ),
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"),
        default=0,
        help_text=_("Deliveries of the job's task, counted by us, not the broker."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate issuance job")
        verbose_name_plural = _("certificate issuance jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(programme__isnull=False, webinar__isnull=True)
                | models.Q(programme__isnull=True, webinar__isnull=False),
                name="issuancejob_programme_xor_webinar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.state} {self.done}/{self.total}"

    @property
    def subject(self):
        """The programme or webinar page whose certificates the job issues."""
        return self.webinar if self.webinar_id else self.programme

    @property
    def subject_lookup(self) -> dict:
        """Filter arguments for the certificates of the job's programme or webinar."""
        if self.webinar_id:
            return {"webinar_id": self.webinar_id}
        return {"programme_id": self.programme_id}

    @property
    def issued_new(self) -> int:
        """Certificates this run created (the rest existed already or failed)."""
        return max(self.done - self.already_issued, 0)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == JobState.DONE else 0
        return min(100, round(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
