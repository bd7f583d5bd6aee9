"""Remote technical support after a training: the slots and their bookings."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from ..pages import ProgrammePage, validate_timezone
from .enrolment import Enrolment


class SupportSlot(models.Model):
    """Remote technical support after a training, bookable by its participants."""

    programme = models.ForeignKey(
        ProgrammePage,
        on_delete=models.CASCADE,
        related_name="support_slots",
        verbose_name=_("programme"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_timezone],
        help_text=_("Shown with the time, e.g. Asia/Seoul."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )
    video_link = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("Shown only to the people who booked the slot."),
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("timezone"), FieldPanel("capacity")]),
        FieldPanel("video_link"),
        FieldPanel("host"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("technical-support slot")
        verbose_name_plural = _("technical-support slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="support_slot_ends_after_start",
            ),
            # The same slot published twice is one slot (more places go in
            # ``capacity``); the service answers 409 before this is reached.
            models.UniqueConstraint(
                fields=["programme", "starts_at", "ends_at"],
                name="one_support_slot_per_programme_and_time",
            ),
        ]

    def __str__(self) -> str:
        from lms.timefmt import format_instant

        return (
            f"{self.programme.title}: {format_instant(self.starts_at, self.zoneinfo)}"
        )

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A slot ends after it starts.")})


class SupportBookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class SupportBooking(models.Model):
    """A confirmed participant's booking of one support slot."""

    slot = models.ForeignKey(
        SupportSlot,
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("slot"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="support_bookings",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SupportBookingStatus.choices,
        default=SupportBookingStatus.BOOKED,
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation sent at"), null=True, blank=True
    )

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("technical-support booking")
        verbose_name_plural = _("technical-support bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "enrolment"],
                condition=Q(status="booked"),
                name="one_active_booking_per_slot_and_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user} @ {self.slot}"
