"""The certificate: one person's, for one programme or webinar, frozen at issue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .templates import CertificateTemplate


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class CertificateKind(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    WEBINAR = "webinar", _("Webinar")


class Certificate(models.Model):
    """One person's certificate for one programme or webinar, frozen at issue."""

    code = models.CharField(
        _("verification code"), max_length=40, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    webinar = models.ForeignKey(
        "webinars.WebinarPage",
        verbose_name=_("webinar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    minutes_attended = models.PositiveIntegerField(
        _("minutes attended"),
        null=True,
        blank=True,
        help_text=_("For a webinar: the presence minutes that earned it."),
    )
    enrolment = models.OneToOneField(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificate",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    holder_name = models.CharField(_("holder name"), max_length=255)
    holder_email = models.EmailField(_("holder e-mail"), blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    organisation_country = models.CharField(_("country"), max_length=100, blank=True)
    programme_title = models.CharField(_("programme title"), max_length=255)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    office_name = models.CharField(_("office"), max_length=255, blank=True)
    trainer_names = models.CharField(_("trainers"), max_length=500, blank=True)
    partner_names = models.JSONField(
        _("co-organising partners"),
        default=list,
        blank=True,
        help_text=_(
            "The partners who co-organised the programme or the webinar series, "
            "as printed on the certificate."
        ),
    )
    language = models.CharField(
        _("second language"),
        max_length=8,
        blank=True,
        help_text=_(
            "Besides English, the holder's language (ko, ru, es, fr) or empty."
        ),
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField(
        _("PDF"), upload_to="certificates/pdf/", blank=True, max_length=255
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    revocation_emailed_at = models.DateTimeField(
        _("revocation e-mailed at"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    status_list_index = models.PositiveIntegerField(
        _("status list index"),
        unique=True,
        editable=False,
        help_text=_("This certificate's bit in the published revocation list."),
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=models.Q(programme__isnull=False),
                name="certificate_one_per_user_programme",
            ),
            models.UniqueConstraint(
                fields=["user", "webinar"],
                condition=models.Q(webinar__isnull=False),
                name="certificate_one_per_user_webinar",
            ),
            models.CheckConstraint(
                condition=models.Q(programme__isnull=False, webinar__isnull=True)
                | models.Q(programme__isnull=True, webinar__isnull=False),
                name="certificate_programme_xor_webinar",
            ),
            models.CheckConstraint(
                condition=models.Q(status="valid") | models.Q(revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name} · {self.programme_title}"

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED

    @property
    def dates_display(self) -> str:
        """The dates in English, as the certificate and its credential print them."""
        from lms.timefmt import format_date

        if self.starts_on and self.ends_on:
            return format_date(self.starts_on, end=self.ends_on, language="en")
        return format_date(self.starts_on or self.ends_on, language="en")

    @property
    def hours_display(self) -> str:
        if self.hours is None:
            return ""
        return f"{self.hours.normalize():f}"

    @property
    def kind(self) -> str:
        return CertificateKind.WEBINAR if self.webinar_id else CertificateKind.PROGRAMME

    @property
    def is_webinar(self) -> bool:
        return self.webinar_id is not None

    @property
    def achievement_key(self) -> str:
        if self.webinar_id:
            return f"webinar-{self.webinar_id}"
        return f"programme-{self.programme_id}" if self.programme_id else "other"

    @property
    def partners_display(self) -> str:
        """The co-organising partners on one line, joined by " · "."""
        names = self.partner_names if isinstance(self.partner_names, list) else []
        return " · ".join(str(name) for name in names if name)

    @property
    def default_paper(self) -> str:
        """``letter`` for holders in the Letter countries, else ``a4``."""
        from ..pdf_paper import paper_for

        return paper_for(self)

    def get_absolute_url(self) -> str:
        """The one shareable address (QR code, credential): unprefixed."""
        return f"/certificates/verify/{self.code}/"

    @property
    def verify_page_url(self) -> str:
        """The verify page in the active interface language (``/ko/…``), for
        links on the site; what is shared stays ``get_absolute_url``."""
        from django.urls import reverse

        return reverse("learner:verify", kwargs={"code": self.code})

    @property
    def pdf_url(self) -> str:
        return f"/certificates/{self.code}/certificate.pdf"

    @property
    def credential_url(self) -> str:
        return f"/certificates/{self.code}/credential.json"
