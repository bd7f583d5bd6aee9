"""The office index and one page per WeGO office; the image fields pages share."""

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.i18n import LanguageKeepingPage

from ..blocks import BodyBlock
from ..routing import CachedViewRestrictions

OFFICE_KINDS = [
    ("secretariat", _("Secretariat")),
    ("asia", _("Asia Regional Office")),
    ("eurasia", _("Eurasia Regional Office")),
    ("africa", _("Africa Regional Office")),
    ("mediterranean", _("Mediterranean Regional Office")),
    ("latin_america", _("Latin America Regional Office")),
]


class OfficeIndexPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RegionalOfficePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("office index")

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """The list of offices is the same for every visitor: cached per
        language and content generation (see ``HomePage.get_context``)."""
        from ..selectors import offices_listed
        from ..services import shared_page_html

        context = super().get_context(request, *args, **kwargs)
        context["content_html"] = shared_page_html(
            request,
            "office-index",
            "cms/includes/office_index_content.html",
            lambda: {"page": self, "offices": offices_listed(self)},
            self.pk,
        )
        return context


class PageImage(models.Model):
    """A picture for the page and its card, with its text alternative."""

    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on the page and on its card in lists (sized for phones)."),
    )
    image_alt = models.CharField(
        _("image text alternative"),
        max_length=250,
        blank=True,
        help_text=_(
            "Describe the image for people who cannot see it; leave empty if it is decoration."
        ),
    )

    class Meta:
        abstract = True


class RegionalOfficePage(PageImage, CachedViewRestrictions, LanguageKeepingPage, Page):
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
    requires_approval = models.BooleanField(
        _("editors need Secretariat approval"),
        default=True,
        help_text=_(
            "On: this office's editors submit pages and news for approval by the "
            "Secretariat. Off: they publish directly. Applied when this page is "
            "published."
        ),
    )

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
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("email"), FieldPanel("phone")],
            heading=_("Contact"),
        ),
    ]
    settings_panels = Page.settings_panels + [
        FieldPanel("requires_approval", permission="superuser"),
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

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """Everything below the header is the same for every visitor: the
        office, its programmes and webinars (``office_sections`` hooks, which
        must therefore not depend on the visitor), its news and its contact.
        Rendered once per language and content generation and cached (see
        ``HomePage.get_context``), previews excepted."""
        from ..services import shared_page_html

        context = super().get_context(request, *args, **kwargs)
        context["content_html"] = shared_page_html(
            request,
            "office-page",
            "cms/includes/regional_office_content.html",
            lambda: self.listing_context(request),
            self.pk,
        )
        return context

    def listing_context(self, request: HttpRequest) -> dict[str, Any]:
        """What the office page lists: its sections and its latest news."""
        from ..selectors import news_for_office

        return {
            "page": self,
            "office_news": news_for_office(office=self, limit=5),
            "office_sections": [
                section
                for fn in hooks.get_hooks("office_sections")
                if (section := fn(request, self)) is not None
            ],
        }
