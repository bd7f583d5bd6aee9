"""Site pages: home, news, offices, standard pages; site settings; partners."""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from lms.i18n import LanguageKeepingPage

from .blocks import BodyBlock
from .routing import CachedViewRestrictions, route_cached

OFFICE_KINDS = [
    ("secretariat", _("Secretariat")),
    ("asia", _("Asia Regional Office")),
    ("eurasia", _("Eurasia Regional Office")),
    ("africa", _("Africa Regional Office")),
    ("mediterranean", _("Mediterranean Regional Office")),
    ("latin_america", _("Latin America Regional Office")),
]


class HomePage(CachedViewRestrictions, LanguageKeepingPage, Page):
    """The front page. Higher apps add sections through the ``home_sections`` hook."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    membership_text = RichTextField(
        _("how to become a member"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
    )
    membership_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("membership page"),
        help_text=_("Optional page with the full membership information."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured_news = models.ForeignKey(
        "cms.NewsPage",
        verbose_name=_("featured news"),
        help_text=_("Shown first in the news section; the latest news follow."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    news_count = models.PositiveSmallIntegerField(
        _("number of news items"),
        default=3,
        help_text=_("How many news items the home page shows (0 hides the section)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("featured_news"), FieldPanel("news_count")],
            heading=_("News"),
        ),
        MultiFieldPanel(
            [FieldPanel("membership_text"), FieldPanel("membership_page")],
            heading=_("Membership"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Where the path leads, remembered per content generation (``cms.routing``)."""
        return route_cached(self, request, path_components, self._route)

    def _route(self, request, path_components):
        """A page not translated into this locale falls back to the English one."""
        try:
            return super().route(request, path_components)
        except Http404:
            default = Locale.get_default()
            if self.locale_id == default.id:
                raise
            fallback = self.get_translation_or_none(default)
            if fallback is None:
                raise
            return fallback.specific.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        """Everything below the header is the same for every visitor.

        It is rendered once per language and content generation and cached
        (``cms.services.fragment_get_or_build``), so a signed-in visitor costs
        a handful of queries however many programmes, webinars and news there
        are. ``home_sections`` hooks must therefore not depend on the visitor.
        """
        from .services import fragment_get_or_build

        context = super().get_context(request, *args, **kwargs)
        context["content_html"] = mark_safe(  # noqa: S308 - our own rendered template
            fragment_get_or_build(
                "home",
                (request.get_host(), self.pk),
                lambda: render_to_string(
                    "cms/includes/home_content.html",
                    self.listing_context(request),
                    request=request,
                ),
                request=request,
            )
        )
        return context

    def listing_context(self, request) -> dict:
        from .selectors import news_latest

        offices = (
            RegionalOfficePage.objects.live()
            .public()
            .filter(locale_id=Locale.get_default().id)
            .order_by("path")
        )
        return {
            "page": self,
            "offices": offices,
            "latest_news": news_latest(
                featured=self.featured_news, limit=self.news_count
            ),
            "home_sections": [
                section
                for fn in hooks.get_hooks("home_sections")
                if (section := fn(request, self)) is not None
            ],
        }


class OfficeIndexPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RegionalOfficePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("office index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from .selectors import offices_listed

        context["offices"] = offices_listed(self)
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

    def get_context(self, request, *args, **kwargs):
        from .selectors import news_for_office

        context = super().get_context(request, *args, **kwargs)
        context["office_news"] = news_for_office(office=self, limit=5)
        context["office_sections"] = [
            section
            for fn in hooks.get_hooks("office_sections")
            if (section := fn(request, self)) is not None
        ]
        return context


class StandardPage(CachedViewRestrictions, LanguageKeepingPage, Page):
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


NEWS_PER_PAGE = 10


class NewsIndexPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    """The news index (``/news/``) and, below it, one sub-index per office.

    Each office's news lives under its own sub-index (``/news/<office>/``) so
    that the office's editors group gets page permissions on that subtree only,
    exactly as for its programmes and webinars.
    """

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    office = models.ForeignKey(
        "cms.RegionalOfficePage",
        verbose_name=_("office"),
        help_text=_("Set on an office's own news section; empty on the main index."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_indexes",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("office")]
    parent_page_types = ["cms.HomePage", "cms.NewsIndexPage"]
    subpage_types = ["cms.NewsIndexPage", "cms.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        """The listing is the same for every visitor: cached per filters and
        page number (see ``HomePage.get_context``); "not found" listings are
        rendered every time and never stored."""
        from .services import fragment_get_or_build

        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "")[:100]
        office_slug = request.GET.get("office", "")[:100]
        number = request.GET.get("page", "1")[:20]
        not_found = {}

        def build():
            listing = self.listing_context(
                tag=tag, office_slug=office_slug, number=number
            )
            html = render_to_string(
                "cms/includes/news_index_content.html", listing, request=request
            )
            if listing["bad_page"] or listing["filters"].unknown:
                not_found["html"] = html
                return None
            return html

        html = fragment_get_or_build(
            "news-index",
            (request.get_host(), self.pk, tag, office_slug, number),
            build,
            request=request,
        )
        context["not_found"] = html is None
        context["content_html"] = mark_safe(  # noqa: S308 - our own rendered template
            not_found["html"] if html is None else html
        )
        return context

    def listing_context(self, *, tag: str, office_slug: str, number: str) -> dict:
        from .selectors import news_filter_options, news_list

        listing = news_list(index=self, tag=tag, office_slug=office_slug)
        paginator = Paginator(listing.pages, NEWS_PER_PAGE)
        try:
            page_obj = paginator.page(number)
        except (EmptyPage, PageNotAnInteger):
            page_obj = None
        return {
            "page": self,
            "news": page_obj.object_list if page_obj else [],
            "page_obj": page_obj,
            "filters": listing,
            "filter_options": news_filter_options(index=self),
            "bad_page": page_obj is None,
        }

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # An unknown page number or filter value is "not found", styled.
        if response.context_data.get("not_found"):
            response.status_code = 404
        return response


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    """One news item. Its office comes from the office sub-index it is filed in."""

    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.CharField(_("author"), max_length=100, blank=True)
    office = models.ForeignKey(
        "cms.RegionalOfficePage",
        verbose_name=_("office"),
        help_text=_("Filled in from the office news section the item is filed in."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news",
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for lists, search results and sharing."),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_alt = models.CharField(
        _("hero image text alternative"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(
        through=NewsPageTag, blank=True, verbose_name=_("tags")
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author"), FieldPanel("office")],
            heading=_("About this item"),
        ),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_alt")],
            heading=_("Hero image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("date"),
        APIField("author"),
        APIField("summary"),
        APIField("body"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def _section_office_id(self) -> int | None:
        if not self.path or self.depth is None or self.depth < 2:
            return None
        parent = NewsIndexPage.objects.filter(path=self.path[: -self.steplen]).first()
        return parent.office_id if parent else None

    def clean(self):
        super().clean()
        section_office = self._section_office_id()
        if section_office and self.office_id and self.office_id != section_office:
            raise ValidationError(
                {
                    "office": _(
                        "News filed in an office's section belongs to that office."
                    )
                }
            )

    def save(self, *args, **kwargs):
        # An office editor cannot file news as another office: the section decides.
        section_office = self._section_office_id()
        if section_office:
            self.office_id = section_office
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        """The article and its related news are the same for every visitor:
        cached (see ``HomePage.get_context``), previews excepted."""
        from .selectors import news_related
        from .services import fragment_get_or_build

        def build():
            context = {"page": self, "related_news": news_related(page=self, limit=3)}
            return {
                "content": render_to_string(
                    "cms/includes/news_page_content.html", context, request=request
                ),
                "meta": render_to_string(
                    "cms/includes/news_page_meta.html", context, request=request
                ),
            }

        context = super().get_context(request, *args, **kwargs)
        parts = fragment_get_or_build(
            "news-page",
            (request.scheme, request.get_host(), self.pk),
            build,
            request=request,
        )
        context["content_html"] = mark_safe(parts["content"])  # noqa: S308
        context["meta_html"] = mark_safe(parts["meta"])  # noqa: S308
        return context
