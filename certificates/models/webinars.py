"""A webinar's certificate settings: its template and minimum presence."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .templates import CertificateTemplate


class WebinarCertificateSettings(models.Model):
    """A webinar's certificate of attendance: its template and minimum presence.

    Kept beside the webinar page (not on it) so publishing a page revision
    never touches it; a webinar without a row uses the defaults.
    """

    webinar = models.OneToOneField(
        "webinars.WebinarPage",
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="certificate_settings",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("certificate template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the default template, with wording for attendance."),
    )
    minimum_minutes = models.PositiveIntegerField(
        _("minimum presence (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "Minutes an attendee must have been connected to earn a certificate. "
            "Empty: half the webinar's scheduled duration."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("webinar certificate settings")
        verbose_name_plural = _("webinar certificate settings")

    def __str__(self) -> str:
        return str(self.webinar)
