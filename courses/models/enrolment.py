"""Applications to a programme and their life: delegations, enrolments, the
audit trail and the seat offers made from the waitlist.

The rules that change them live in ``courses.services``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..pages import ProgrammePage


class EnrolmentStatus(models.TextChoices):
    PENDING_ENDORSEMENT = "pending_endorsement", _("Waiting for endorsement")
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Seat offered")
    REJECTED = "rejected", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def letter_upload_to(instance, filename: str) -> str:
    return f"courses/letters/{uuid.uuid4().hex}.pdf"


class EnrolmentGroup(models.Model):
    """A city delegation: officials of one organisation who applied together.

    Its members are seated together or wait together; the waitlist never
    splits them (see ``courses.services.waitlist``).
    """

    programme = models.ForeignKey(
        ProgrammePage,
        on_delete=models.CASCADE,
        related_name="enrolment_groups",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return _("Delegation %(id)s to %(programme)s") % {
            "id": self.pk,
            "programme": self.programme.title,
        }


class Enrolment(models.Model):
    """One person's application to one programme, through its whole life."""

    HOLDS_SEAT = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.OFFERED)
    INACTIVE = (EnrolmentStatus.REJECTED, EnrolmentStatus.WITHDRAWN)

    programme = models.ForeignKey(
        ProgrammePage,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("organisation"),
        help_text=_("The participant's organisation when they applied."),
    )
    organisation_name = models.CharField(
        _("organisation name"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=32, choices=EnrolmentStatus.choices
    )
    waitlist_position = models.PositiveIntegerField(
        _("waitlist position"), null=True, blank=True
    )
    group = models.ForeignKey(
        EnrolmentGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("delegation"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    letter_of_intent = models.FileField(
        _("letter of intent"), upload_to=letter_upload_to, blank=True
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    endorsement_requested_at = models.DateTimeField(
        _("endorsement requested at"), null=True, blank=True
    )
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    endorsed_by_email = models.EmailField(_("endorsed by"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion confirmed by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="unique_enrolment_per_programme"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status=EnrolmentStatus.WAITLISTED,
                        waitlist_position__isnull=False,
                    )
                    | (
                        ~Q(status=EnrolmentStatus.WAITLISTED)
                        & Q(waitlist_position__isnull=True)
                    )
                ),
                name="waitlist_position_only_when_waitlisted",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.programme.title}"

    @property
    def is_active(self) -> bool:
        return self.status not in self.INACTIVE

    @property
    def nominated(self) -> bool:
        """Put forward by their organisation's focal point (not applied for)."""
        group = self.group if self.group_id else None
        creator = group.created_by if group is not None else None
        return bool(
            creator is not None
            and creator.pk != self.user_id
            and self.endorsed_by_email
            and creator.email.lower() == self.endorsed_by_email.lower()
        )

    @property
    def answer_rows(self) -> list[tuple[str, str, str]]:
        """(key, heading, answer) for the programme's questions, as read."""
        from ..services.answers import answer_rows

        return answer_rows(self.programme, self.answers)


class EnrolmentEvent(models.Model):
    """Audit trail: every status change, who made it, when and why."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=32, choices=EnrolmentStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=32, choices=EnrolmentStatus.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    notified_at = models.DateTimeField(
        _("participant notified at"), null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class WaitlistOffer(models.Model):
    """A freed seat offered to a waitlisted participant, until a deadline."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="offers"
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=OfferState.choices,
        default=OfferState.OFFERED,
    )
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-pk"]
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(state="offered"),
                name="one_open_offer_per_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} ({self.get_state_display()})"
