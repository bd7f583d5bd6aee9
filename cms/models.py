"""Site pages: home, offices, standard pages; site settings; partners."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock

OFFICE_KINDS = [
    ("secretariat", _("Secretariat")),
    ("asia", _("Asia Regional Office")),
    ("eurasia", _("Eurasia Regional Office")),
    ("africa", _("Africa Regional Office")),
    ("mediterranean", _("Mediterranean Regional Office")),
    ("latin_america", _("Latin America Regional Office")),
]


class HomePage(Page):
    """The front page. Higher apps add sections through the ``home_sections`` hook."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    membership_text = RichTextField(
        _("how to become a member"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("membership_text"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["offices"] = RegionalOfficePage.objects.live().public().order_by("path")
        context["home_sections"] = [
            section
            for fn in hooks.get_hooks("home_sections")
            if (section := fn(request, self)) is not None
        ]
        return context


class OfficeIndexPage(Page):
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RegionalOfficePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("office index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["offices"] = RegionalOfficePage.objects.child_of(self).live().public()
        return context


class RegionalOfficePage(Page):
    """One WeGO office; its programmes, webinars and news live under it.

    Keeping them under the office lets Wagtail's tree permissions give each
    office's editors rights on their own subtree only.
    """

    office_kind = models.CharField(
        _("office"), max_length=32, choices=OFFICE_KINDS, unique=True
    )
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100)
    host_organisation = models.CharField(
        _("host organisation"), max_length=200, blank=True
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("office_kind"),
                FieldPanel("city"),
                FieldPanel("country"),
                FieldPanel("host_organisation"),
                FieldPanel("opened_on"),
            ],
            heading=_("Office"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("email"), FieldPanel("phone")],
            heading=_("Contact"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("city"),
        index.SearchField("body"),
    ]
    api_fields = ["office_kind", "city", "country", "summary"]

    parent_page_types = ["cms.OfficeIndexPage"]

    class Meta:
        verbose_name = _("regional office page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["office_sections"] = [
            section
            for fn in hooks.get_hooks("office_sections")
            if (section := fn(request, self)) is not None
        ]
        return context


class StandardPage(Page):
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = ["summary", "body"]

    class Meta:
        verbose_name = _("standard page")


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


class PartnerKind(models.TextChoices):
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    INTERNATIONAL_ORGANISATION = (
        "international_organisation",
        _("International organisation"),
    )
    TRAINING_CENTRE = "training_centre", _("Training centre")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Partner(index.Indexed, models.Model):
    """An organisation WeGO runs programmes with (NIA, ADB, the World Bank …)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=PartnerKind.choices, default=PartnerKind.OTHER
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldPanel("logo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.short_name or self.name
