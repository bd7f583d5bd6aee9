"""Programmes: eligibility, the filtered listing, seats, topics, the timetable."""

from __future__ import annotations

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
from wagtail.models import Page

from cms.selectors import CARD_RENDITIONS, images_with_renditions

from ..models import (
    Enrolment,
    ProgrammePage,
    Session,
)
from ..rules import Verdict, evaluate_rules


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
        .prefetch_related(
            "tagged_topics__tag",
            Prefetch("image", queryset=images_with_renditions(*CARD_RENDITIONS)),
        )
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
