"""Certificate templates: how a certificate looks, with its placeholders."""

import re
import string

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
        from ..pdf import certificate_context, sample_certificate

        return certificate_context(sample_certificate(template=self), preview=True)
