"""Programmes as editors publish them: the Wagtail page types and their timetable.

``ProgrammePage`` and its ``Session`` timetable are Wagtail content (revisions,
preview, per-office permissions). Here are only their fields, panels,
search/API fields and tree rules; what a page shows a visitor is computed in
``courses.page_context``, and the rows that hang off a programme (enrolments,
attendance, support) are in ``courses.models``.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import PageImage
from cms.routing import CachedViewRestrictions
from lms.i18n import LanguageKeepingPage

from .page_properties import ProgrammePageProperties
from .rules import RuleBlocks


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("%(value)s is not a time zone name such as Asia/Seoul."),
            params={"value": value},
        ) from exc


class ProgrammeKind(models.TextChoices):
    SEOUL_PROGRAM = "seoul_program", _("Seoul Program")
    JEJU_WORKSHOP = "jeju_workshop", _("Jeju Workshop")
    EGOVFRAME_TRAINING = "egovframe_training", _("eGovFrame technical training")
    REGIONAL_SESSION = "regional_session", _("Regional office session")
    OTHER = "other", _("Other")


class ProgrammeFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class ProgrammeIndexPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    """Every programme of every office, filterable, upcoming first."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("programme index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(_page_context().programme_index_context(request, self))
        return context


class ProgrammeTopic(TaggedItemBase):
    content_object = ParentalKey(
        "courses.ProgrammePage", on_delete=models.CASCADE, related_name="tagged_topics"
    )


class ProgrammePage(
    PageImage,
    ProgrammePageProperties,
    CachedViewRestrictions,
    LanguageKeepingPage,
    Page,
):
    """One edition of a programme, published under the office that runs it."""

    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=ProgrammeKind.choices,
        default=ProgrammeKind.OTHER,
    )
    edition = models.CharField(
        _("edition"), max_length=50, blank=True, help_text=_("e.g. 2016 or 12th")
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("description"))
    topics = ClusterTaggableManager(
        through=ProgrammeTopic, blank=True, verbose_name=_("topics")
    )
    format = models.CharField(
        _("format"),
        max_length=16,
        choices=ProgrammeFormat.choices,
        default=ProgrammeFormat.IN_PERSON,
    )
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_timezone],
        help_text=_("IANA name, e.g. Asia/Seoul; the timetable is shown in it."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, default="English"
    )
    partners = ParentalManyToManyField(
        "cms.Partner", blank=True, verbose_name=_("partners")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        default=30,
        help_text=_("Seats; empty for no limit."),
    )
    enrolment_opens_at = models.DateTimeField(
        _("enrolment opens"), null=True, blank=True
    )
    enrolment_closes_at = models.DateTimeField(
        _("enrolment closes"), null=True, blank=True
    )
    promotion_cutoff_days = models.PositiveSmallIntegerField(
        _("waitlist cut-off (days before start)"),
        default=14,
        help_text=_(
            "No seat is offered from the waitlist later than this many days before "
            "the start (travel and visa lead time)."
        ),
    )
    offer_acceptance_hours = models.PositiveSmallIntegerField(
        _("hours to accept an offered seat"),
        default=72,
        validators=[MinValueValidator(1)],
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    rules = StreamField(
        RuleBlocks(),
        blank=True,
        verbose_name=_("enrolment rules"),
        help_text=_("Who may enrol; each rule is explained to applicants."),
    )
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="trained_programmes",
        verbose_name=_("trainers"),
    )
    asks_motivation = models.BooleanField(_("ask for a motivation"), default=True)
    asks_technical_experience = models.BooleanField(
        _("ask about Java, Spring and MyBatis experience"), default=False
    )
    asks_delivery_location = models.BooleanField(
        _("ask where the training should be delivered"),
        default=False,
        help_text=_("The participant's home country or Korea (eGovFrame)."),
    )
    asks_preferred_dates = models.BooleanField(
        _("ask for preferred dates"), default=False
    )
    accepts_letter_of_intent = models.BooleanField(
        _("accept a letter of intent (PDF)"), default=False
    )
    answers_required = models.BooleanField(
        _("applicants must answer every question"),
        default=False,
        help_text=_("Otherwise applicants may leave a question blank."),
    )
    completion_min_share = models.PositiveSmallIntegerField(
        # Translators: xgettext:no-python-format
        _("minimum attendance (% of counted sessions)"),
        default=75,
        validators=[MaxValueValidator(100)],
    )
    completion_min_webinar_minutes = models.PositiveSmallIntegerField(
        _("minimum minutes present in a webinar session"), default=45
    )
    max_group_size = models.PositiveSmallIntegerField(
        _("largest delegation applying together"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_(
            "Officials of one organisation may apply as one delegation of up to "
            "this many people, seated or waitlisted together; 1 for individual "
            "applications only."
        ),
    )
    support_bookings_per_participant = models.PositiveSmallIntegerField(
        _("technical-support slots each participant may book"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("edition")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")
        ),
        FieldPanel("body"),
        FieldPanel("topics"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("format"), FieldPanel("languages")]),
                FieldPanel("venue"),
                FieldPanel("timezone"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldPanel("contact_email"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("partners"),
        InlinePanel("sessions", heading=_("Timetable"), label=_("Session")),
    ]
    enrolment_panels = [
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel(
                    [
                        FieldPanel("enrolment_opens_at"),
                        FieldPanel("enrolment_closes_at"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("promotion_cutoff_days"),
                        FieldPanel("offer_acceptance_hours"),
                    ]
                ),
            ],
            heading=_("Seats and waitlist"),
        ),
        FieldPanel("rules"),
        MultiFieldPanel(
            [
                FieldPanel("asks_motivation"),
                FieldPanel("asks_technical_experience"),
                FieldPanel("asks_delivery_location"),
                FieldPanel("asks_preferred_dates"),
                FieldPanel("accepts_letter_of_intent"),
                FieldPanel("answers_required"),
            ],
            heading=_("Application questions"),
        ),
        FieldRowPanel(
            [
                FieldPanel("max_group_size"),
                FieldPanel("support_bookings_per_participant"),
            ],
            heading=_("Delegations and support slots"),
        ),
        FieldPanel("trainers"),
        FieldRowPanel(
            [
                FieldPanel("completion_min_share"),
                FieldPanel("completion_min_webinar_minutes"),
            ],
            heading=_("Completion"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(enrolment_panels, heading=_("Enrolment")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("venue"),
        index.FilterField("kind"),
        index.FilterField("starts_on"),
    ]
    api_fields = ["kind", "edition", "summary", "starts_on", "ends_on", "venue"]

    parent_page_types = ["cms.RegionalOfficePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end is before the start.")})
        if (
            self.enrolment_opens_at
            and self.enrolment_closes_at
            and self.enrolment_closes_at <= self.enrolment_opens_at
        ):
            raise ValidationError(
                {"enrolment_closes_at": _("Enrolment closes before it opens.")}
            )

    def get_context(self, request, *args, **kwargs):
        """Shared parts from the fragment cache, the visitor's own state per
        request (``courses.page_context.programme_page_context``)."""
        context = super().get_context(request, *args, **kwargs)
        context.update(_page_context().programme_page_context(self, request))
        return context


class SessionKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    DISCUSSION = "discussion", _("Discussion")
    PARTICIPANT_PRESENTATION = (
        "participant_presentation",
        _("Participant presentations"),
    )
    TECHNICAL_TOUR = "technical_tour", _("Technical tour / site visit")
    CULTURAL_VISIT = "cultural_visit", _("Cultural visit")
    WORKSHOP = "workshop", _("Workshop")
    WEBINAR = "webinar", _("Webinar")


class Session(Orderable):
    """One slot of a programme's timetable."""

    programme = ParentalKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=SessionKind.choices,
        default=SessionKind.LECTURE,
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=250, blank=True)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    counts_toward_completion = models.BooleanField(
        _("counts toward completion"), default=True
    )
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("Participants who miss it cannot complete the programme."),
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("location")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("speakers"),
        FieldRowPanel([FieldPanel("counts_toward_completion"), FieldPanel("required")]),
    ]

    class Meta(Orderable.Meta):
        ordering = ["starts_at", "sort_order"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session ends after it starts.")})


def _page_context():
    """``courses.page_context``, imported when a page is first rendered.

    What a page shows is computed from selectors and forms, which import these
    models; the pages reach it through this one seam, not through views.
    """
    from . import page_context

    return page_context
