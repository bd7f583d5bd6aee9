"""The impact report: participants, completions and certificates by dimension."""

import itertools
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from courses.models import Enrolment, EnrolmentStatus

from ..models import (
    Certificate,
    CertificateStatus,
    WebinarCertificateSettings,
)
from .webinars import webinar_minimum_minutes

REPORT_DIMENSIONS = ("programme", "office", "country", "city", "year")


def _office_title(page, cache: dict[str, str]) -> str:
    """The title of the office a programme or webinar page sits under."""
    from cms.models import RegionalOfficePage

    parent_path = page.path[: -page.steplen]
    if parent_path not in cache:
        office = RegionalOfficePage.objects.filter(path=parent_path).first()
        cache[parent_path] = office.title if office else "—"
    return cache[parent_path]


def _programme_participations():
    """(page, organisation name, country, year, completed, certified) for every
    enrolment that held a seat."""
    enrolments = (
        Enrolment.objects.filter(
            Q(status=EnrolmentStatus.CONFIRMED) | Q(completed_at__isnull=False)
        )
        .select_related("programme", "user__organisation", "organisation")
        .order_by()
    )
    certified = set(
        Certificate.objects.filter(
            status=CertificateStatus.VALID, programme__isnull=False
        ).values_list("user_id", "programme_id")
    )
    for enrolment in enrolments:
        programme = enrolment.programme
        organisation = enrolment.organisation or enrolment.user.organisation
        yield (
            programme,
            enrolment.organisation_name or (organisation.name if organisation else ""),
            organisation.country if organisation else "",
            programme.starts_on.year,
            enrolment.completed_at is not None,
            (enrolment.user_id, programme.pk) in certified,
        )


def _webinar_participations():
    """The same for every registration to a webinar that has ended: completed
    means present for the minutes its certificate needs."""
    from webinars.models import Registration, WebinarPage
    from webinars.selectors import presence_minutes_by_attendee

    started = WebinarPage.objects.live().filter(starts_at__lt=timezone.now())
    past = [w for w in started.order_by() if w.is_past]
    if not past:
        return
    webinars = {w.pk: w for w in past}
    settings = {
        s.webinar_id: s
        for s in WebinarCertificateSettings.objects.filter(webinar_id__in=webinars)
    }
    minimum = {
        pk: webinar_minimum_minutes(
            webinar=webinar,
            settings=settings.get(pk) or WebinarCertificateSettings(webinar=webinar),
        )
        for pk, webinar in webinars.items()
    }
    minutes = presence_minutes_by_attendee(webinar_ids=list(webinars))
    certified = set(
        Certificate.objects.filter(
            status=CertificateStatus.VALID, webinar_id__in=webinars
        ).values_list("user_id", "webinar_id")
    )
    registrations = (
        Registration.objects.filter(webinar_id__in=webinars)
        .select_related("user__organisation")
        .order_by()
    )
    for registration in registrations:
        webinar = webinars[registration.webinar_id]
        organisation = registration.user.organisation
        key = (webinar.pk, registration.user_id)
        yield (
            webinar,
            organisation.name if organisation else "",
            organisation.country if organisation else "",
            webinar.starts_at.year,
            minutes.get(key, 0) >= minimum[webinar.pk],
            (registration.user_id, webinar.pk) in certified,
        )


def impact_report(*, dimension: str = "programme") -> list[dict]:
    """Participants, completions and certificates grouped by one dimension.

    Programmes: a participant is an enrolment that held a seat (confirmed, or
    completed); the General Assembly report counts people per programme
    edition, so one official in two programmes counts twice. Webinars that
    have ended count their registrations, completed when the attendee met the
    certificate's minimum minutes. Under "programme" a webinar is its own row.
    """
    if dimension not in REPORT_DIMENSIONS:
        dimension = "programme"
    offices: dict[str, str] = {}
    rows: dict[str, dict] = defaultdict(
        lambda: {"participants": 0, "completions": 0, "certificates": 0}
    )
    participations = itertools.chain(
        _programme_participations(), _webinar_participations()
    )
    for page, organisation, country, year, completed, certified in participations:
        if dimension == "programme":
            key = page.title
        elif dimension == "office":
            key = _office_title(page, offices)
        elif dimension == "country":
            key = country or "—"
        elif dimension == "city":
            key = organisation or "—"
        else:
            key = str(year)
        row = rows[key]
        row["participants"] += 1
        row["completions"] += completed
        row["certificates"] += certified
    return [
        {"label": label, **counts}
        # A→Z regardless of case; the chart and the CSV keep this order.
        for label, counts in sorted(rows.items(), key=lambda item: item[0].casefold())
    ]
