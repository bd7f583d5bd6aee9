"""Reads about programmes: listings, eligibility, timetables, completion."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from lms.services import SECRETARIAT_GROUP

from .models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    ProgrammePage,
    Session,
)
from .programme_cache import public_programme  # noqa: F401 - selectors API
from .rules import Verdict, evaluate_rules


def user_is_secretariat(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists()


def user_can_train(*, user, programme: ProgrammePage) -> bool:
    """Trainers of the programme and the Secretariat run its attendance.

    Office editors and other staff are not trainers by default: attendance and
    completion lead to certificates, so only named people may record them.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user_is_secretariat(user):
        return True
    return programme.trainers.filter(pk=user.pk).exists()


def user_can_manage(*, user, programme: ProgrammePage) -> bool:
    """Who decides on applications: the Secretariat and the office's editors.

    Office editors are exactly those Wagtail lets edit the programme page, so
    the approval queue follows the page tree permissions.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user_is_secretariat(user):
        return True
    return bool(user.is_staff and programme.permissions_for_user(user).can_edit())


def user_may_read_application(*, user, enrolment: Enrolment) -> bool:
    """The applicant, the programme's trainers and those who decide on its
    applications read an application's answers and letter."""
    if not user or not user.is_authenticated:
        return False
    if enrolment.user_id == user.pk:
        return True
    programme = enrolment.programme
    return user_can_train(user=user, programme=programme) or user_can_manage(
        user=user, programme=programme
    )


def programme_eligibility(
    *, programme: ProgrammePage, user, skip: tuple[str, ...] = ()
) -> tuple[bool, list[Verdict]]:
    """Whether ``user`` may apply now, with every rule's verdict.

    Eligible means no blocking rule failed. A full programme with a waitlist
    is still eligible: the verdict says the applicant will be waitlisted.
    """
    user = user or AnonymousUser()
    verdicts = evaluate_rules(
        rules=programme.rules, user=user, target=programme, skip=skip
    )
    eligible = not any(v.blocking and not v.ok for v in verdicts)
    return eligible, verdicts


def _office_slug_subquery():
    parent = Page.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    )
    return parent


def programme_list(
    *,
    office: str | None = None,
    kind: str | None = None,
    topic: str | None = None,
    format: str | None = None,
    is_open: bool | None = None,
    when: str | None = None,
    user=None,
) -> QuerySet[ProgrammePage]:
    """Live programmes of every office, upcoming first, then past, newest first.

    Office, seats and topics come from annotations and one prefetch, so the
    number of queries does not grow with the number of programmes.
    """
    today = timezone.localdate()
    now = timezone.now()
    parent = _office_slug_subquery()
    qs = (
        ProgrammePage.objects.live()
        .public()
        .annotate(
            office_slug=Subquery(parent.values("slug")[:1]),
            office_title=Subquery(parent.values("title")[:1]),
            seats_taken_count=Count(
                "enrolments",
                filter=Q(enrolments__status__in=Enrolment.HOLDS_SEAT),
                distinct=True,
            ),
            past=Case(
                When(ends_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .prefetch_related("tagged_topics__tag")
    )
    if office:
        qs = qs.filter(office_slug=office)
    if kind:
        qs = qs.filter(kind=kind)
    if format:
        qs = qs.filter(format=format)
    if topic:
        qs = qs.filter(tagged_topics__tag__slug=topic).distinct()
    if when == "upcoming":
        qs = qs.filter(ends_on__gte=today)
    elif when == "past":
        qs = qs.filter(ends_on__lt=today)
    if is_open is not None:
        window = (
            Q(enrolment_opens_at__isnull=True) | Q(enrolment_opens_at__lte=now)
        ) & (
            Q(enrolment_closes_at__gt=now)
            | Q(enrolment_closes_at__isnull=True, starts_on__gt=today)
        )
        qs = qs.filter(window) if is_open else qs.exclude(window)
    return qs.order_by(
        "past",
        Case(When(past=False, then=F("starts_on"))).asc(nulls_last=True),
        "-starts_on",
        "pk",
    )


def seats_left(programme: ProgrammePage) -> int | None:
    """Free seats, from the listing annotation when there is one."""
    if programme.capacity is None:
        return None
    taken = getattr(programme, "seats_taken_count", None)
    if taken is None:
        taken = programme.seats_taken()
    return max(programme.capacity - taken, 0)


def programme_topics(programme: ProgrammePage) -> list:
    return [t.tag for t in programme.tagged_topics.all()]


def programme_filter_choices() -> dict:
    """Offices and topics that have live programmes, for the filter form."""
    from taggit.models import Tag

    from cms.models import RegionalOfficePage

    return {
        "offices": list(
            RegionalOfficePage.objects.live()
            .public()
            .order_by("path")
            .values("slug", "title")
        ),
        "topics": list(
            Tag.objects.filter(courses_programmetopic_items__content_object__live=True)
            .distinct()
            .order_by("name")
            .values("slug", "name")
        ),
    }


@dataclass
class TimetableRow:
    session: Session
    local_start: object
    local_end: object
    viewer_start: object | None
    viewer_end: object | None


@dataclass
class TimetableDay:
    day: date
    rows: list[TimetableRow] = field(default_factory=list)


def programme_timetable(
    *, programme: ProgrammePage, viewer_timezone: str | None = None
) -> list[TimetableDay]:
    """Sessions grouped by day in the programme's zone, with the viewer's time.

    The viewer's time is only added when their zone differs, so a Seoul
    participant is not shown the same time twice.
    """
    import zoneinfo

    zone = programme.zoneinfo
    viewer_zone = None
    if viewer_timezone:
        try:
            viewer_zone = zoneinfo.ZoneInfo(viewer_timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            viewer_zone = None
    days: OrderedDict[date, TimetableDay] = OrderedDict()
    sessions = sorted(programme.sessions.all(), key=lambda s: (s.starts_at, s.pk or 0))
    for session in sessions:
        start = timezone.localtime(session.starts_at, zone)
        end = timezone.localtime(session.ends_at, zone)
        viewer_start = viewer_end = None
        if (
            viewer_zone is not None
            and start.utcoffset()
            != timezone.localtime(session.starts_at, viewer_zone).utcoffset()
        ):
            viewer_start = timezone.localtime(session.starts_at, viewer_zone)
            viewer_end = timezone.localtime(session.ends_at, viewer_zone)
        day = days.setdefault(start.date(), TimetableDay(day=start.date()))
        day.rows.append(TimetableRow(session, start, end, viewer_start, viewer_end))
    return list(days.values())


def enrolment_for(*, programme: ProgrammePage, user) -> Enrolment | None:
    if not user or not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(programme=programme, user=user)
        .prefetch_related("offers")
        .first()
    )


def my_enrolments(*, user) -> QuerySet[Enrolment]:
    """A participant's enrolments, newest programme first, with what the page shows.

    Every session and the person's own marks come prefetched, so each
    enrolment's completion (``participant_completion``) costs no query.
    """
    now = timezone.now()
    return (
        Enrolment.objects.filter(user=user)
        .select_related("programme", "group__created_by")
        .prefetch_related(
            Prefetch(
                "programme__sessions",
                queryset=Session.objects.filter(ends_at__gte=now).order_by("starts_at"),
                to_attr="upcoming_sessions",
            ),
            Prefetch(
                "programme__sessions",
                queryset=Session.objects.order_by("starts_at"),
                to_attr="every_session",
            ),
            "offers",
            "attendance",
        )
        .order_by("-programme__starts_on", "pk")
    )


def organisation_places_left(
    *, programme: ProgrammePage, organisation, leaving_out=None
) -> int | None:
    """Places the organisation's quota still allows (None: no quota).

    Its active applications count against it; ``leaving_out`` (a user) is the
    person asking, whose own application is not yet made.
    """
    from .rules import rule_values

    limits = [
        v["max_per_organisation"]
        for v in rule_values(programme.rules, "organisation_quota")
    ]
    if not limits or organisation is None:
        return None
    taken = programme.enrolments.filter(organisation=organisation).exclude(
        status__in=Enrolment.INACTIVE
    )
    if leaving_out is not None:
        taken = taken.exclude(user=leaving_out)
    return max(min(limits) - taken.count(), 0)


def quota_verdict_for(*, programme: ProgrammePage, organisation) -> Verdict | None:
    """The quota sentence for a focal point whose organisation has no place left."""
    from .rules import quota_verdict, rule_values

    limits = [
        v["max_per_organisation"]
        for v in rule_values(programme.rules, "organisation_quota")
    ]
    if not limits or organisation is None:
        return None
    taken = (
        programme.enrolments.filter(organisation=organisation)
        .exclude(status__in=Enrolment.INACTIVE)
        .count()
    )
    return quota_verdict(
        org=organisation, limit=min(limits), taken=taken, focal_point=True
    )


def delegation_size_limit(
    *, programme: ProgrammePage, organisation, leaving_out=None
) -> int:
    """How many people one delegation or nomination may name now.

    The programme's largest delegation, lowered to the places the
    organisation's quota leaves, so forms never offer more than can be taken.
    """
    left = organisation_places_left(
        programme=programme, organisation=organisation, leaving_out=leaving_out
    )
    size = programme.max_group_size
    return size if left is None else min(size, left)


def focal_point_organisation(*, user):
    """The organisation whose registered focal point ``user`` is, else None.

    A focal point is a signed-in, active account whose e-mail is the
    ``focal_point_email`` of its own organisation (compared case-insensitively):
    the Secretariat registers that address, so it is trusted to nominate.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return None
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or not organisation.focal_point_email:
        return None
    if organisation.focal_point_email.strip().lower() != user.email.strip().lower():
        return None
    return organisation


def nominations_by(*, user) -> QuerySet[Enrolment]:
    """The officials a focal point nominated, newest programme first."""
    return (
        Enrolment.objects.filter(
            group__created_by=user, endorsed_by_email__iexact=user.email
        )
        .exclude(user=user)
        .select_related("programme", "user")
        .order_by("-programme__starts_on", "programme_id", "pk")
    )


def withdrawal_refusal(*, enrolment: Enrolment) -> str:
    """Why this enrolment cannot be withdrawn now, or "" when it can.

    The same rules as ``enrolment_withdraw``, read before anyone presses the
    button, so the confirmation page can say so instead of offering it.
    """
    from lms.timefmt import format_date

    if enrolment.status in Enrolment.INACTIVE:
        return _("This application is already closed.")
    programme = enrolment.programme
    if programme.is_past:
        return _(
            "%(title)s ended on %(date)s: your enrolment is part of its "
            "record and can no longer be withdrawn."
        ) % {"title": programme.title, "date": format_date(programme.ends_on)}
    return ""


def delegation_members(*, enrolment: Enrolment) -> list[Enrolment]:
    """The enrolment and the others of its delegation at the same step."""
    if enrolment.group_id is None:
        return [enrolment]
    return list(
        Enrolment.objects.filter(group_id=enrolment.group_id, status=enrolment.status)
        .select_related("user")
        .order_by("pk")
    )


def calendar_sessions(*, user) -> QuerySet[Session]:
    """Every session of the programmes where the person holds a confirmed seat."""
    return (
        Session.objects.filter(
            programme__enrolments__user=user,
            programme__enrolments__status=EnrolmentStatus.CONFIRMED,
            programme__live=True,
        )
        .select_related("programme")
        .order_by("starts_at")
    )


def pending_enrolments(*, user) -> QuerySet[Enrolment]:
    """Applications awaiting a decision on programmes ``user`` may manage."""
    qs = (
        Enrolment.objects.filter(status=EnrolmentStatus.PENDING_APPROVAL)
        .select_related("programme", "user", "organisation")
        .order_by("created_at")
    )
    if user_is_secretariat(user):
        return qs
    allowed = [
        p.pk
        for p in ProgrammePage.objects.filter(
            pk__in=qs.values("programme_id")
        ).specific()
        if user_can_manage(user=user, programme=p)
    ]
    return qs.filter(programme_id__in=allowed)


@dataclass
class PendingDecision:
    """One decision in the approval queue: a person, or a delegation as one.

    ``members`` are the applications it decides (one for a single applicant,
    every member still waiting for a delegation, who are seated or waitlisted
    together); ``group`` is the delegation, if any.
    """

    members: list[Enrolment]
    group: object | None = None

    @property
    def lead(self) -> Enrolment:
        return self.members[0]

    @property
    def programme(self) -> ProgrammePage:
        return self.lead.programme

    @property
    def is_delegation(self) -> bool:
        return self.group is not None and len(self.members) > 1

    @property
    def nominated_by(self) -> str:
        """The focal point's address when the delegation was their nomination."""
        creator = getattr(self.group, "created_by", None)
        endorsed = self.lead.endorsed_by_email
        if (
            creator is not None
            and endorsed
            and creator.email.lower() == endorsed.lower()
        ):
            return endorsed
        return ""


def pending_decisions(*, user) -> list[PendingDecision]:
    """The approval queue: one entry per applicant or per delegation.

    A delegation's members waiting for approval form one entry (in the place
    of its first application), since approving them decides for all.
    """
    enrolments = list(
        pending_enrolments(user=user)
        .select_related("group__created_by")
        .prefetch_related("user__skills")
    )
    decisions: list[PendingDecision] = []
    by_group: dict[int, PendingDecision] = {}
    for enrolment in enrolments:
        if enrolment.group_id is None:
            decisions.append(PendingDecision(members=[enrolment]))
        elif enrolment.group_id in by_group:
            by_group[enrolment.group_id].members.append(enrolment)
        else:
            decision = PendingDecision(members=[enrolment], group=enrolment.group)
            by_group[enrolment.group_id] = decision
            decisions.append(decision)
    return decisions


# --- completion -----------------------------------------------------------------


@dataclass
class CompletionStatus:
    eligible: bool
    attended: int
    counted: int
    needed: int
    missing_required: list[str]
    reason: str


def _completion(
    enrolment: Enrolment, sessions: list[Session], marks: dict[int, Attendance]
) -> CompletionStatus:
    programme = enrolment.programme
    since = enrolment.confirmed_at
    applicable = []
    for session in sessions:
        mark = marks.get(session.pk)
        attended = mark is not None and mark.status == AttendanceStatus.PRESENT
        # Sessions held before a late (waitlist-promoted) participant was
        # confirmed never count against them, only for them.
        if since and session.starts_at < since and not attended:
            continue
        applicable.append((session, mark, attended))
    counted_sessions = [
        (s, m, a)
        for s, m, a in applicable
        if s.counts_toward_completion
        and not (m is not None and m.status == AttendanceStatus.EXCUSED)
    ]
    counted = len(counted_sessions)
    attended = sum(1 for _s, _m, a in counted_sessions if a)
    needed = math.ceil(counted * programme.completion_min_share / 100)
    missing = [s.title for s, _m, a in applicable if s.required and not a]
    # A required session not held yet is not "missed": people read the reason.
    now = timezone.now()
    missed = [
        s.title for s, _m, a in applicable if s.required and not a and s.ends_at <= now
    ]
    ahead = [
        s.title for s, _m, a in applicable if s.required and not a and s.ends_at > now
    ]
    parts = [
        ngettext(
            "attended %(attended)s of %(counted)s counted session; needs %(needed)s",
            "attended %(attended)s of %(counted)s counted sessions; needs %(needed)s",
            counted,
        )
        % {"attended": attended, "counted": counted, "needed": needed}
    ]
    if missed:
        parts.append(_("missed required: %(titles)s") % {"titles": ", ".join(missed)})
    if ahead:
        parts.append(
            _("required, still to come: %(titles)s") % {"titles": ", ".join(ahead)}
        )
    confirmed = enrolment.status == EnrolmentStatus.CONFIRMED
    if not confirmed:
        parts.append(_("the enrolment is not confirmed"))
    eligible = confirmed and counted > 0 and attended >= needed and not missing
    return CompletionStatus(
        eligible=eligible,
        attended=attended,
        counted=counted,
        needed=needed,
        missing_required=missing,
        reason="; ".join(parts),
    )


def completion_status(*, enrolment: Enrolment) -> CompletionStatus:
    """Whether the participant meets the programme's completion rule, and why.

    The rule: present at ``completion_min_share`` percent of the counted
    sessions (excused ones are left out), and at every required session.
    """
    sessions = list(enrolment.programme.sessions.all())
    marks = {a.session_id: a for a in enrolment.attendance.all()}
    return _completion(enrolment, sessions, marks)


def participant_completion(*, enrolment: Enrolment | None) -> CompletionStatus | None:
    """A participant's own completion, as their trainers see it, or None.

    Only for a confirmed seat in a programme with sessions that count (there
    is nothing to complete otherwise). Uses the sessions and marks prefetched
    by ``my_enrolments`` when present.
    """
    if enrolment is None or enrolment.status != EnrolmentStatus.CONFIRMED:
        return None
    programme = enrolment.programme
    sessions = getattr(programme, "every_session", None)
    if sessions is None:
        sessions = list(programme.sessions.all())
    status = _completion(
        enrolment, sessions, {a.session_id: a for a in enrolment.attendance.all()}
    )
    if not status.counted and not status.missing_required:
        return None
    return status


def programme_roster(
    *, programme: ProgrammePage
) -> list[tuple[Enrolment, CompletionStatus]]:
    """Every active enrolment with its attendance and completion, in 3 queries."""
    sessions = list(programme.sessions.all())
    enrolments = list(
        programme.enrolments.exclude(status__in=Enrolment.INACTIVE)
        .select_related("user", "organisation", "programme")
        .prefetch_related("attendance")
        .order_by("status", "waitlist_position", "user__last_name", "pk")
    )
    rows = []
    for enrolment in enrolments:
        marks = {a.session_id: a for a in enrolment.attendance.all()}
        rows.append((enrolment, _completion(enrolment, sessions, marks)))
    return rows


def completed_enrolments(*, programme: ProgrammePage) -> QuerySet[Enrolment]:
    """Enrolments whose completion a trainer confirmed: what certificates use."""
    return (
        programme.enrolments.filter(
            status=EnrolmentStatus.CONFIRMED, completed_at__isnull=False
        )
        .select_related("user", "organisation", "completed_by")
        .order_by("user__last_name", "pk")
    )


def presentations_visible_to(*, programme: ProgrammePage, user) -> list:
    """The cohort's slides, shown to confirmed participants and trainers only."""
    from .models import ParticipantPresentation

    if not user or not user.is_authenticated:
        return []
    allowed = (
        user_can_train(user=user, programme=programme)
        or programme.enrolments.filter(
            user=user, status=EnrolmentStatus.CONFIRMED
        ).exists()
    )
    if not allowed:
        return []
    return list(
        ParticipantPresentation.objects.filter(
            enrolment__programme=programme,
            enrolment__status=EnrolmentStatus.CONFIRMED,
        ).select_related("enrolment__user")
    )


# --- technical-support slots -------------------------------------------------


@dataclass
class SupportSlotView:
    """A slot as one viewer sees it: free places, and the link only if booked."""

    slot: object
    seats_left: int
    booking: object | None
    local_start: object
    local_end: object
    viewer_start: object | None

    @property
    def video_link(self) -> str:
        return self.slot.video_link if self.booking is not None else ""


def support_slots_visible(*, programme: ProgrammePage, user) -> bool:
    """Confirmed participants and the programme's trainers see the slots."""
    if not user or not user.is_authenticated:
        return False
    return programme.enrolments.filter(
        user=user, status=EnrolmentStatus.CONFIRMED
    ).exists() or user_can_train(user=user, programme=programme)


def support_slots_for(
    *, programme: ProgrammePage, user, include_full: bool = False
) -> list[SupportSlotView]:
    """Upcoming slots of a programme with free places, and the viewer's bookings.

    Two queries whatever the number of slots: the slots with their booked
    count, then the viewer's own active bookings.
    """
    from .models import SupportBooking, SupportBookingStatus, SupportSlot

    slots = (
        SupportSlot.objects.filter(programme=programme, starts_at__gt=timezone.now())
        .annotate(
            booked=Count(
                "bookings", filter=Q(bookings__status=SupportBookingStatus.BOOKED)
            )
        )
        .order_by("starts_at", "pk")
    )
    mine = {
        b.slot_id: b
        for b in SupportBooking.objects.filter(
            slot__programme=programme,
            enrolment__user=user,
            status=SupportBookingStatus.BOOKED,
        )
    }
    viewer_zone = _viewer_zone(user)
    rows = []
    for slot in slots:
        left = max(slot.capacity - slot.booked, 0)
        booking = mine.get(slot.pk)
        if left == 0 and booking is None and not include_full:
            continue
        rows.append(
            _slot_view(slot, seats_left=left, booking=booking, viewer_zone=viewer_zone)
        )
    return rows


def support_slot_view(*, slot, user) -> SupportSlotView:
    """One slot as ``user`` sees it, e.g. the one a trainer just published."""
    from .models import SupportBookingStatus

    booked = slot.bookings.filter(status=SupportBookingStatus.BOOKED)
    booking = booked.filter(enrolment__user=user).first()
    return _slot_view(
        slot,
        seats_left=max(slot.capacity - booked.count(), 0),
        booking=booking,
        viewer_zone=_viewer_zone(user),
    )


def _viewer_zone(user):
    import zoneinfo

    if getattr(user, "timezone", None):
        try:
            return zoneinfo.ZoneInfo(user.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None
    return None


def _slot_view(slot, *, seats_left: int, booking, viewer_zone) -> SupportSlotView:
    local_start = timezone.localtime(slot.starts_at, slot.zoneinfo)
    viewer_start = None
    if viewer_zone is not None:
        mine_local = timezone.localtime(slot.starts_at, viewer_zone)
        if mine_local.utcoffset() != local_start.utcoffset():
            viewer_start = mine_local
    return SupportSlotView(
        slot=slot,
        seats_left=seats_left,
        booking=booking,
        local_start=local_start,
        local_end=timezone.localtime(slot.ends_at, slot.zoneinfo),
        viewer_start=viewer_start,
    )


def support_bookings_of(*, user):
    """A participant's active support bookings, for My programmes."""
    from .models import SupportBooking, SupportBookingStatus

    return (
        SupportBooking.objects.filter(
            enrolment__user=user,
            status=SupportBookingStatus.BOOKED,
            slot__ends_at__gt=timezone.now(),
        )
        .select_related("slot__programme")
        .order_by("slot__starts_at")
    )


# --- the programme page, per request ------------------------------------------


@dataclass
class ProgrammeViewer:
    """What one visitor's programme page depends on, fetched once per request.

    The enrolment (with its offers), whether the visitor is a confirmed
    participant or may train, and the free seats are each looked up a single
    time and shared by the eligibility verdicts, the presentations and the
    support-slot sections.
    """

    enrolment: Enrolment | None = None
    can_train: bool = False
    seats_left: int | None = None

    @property
    def is_confirmed(self) -> bool:
        return (
            self.enrolment is not None
            and self.enrolment.status == EnrolmentStatus.CONFIRMED
        )


def programme_viewer(*, programme: ProgrammePage, user) -> ProgrammeViewer:
    """The per-request state of ``programme``'s page for ``user``.

    Sets ``programme.seats_taken_count`` so that every later seat computation
    of this request (the capacity rule, the facts list) reuses one count.
    """
    if programme.capacity is not None:
        programme.seats_taken_count = programme.seats_taken()
    viewer = ProgrammeViewer(seats_left=seats_left(programme))
    if user is None or not user.is_authenticated:
        return viewer
    viewer.enrolment = enrolment_for(programme=programme, user=user)
    if viewer.enrolment is not None:
        viewer.enrolment.programme = programme  # the page itself: no query
    viewer.can_train = user_can_train(user=user, programme=programme)
    return viewer


def cohort_presentations(*, programme: ProgrammePage) -> list:
    """The confirmed participants' slides (callers check who may see them)."""
    from .models import ParticipantPresentation

    return list(
        ParticipantPresentation.objects.filter(
            enrolment__programme=programme,
            enrolment__status=EnrolmentStatus.CONFIRMED,
        ).select_related("enrolment__user")
    )
