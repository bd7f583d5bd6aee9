"""Webinars: pages editors publish, registration, and the live Q&A they host.

A webinar is a Wagtail page under its office (so the office's editors publish
it); everything that happens *to* it during the live session — registrations,
questions, votes, polls, presence — is a plain model pointing at it.
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

from courses.rules import RuleBlocks
from lms.i18n import LanguageKeepingPage

# A webinar counts as live from this long before its start until this long after
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


class WebinarIndexPage(LanguageKeepingPage, Page):
    """``/webinars/``: live now, upcoming, and past webinars with recordings."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("webinar index")

    def get_context(self, request, *args, **kwargs):
        from .selectors import webinar_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(webinar_listing())
        return context


class WebinarPage(LanguageKeepingPage, RoutablePageMixin, Page):
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
        from .views import webinar_overview

        return webinar_overview(request, self)

    @path("register/")
    def register(self, request):
        from .views import webinar_register_view

        return webinar_register_view(request, self)

    @path("live/")
    def live(self, request):
        from .views import webinar_live

        return webinar_live(request, self)

    @path("live/ask/")
    def live_ask(self, request):
        from .views import live_ask

        return live_ask(request, self)

    @path("live/vote/")
    def live_vote(self, request):
        from .views import live_vote

        return live_vote(request, self)

    @path("live/moderate/")
    def live_moderate(self, request):
        from .views import live_moderate

        return live_moderate(request, self)

    @path("live/settings/")
    def live_settings(self, request):
        from .views import live_settings

        return live_settings(request, self)

    @path("live/polls/")
    def live_polls(self, request):
        from .views import live_polls

        return live_polls(request, self)

    @path("present/")
    def present(self, request):
        from .views import webinar_present

        return webinar_present(request, self)


class Registration(models.Model):
    """A person registered for a webinar: may post, vote and see the stream."""

    webinar = models.ForeignKey(
        WebinarPage,
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="webinar_registrations",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "user"], name="unique_webinar_registration"
            )
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user} → {self.webinar}"


class QARoom(models.Model):
    """The event counter of one webinar's Q&A.

    Kept off the page row on purpose: publishing a page revision rewrites every
    page field and would move the counter backwards.
    """

    webinar = models.OneToOneField(
        WebinarPage, on_delete=models.CASCADE, related_name="qa_room"
    )
    last_event_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("Q&A room")


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class Question(models.Model):
    """A question from the audience. Its text is plain text, never HTML."""

    webinar = models.ForeignKey(
        WebinarPage,
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    # Kept even for anonymous questions: moderators must always know who asked.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="webinar_questions",
    )
    text = models.CharField(_("text"), max_length=QUESTION_MAX_LENGTH)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Hidden from other attendees.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=QuestionStatus.choices,
        default=QuestionStatus.VISIBLE,
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    answered = models.BooleanField(_("answered"), default=False)
    answer_text = models.TextField(_("written answer"), blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-votes", "created_at"]
        indexes = [models.Index(fields=["webinar", "status"])]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:60]


class Vote(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="vote_set"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="unique_vote")
        ]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")


class QAEvent(models.Model):
    """One change in a webinar's Q&A, stored before anyone is told about it.

    ``event_id`` grows by one per webinar (allocated under the room's row lock),
    so a client that reconnects with ``?since=<event_id>`` gets exactly what it
    missed. ``payload`` holds the full moderator's view of the object; what an
    attendee sees is derived from it when it is sent.
    """

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="qa_events"
    )
    event_id = models.PositiveBigIntegerField()
    type = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "event_id"], name="unique_qa_event_id"
            )
        ]
        ordering = ["event_id"]
        verbose_name = _("Q&A event")


class Poll(models.Model):
    """A live poll: one or several choices, results shown live."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    webinar = models.ForeignKey(
        WebinarPage,
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="polls",
    )
    question = models.CharField(_("question"), max_length=300)
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("answer"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("poll answer")

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes"
    )
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["option", "user"], name="unique_poll_option_vote"
            )
        ]
        verbose_name = _("poll vote")


class Presence(models.Model):
    """One connection of a registered attendee: joined, last heard from, left.

    A dropped connection never says goodbye; its ``last_seen_at`` (refreshed by
    heartbeats) then marks the end of the time attended.
    """

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="presences"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["webinar", "user"])]
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
