"""The site's settings (name, tagline, logo, contact), one row per site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField(
        _("site name"), max_length=100, default="WeGO Learning"
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        default="Capacity building for smart sustainable cities",
        blank=True,
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(
        _("contact e-mail"), default="learning@wego.example"
    )
    contact_address = models.TextField(_("contact address"), blank=True)
    membership_url = models.URLField(_("membership information page"), blank=True)

    panels = [
        FieldPanel("site_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("contact_email"),
        FieldPanel("contact_address"),
        FieldPanel("membership_url"),
    ]

    class Meta:
        verbose_name = _("site settings")
