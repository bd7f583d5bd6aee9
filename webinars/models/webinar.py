"""Webinar pages and their series.

A webinar is a Wagtail page under its office (so the office's editors publish
it); everything that happens *to* it during the live session is a plain model
pointing at it (``attendance``, ``questions``, ``polls``).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.routing import CachedViewRestrictions
from courses.rules import RuleBlocks
from lms.i18n import LanguageKeepingPage

# its end: people join early and speakers overrun.
LIVE_MARGIN = datetime.timedelta(minutes=15)
QUESTION_MAX_LENGTH = 500


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("%(value)s is not a known time zone (e.g. Europe/Ulyanovsk)."),
            params={"value": value},
        ) from exc


class Series(index.Indexed, models.Model):
    """A run of webinars under one name, often with a partner (e.g. "Smart Cities")."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    partner = models.ForeignKey(
        "cms.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webinar_series",
        help_text=_("The organisation the series is run with, if any."),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("partner"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("webinar series")
        verbose_name_plural = _("webinar series")

    def __str__(self) -> str:
        return self.name


class WebinarIndexPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    """``/webinars/``: live now, upcoming, and past webinars with recordings."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("webinar index")

    def get_context(self, request, *args, **kwargs):
        """Live now, upcoming and past are the same for every visitor: rendered
        once per host, language and page-cache generation, for at most
        ``PAGE_CACHE_SECONDS`` (which bounds how late "live now" may be, as for
        anonymous pages), previews excepted."""
        from cms.services import shared_page_html

        from ..selectors import webinar_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing_html"] = shared_page_html(
            request,
            "webinar-index",
            "webinars/includes/webinar_index_listing.html",
            webinar_listing,
            self.pk,
        )
        return context


class WebinarPage(CachedViewRestrictions, LanguageKeepingPage, RoutablePageMixin, Page):
    """One webinar, published by its office.

    Live (the stream link shows, Q&A is the main view) from 15 minutes before
    ``starts_at`` until 15 minutes after its end, or whenever an editor ticks
    "live now" (for a session that overruns or starts early).
    """

    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webinars",
    )
    speakers = models.TextField(
        _("speakers"), blank=True, help_text=_("One speaker per line, with role.")
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ul", "ol"]
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("The organisers' time zone; times are also shown in UTC."),
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("e.g. English, Russian")
    )
    stream_url = models.URLField(
        _("stream link"),
        blank=True,
        help_text=_("Shown only to registered attendees while the webinar is live."),
    )
    recording_url = models.URLField(
        _("recording link"), blank=True, help_text=_("Public, after the webinar.")
    )
    hosts = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hosts"),
        blank=True,
        related_name="hosted_webinars",
        help_text=_("People who moderate the Q&A besides the office's editors."),
    )
    live_now = models.BooleanField(
        _("live now"),
        default=False,
        help_text=_("Force the webinar live regardless of its scheduled time."),
    )
    premoderation = models.BooleanField(
        _("pre-moderation"),
        default=False,
        help_text=_("New questions wait for a moderator's approval."),
    )
    asking_open = models.BooleanField(
        _("asking open"), default=True, help_text=_("Attendees may ask questions.")
    )
    registration_rules = StreamField(
        RuleBlocks(),
        blank=True,
        verbose_name=_("registration rules"),
        help_text=_(
            "Leave empty for a webinar open to every signed-in person; otherwise "
            "the same rules as programmes (membership, skills, prerequisites)."
        ),
    )
    programme_session = models.ForeignKey(
        "courses.Session",
        verbose_name=_("programme session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webinars",
        help_text=_(
            "When set, minutes attended here become attendance of that session."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("series"),
        FieldPanel("speakers"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("starts_at"),
                FieldPanel("duration_minutes"),
                FieldPanel("timezone"),
                FieldPanel("languages"),
                FieldPanel("live_now"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [FieldPanel("stream_url"), FieldPanel("recording_url")],
            heading=_("Links"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("hosts"),
                FieldPanel("premoderation"),
                FieldPanel("asking_open"),
            ],
            heading=_("Q&A"),
        ),
        FieldPanel("registration_rules"),
        FieldPanel("programme_session"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.SearchField("speakers"),
    ]
    api_fields = ["starts_at", "duration_minutes", "timezone", "languages"]

    parent_page_types = ["cms.RegionalOfficePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("webinar page")

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    def is_live_at(self, now: datetime.datetime) -> bool:
        if self.live_now:
            return True
        return self.starts_at - LIVE_MARGIN <= now <= self.ends_at + LIVE_MARGIN

    @property
    def is_live(self) -> bool:
        return self.is_live_at(timezone.now())

    @property
    def is_past(self) -> bool:
        return not self.is_live and timezone.now() > self.ends_at

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def local_starts_at(self) -> datetime.datetime:
        return self.starts_at.astimezone(self.tzinfo)

    @property
    def local_ends_at(self) -> datetime.datetime:
        return self.ends_at.astimezone(self.tzinfo)

    @property
    def ics_url(self) -> str:
        return f"/webinars/{self.pk}/calendar.ics"

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    # The routes are thin: each one lives in views.py.
    @path("")
    def overview(self, request):
        from ..views import webinar_overview

        return webinar_overview(request, self)

    @path("register/")
    def register(self, request):
        from ..views import webinar_register_view

        return webinar_register_view(request, self)

    @path("live/")
    def live(self, request):
        from ..views import webinar_live

        return webinar_live(request, self)

    @path("live/ask/")
    def live_ask(self, request):
        from ..views import live_ask

        return live_ask(request, self)

    @path("live/vote/")
    def live_vote(self, request):
        from ..views import live_vote

        return live_vote(request, self)

    @path("live/moderate/")
    def live_moderate(self, request):
        from ..views import live_moderate

        return live_moderate(request, self)

    @path("live/settings/")
    def live_settings(self, request):
        from ..views import live_settings

        return live_settings(request, self)

    @path("live/polls/")
    def live_polls(self, request):
        from ..views import live_polls

        return live_polls(request, self)

    @path("present/")
    def present(self, request):
        from ..views import webinar_present

        return webinar_present(request, self)
