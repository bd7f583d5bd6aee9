"""Certificate templates, certificates and bulk-issuance jobs.

A ``Certificate`` snapshots everything it states (holder, organisation,
programme, dates, hours, office) at issuance, so the verification page and the
signed credential say the same thing years later even if the programme page or
the person's profile change. A certificate is either of completion (a
programme) or of attendance (a webinar), never both; the database enforces one
certificate per person and programme, and one per person and webinar.
"""

import re
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin
from wagtail.search import index

PLACEHOLDERS = ("participant", "organisation", "programme", "dates", "hours", "office")
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("fr", "Français"),
]
DEFAULT_BODY = (
    "This is to certify that {participant} of {organisation} completed "
    "{programme}, held {dates} by {office}, a programme of {hours} hours."
)
# Webinars without a template of their own: the same placeholders, {programme}
# being the webinar's title and {hours} its scheduled length.
WEBINAR_DEFAULT_BODY = (
    "This is to certify that {participant} of {organisation} attended the "
    "webinar {programme}, held on {dates} by {office} ({hours} hours)."
)


def validate_placeholders(value: str) -> None:
    """Only the six known ``{placeholders}``; braces must pair up."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        raise ValidationError(
            _("Unbalanced braces: write {{ and }} for literal braces."),
            code="braces",
        ) from exc
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(names)s. Allowed: %(allowed)s."),
            code="unknown_placeholder",
            params={
                "names": ", ".join("{" + f + "}" for f in unknown),
                "allowed": ", ".join("{" + p + "}" for p in PLACEHOLDERS),
            },
        )
    if any(re.search(r"[!:\[\].]", f) for f in fields):
        raise ValidationError(_("Placeholders take no formatting."), code="format")


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", _("Portrait")
    LANDSCAPE = "landscape", _("Landscape")


class CertificateTemplate(PreviewableMixin, index.Indexed, models.Model):
    """How a certificate looks; edited as a Wagtail snippet with live preview."""

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("Printed as the certificate's heading, e.g. 'Certificate'."),
    )
    body = models.TextField(
        _("body"),
        default=DEFAULT_BODY,
        validators=[validate_placeholders],
        help_text=_(
            "Text with placeholders {participant} {organisation} {programme} "
            "{dates} {hours} {office}."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=LANGUAGES,
        default="en",
        help_text=_("The language the body is written in."),
    )
    orientation = models.CharField(
        _("orientation"),
        max_length=16,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signatory_1_name = models.CharField(_("name"), max_length=120, blank=True)
    signatory_1_title = models.CharField(_("title"), max_length=160, blank=True)
    signatory_1_signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signatory_2_name = models.CharField(_("name"), max_length=120, blank=True)
    signatory_2_title = models.CharField(_("title"), max_length=160, blank=True)
    signatory_2_signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signatory_3_name = models.CharField(_("name"), max_length=120, blank=True)
    signatory_3_title = models.CharField(_("title"), max_length=160, blank=True)
    signatory_3_signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_("Used for programmes that do not choose a template."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("language"),
        FieldPanel("orientation"),
        FieldPanel("logo"),
        FieldPanel("is_default"),
        *[
            MultiFieldPanel(
                [
                    FieldPanel(f"signatory_{i}_name"),
                    FieldPanel(f"signatory_{i}_title"),
                    FieldPanel(f"signatory_{i}_signature"),
                ],
                heading=_("Signatory %(number)s") % {"number": i},
            )
            for i in (1, 2, 3)
        ],
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def signatories(self) -> list[dict]:
        people = []
        for i in (1, 2, 3):
            name = getattr(self, f"signatory_{i}_name")
            if name:
                people.append(
                    {
                        "name": name,
                        "title": getattr(self, f"signatory_{i}_title"),
                        "signature": getattr(self, f"signatory_{i}_signature"),
                    }
                )
        return people

    def render_body(self, values: dict) -> str:
        return self.body.format_map({p: values.get(p, "") for p in PLACEHOLDERS})

    # Preview: the certificate as HTML with sample data (PreviewableMixin).
    def get_preview_template(self, request, mode_name):
        return "certificates/certificate_pdf.html"

    def get_preview_context(self, request, mode_name):
        from .pdf import certificate_context, sample_certificate

        return certificate_context(sample_certificate(template=self), preview=True)


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
