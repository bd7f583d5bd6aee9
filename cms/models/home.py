"""The home page: intro, news, membership, and the sections higher apps add
through the ``home_sections`` hook."""

from typing import Any

from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from lms.i18n import LanguageKeepingPage

from ..blocks import BodyBlock
from ..routing import CachedViewRestrictions, route_cached
from .offices import RegionalOfficePage


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

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        """Where the path leads, remembered per content generation (``cms.routing``)."""
        return route_cached(self, request, path_components, self._route)

    def _route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
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

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """Everything below the header is the same for every visitor.

        It is rendered once per language and content generation and cached
        (``cms.services.fragment_get_or_build``), so a signed-in visitor costs
        a handful of queries however many programmes, webinars and news there
        are. ``home_sections`` hooks must therefore not depend on the visitor.
        """
        from ..services import shared_page_html

        context = super().get_context(request, *args, **kwargs)
        context["content_html"] = shared_page_html(
            request,
            "home",
            "cms/includes/home_content.html",
            lambda: self.listing_context(request),
            self.pk,
        )
        return context

    def listing_context(self, request: HttpRequest) -> dict:
        from ..selectors import news_latest

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
