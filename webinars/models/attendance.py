"""Who registered for a webinar, and when their connections were open."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .webinar import WebinarPage


class Registration(models.Model):
    """A person registered for a webinar: may post, vote and see the stream."""

    webinar = models.ForeignKey(
        WebinarPage,
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="webinar_registrations",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "user"], name="unique_webinar_registration"
            )
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user} → {self.webinar}"


class Presence(models.Model):
    """One connection of a registered attendee: joined, last heard from, left.

    A dropped connection never says goodbye; its ``last_seen_at`` (refreshed by
    heartbeats) then marks the end of the time attended.
    """

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="presences"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["webinar", "user"])]
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
