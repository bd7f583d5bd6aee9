"""Programmes as editors publish them, and what happens to them.

``ProgrammePage`` and its ``Session`` timetable are Wagtail content (revisions,
preview, per-office permissions). Enrolments, offers, attendance and
presentations are plain rows pointing at the page; the rules that change them
live in ``services.py``.
"""

import uuid
import zoneinfo
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
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
from lms.i18n import LanguageKeepingPage

from .rules import RuleBlocks, rules_who_may_apply


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


class ProgrammeIndexPage(LanguageKeepingPage, Page):
    """Every programme of every office, filterable, upcoming first."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("programme index")

    def get_context(self, request, *args, **kwargs):
        from .views import programme_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(programme_index_context(request))
        return context


class ProgrammeTopic(TaggedItemBase):
    content_object = ParentalKey(
        "courses.ProgrammePage", on_delete=models.CASCADE, related_name="tagged_topics"
    )


class ProgrammePage(LanguageKeepingPage, Page):
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

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_past(self) -> bool:
        return self.ends_on < timezone.localdate()

    @property
    def effective_enrolment_closes_at(self) -> datetime:
        """The editor's closing time, or else the start of the first day."""
        if self.enrolment_closes_at:
            return self.enrolment_closes_at
        return datetime.combine(self.starts_on, time.min, tzinfo=self.zoneinfo)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        if self.enrolment_opens_at and now < self.enrolment_opens_at:
            return False
        return now < self.effective_enrolment_closes_at

    @cached_property
    def office(self):
        from cms.models import RegionalOfficePage

        return RegionalOfficePage.objects.filter(
            path=self.path[: -self.steplen]
        ).first()

    def seats_taken(self) -> int:
        """Confirmed seats plus seats held by an open waitlist offer."""
        return self.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()

    def seats_left(self) -> int | None:
        """Free seats; reuses ``seats_taken_count`` when a listing annotated it
        or the page's request already counted (one count per request)."""
        if self.capacity is None:
            return None
        taken = getattr(self, "seats_taken_count", None)
        if taken is None:
            taken = self.seats_taken()
        return max(self.capacity - taken, 0)

    @property
    def promotion_cutoff(self) -> date:
        from datetime import timedelta

        return self.starts_on - timedelta(days=self.promotion_cutoff_days)

    def shared_fragment(self, request, *, viewer_timezone: str | None) -> dict:
        """The parts of the page that are the same for every visitor.

        The office line, the facts (dates, topics, partners...) and the
        timetable, rendered once per language, viewer time zone and page-cache
        generation (publishing any page makes it unreachable), so that the
        number of sessions, topics and partners costs nothing per request.
        Nothing in it depends on who is looking apart from their time zone.
        """
        from django.template.loader import render_to_string

        from cms.services import fragment_get_or_build

        from . import selectors

        def build() -> dict:
            sessions = list(self.sessions.all())
            shared = {
                "page": self,
                "office": self.office,
                "topics": list(self.topics.all()),
                "partners": list(self.partners.all()),
                "timetable": selectors.programme_timetable(
                    programme=self, viewer_timezone=viewer_timezone
                ),
                "viewer_timezone": viewer_timezone,
                "who_may_apply": rules_who_may_apply(self.rules),
            }
            return {
                "office_line": render_to_string(
                    "courses/includes/programme_office_line.html", shared
                ),
                "facts": render_to_string(
                    "courses/includes/programme_facts.html", shared
                ),
                "timetable": render_to_string(
                    "courses/includes/programme_timetable.html", shared
                ),
                "has_presentations": any(
                    s.kind == SessionKind.PARTICIPANT_PRESENTATION for s in sessions
                ),
            }

        return fragment_get_or_build(
            "programme",
            (self.pk, self.live_revision_id, viewer_timezone or ""),
            build,
            request=request,
        )

    def get_context(self, request, *args, **kwargs):
        """Shared parts from the fragment cache; the visitor's own state (their
        enrolment, offer, eligibility, slides and support slots) per request,
        each looked up once."""
        from django.urls import reverse

        from . import selectors
        from .forms import ApplicationForm, NominationForm, PresentationForm

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        viewer_tz = user.timezone if user.is_authenticated else None
        shared = self.shared_fragment(request, viewer_timezone=viewer_tz)
        viewer = selectors.programme_viewer(programme=self, user=user)
        enrolment = viewer.enrolment
        eligible, verdicts = (False, [])
        open_offer = None
        if enrolment is not None:
            open_offer = next(
                (o for o in enrolment.offers.all() if o.state == OfferState.OFFERED),
                None,
            )
        # Someone who withdrew may apply again, judged as a newcomer.
        may_reapply = enrolment is None or (
            enrolment.status == EnrolmentStatus.WITHDRAWN and not self.is_past
        )
        if user.is_authenticated and may_reapply:
            eligible, verdicts = selectors.programme_eligibility(
                programme=self, user=user
            )
        can_apply = user.is_authenticated and may_reapply and eligible and self.is_open
        nomination_org = (
            selectors.focal_point_organisation(user=user) if self.is_open else None
        )
        show_slides = shared["has_presentations"] and (
            viewer.is_confirmed or viewer.can_train
        )
        nomination_size = (
            selectors.delegation_size_limit(programme=self, organisation=nomination_org)
            if nomination_org is not None
            else 0
        )
        context.update(
            {
                "shared": shared,
                "viewer_timezone": viewer_tz,
                "eligible": eligible,
                "verdicts": verdicts,
                "enrolment": enrolment,
                "completion": selectors.participant_completion(enrolment=enrolment),
                "open_offer": open_offer,
                "can_apply": can_apply,
                "may_reapply": may_reapply and enrolment is not None,
                "application_form": ApplicationForm(
                    programme=self,
                    group_size=selectors.delegation_size_limit(
                        programme=self,
                        organisation=user.organisation,
                        leaving_out=user,
                    ),
                )
                if can_apply
                else None,
                "nomination_org": nomination_org,
                "nomination_form": NominationForm(
                    programme=self,
                    organisation=nomination_org,
                    size=nomination_size,
                )
                if nomination_size
                else None,
                "nomination_full": selectors.quota_verdict_for(
                    programme=self, organisation=nomination_org
                )
                if nomination_org is not None and not nomination_size
                else None,
                "seats_left": viewer.seats_left,
                "presentations": selectors.cohort_presentations(programme=self)
                if show_slides
                else [],
                "presentation_form": PresentationForm()
                if shared["has_presentations"] and viewer.is_confirmed
                else None,
                "login_url": f"{reverse('account_login')}?next={self.url}",
                **self._support_context(user, viewer),
            }
        )
        return context

    def _support_context(self, user, viewer) -> dict:
        from . import selectors

        if not (viewer.is_confirmed or viewer.can_train):
            return {"support_slots": None}
        slots = selectors.support_slots_for(programme=self, user=user)
        if not slots and not viewer.can_train:
            return {"support_slots": None}
        return {
            "support_slots": slots,
            "support_manage": viewer.can_train,
            "support_limit": self.support_bookings_per_participant,
        }


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


class EnrolmentStatus(models.TextChoices):
    PENDING_ENDORSEMENT = "pending_endorsement", _("Waiting for endorsement")
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Seat offered")
    REJECTED = "rejected", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def letter_upload_to(instance, filename: str) -> str:
    return f"courses/letters/{uuid.uuid4().hex}.pdf"


def presentation_upload_to(instance, filename: str) -> str:
    return f"courses/presentations/{uuid.uuid4().hex}.pdf"


class EnrolmentGroup(models.Model):
    """A city delegation: officials of one organisation who applied together.

    Its members are seated together or wait together; the waitlist never
    splits them (see ``courses.services.enrolment``).
    """

    programme = models.ForeignKey(
        ProgrammePage,
        on_delete=models.CASCADE,
        related_name="enrolment_groups",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return _("Delegation %(id)s to %(programme)s") % {
            "id": self.pk,
            "programme": self.programme.title,
        }


class Enrolment(models.Model):
    """One person's application to one programme, through its whole life."""

    HOLDS_SEAT = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.OFFERED)
    INACTIVE = (EnrolmentStatus.REJECTED, EnrolmentStatus.WITHDRAWN)

    programme = models.ForeignKey(
        ProgrammePage,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("organisation"),
        help_text=_("The participant's organisation when they applied."),
    )
    organisation_name = models.CharField(
        _("organisation name"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=32, choices=EnrolmentStatus.choices
    )
    waitlist_position = models.PositiveIntegerField(
        _("waitlist position"), null=True, blank=True
    )
    group = models.ForeignKey(
        EnrolmentGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("delegation"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    letter_of_intent = models.FileField(
        _("letter of intent"), upload_to=letter_upload_to, blank=True
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    endorsement_requested_at = models.DateTimeField(
        _("endorsement requested at"), null=True, blank=True
    )
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    endorsed_by_email = models.EmailField(_("endorsed by"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion confirmed by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="unique_enrolment_per_programme"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status=EnrolmentStatus.WAITLISTED,
                        waitlist_position__isnull=False,
                    )
                    | (
                        ~Q(status=EnrolmentStatus.WAITLISTED)
                        & Q(waitlist_position__isnull=True)
                    )
                ),
                name="waitlist_position_only_when_waitlisted",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.programme.title}"

    @property
    def is_active(self) -> bool:
        return self.status not in self.INACTIVE

    @property
    def nominated(self) -> bool:
        """Put forward by their organisation's focal point (not applied for)."""
        group = self.group if self.group_id else None
        creator = group.created_by if group is not None else None
        return bool(
            creator is not None
            and creator.pk != self.user_id
            and self.endorsed_by_email
            and creator.email.lower() == self.endorsed_by_email.lower()
        )

    @property
    def answer_rows(self) -> list[tuple[str, str, str]]:
        """(key, heading, answer) for the programme's questions, as read."""
        from .services.answers import answer_rows

        return answer_rows(self.programme, self.answers)


class EnrolmentEvent(models.Model):
    """Audit trail: every status change, who made it, when and why."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=32, choices=EnrolmentStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=32, choices=EnrolmentStatus.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    notified_at = models.DateTimeField(
        _("participant notified at"), null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class WaitlistOffer(models.Model):
    """A freed seat offered to a waitlisted participant, until a deadline."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="offers"
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=OfferState.choices,
        default=OfferState.OFFERED,
    )
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-pk"]
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(state="offered"),
                name="one_open_offer_per_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} ({self.get_state_display()})"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceSource(models.TextChoices):
    TRAINER = "trainer", _("Trainer")
    SELF_CHECK_IN = "self_check_in", _("Self check-in")
    WEBINAR_PRESENCE = "webinar_presence", _("Webinar presence")


class Attendance(models.Model):
    """Whether a participant attended one session, and who said so."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AttendanceStatus.choices
    )
    minutes = models.PositiveIntegerField(_("minutes present"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=32,
        choices=AttendanceSource.choices,
        default=AttendanceSource.TRAINER,
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="unique_attendance_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user} @ {self.session}: {self.status}"


class ParticipantPresentation(models.Model):
    """A confirmed participant's city presentation, shared with the cohort."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="presentation"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("slides (PDF)"), upload_to=presentation_upload_to)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        ordering = ["enrolment__organisation_name"]
        verbose_name = _("participant presentation")
        verbose_name_plural = _("participant presentations")

    def __str__(self) -> str:
        return self.title


class SupportSlot(models.Model):
    """Remote technical support after a training, bookable by its participants."""

    programme = models.ForeignKey(
        ProgrammePage,
        on_delete=models.CASCADE,
        related_name="support_slots",
        verbose_name=_("programme"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_timezone],
        help_text=_("Shown with the time, e.g. Asia/Seoul."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )
    video_link = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("Shown only to the people who booked the slot."),
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("timezone"), FieldPanel("capacity")]),
        FieldPanel("video_link"),
        FieldPanel("host"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("technical-support slot")
        verbose_name_plural = _("technical-support slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="support_slot_ends_after_start",
            ),
            # The same slot published twice is one slot (more places go in
            # ``capacity``); the service answers 409 before this is reached.
            models.UniqueConstraint(
                fields=["programme", "starts_at", "ends_at"],
                name="one_support_slot_per_programme_and_time",
            ),
        ]

    def __str__(self) -> str:
        from lms.timefmt import format_instant

        return (
            f"{self.programme.title}: {format_instant(self.starts_at, self.zoneinfo)}"
        )

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A slot ends after it starts.")})


class SupportBookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class SupportBooking(models.Model):
    """A confirmed participant's booking of one support slot."""

    slot = models.ForeignKey(
        SupportSlot,
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("slot"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="support_bookings",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SupportBookingStatus.choices,
        default=SupportBookingStatus.BOOKED,
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation sent at"), null=True, blank=True
    )

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("technical-support booking")
        verbose_name_plural = _("technical-support bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "enrolment"],
                condition=Q(status="booked"),
                name="one_active_booking_per_slot_and_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user} @ {self.slot}"
