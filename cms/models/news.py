"""News: the index with its office sub-indexes, the items, their tags."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.i18n import LanguageKeepingPage

from ..blocks import BodyBlock
from ..routing import CachedViewRestrictions

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

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """The listing is the same for every visitor: cached per filters and
        page number (see ``HomePage.get_context``); "not found" listings are
        rendered every time and never stored."""
        from ..services import fragment_get_or_build

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
        from ..selectors import news_filter_options, news_list

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

    def serve(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> TemplateResponse:
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

    def clean(self) -> None:
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An office editor cannot file news as another office: the section decides.
        section_office = self._section_office_id()
        if section_office:
            self.office_id = section_office
        return super().save(*args, **kwargs)

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """The article and its related news are the same for every visitor:
        cached (see ``HomePage.get_context``), previews excepted."""
        from ..selectors import news_related
        from ..services import fragment_get_or_build

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
