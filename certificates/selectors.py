"""Reads about certificates: lookup by code, a person's record, reports, status list."""

import itertools
import math
from collections import defaultdict

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, EnrolmentStatus

from .codes import normalise_code
from .models import (
    Certificate,
    CertificateStatus,
    IssuanceJob,
    WebinarCertificateSettings,
)


def user_may_issue(*, user, programme) -> bool:
    """Trainers of the programme and the Secretariat issue its certificates.

    The same rule as attendance and completion (``courses``): ``is_staff``
    alone is not enough, since office editors are staff for the CMS but do
    not decide who earned a certificate.
    """
    from courses.selectors import user_can_train

    return bool(user_can_train(user=user, programme=programme))


def user_is_secretariat(user) -> bool:
    """Revocation and the impact report belong to the Secretariat."""
    from courses.selectors import user_is_secretariat as is_secretariat

    return bool(user and user.is_active and is_secretariat(user))


def completed_enrolments_for(*, programme):
    """Enrolments with trainer-confirmed completion (``completed_at`` set).

    Courses decides who completed; we additionally insist on the stamp so a
    certificate can never precede the learner's own completion record.
    """
    from courses.selectors import completed_enrolments

    return (
        completed_enrolments(programme=programme)
        .filter(completed_at__isnull=False)
        .select_related("user__organisation", "programme")
    )


def issuable_enrolments(*, programme):
    """The completed enrolments a bulk run issues to: not those whose
    certificate was revoked (a revoked certificate is never issued again)."""
    return completed_enrolments_for(programme=programme).exclude(
        certificate__status=CertificateStatus.REVOKED
    )


def issuable_webinar_attendees(*, webinar) -> list:
    """The attendees a bulk run issues to, leaving out revoked certificates."""
    revoked = set(
        Certificate.objects.filter(
            webinar=webinar, status=CertificateStatus.REVOKED
        ).values_list("user_id", flat=True)
    )
    return [
        u for u in eligible_webinar_attendees(webinar=webinar) if u.pk not in revoked
    ]


def revoked_certificates_of(*, job) -> list:
    """The revoked certificates of a job's programme or webinar, which its
    run leaves out (the job page lists them)."""
    return list(
        Certificate.objects.filter(
            status=CertificateStatus.REVOKED, **job.subject_lookup
        ).order_by("holder_name")
    )


def user_may_issue_webinar(*, user, webinar) -> bool:
    """A webinar's certificates are issued by those who moderate it.

    The Secretariat, the webinar's hosts and its office's editors: the
    webinars app's own rule, so the two never drift apart.
    """
    from webinars.selectors import user_can_moderate

    return bool(user_can_moderate(webinar=webinar, user=user))


def webinar_certificate_settings(*, webinar) -> WebinarCertificateSettings:
    """The webinar's certificate settings (an unsaved default row if none)."""
    return WebinarCertificateSettings.objects.filter(
        webinar_id=webinar.pk
    ).select_related("template").first() or WebinarCertificateSettings(webinar=webinar)


def webinar_minimum_minutes(*, webinar, settings=None) -> int:
    """Minutes of presence a certificate needs: set per webinar, else half its length."""
    settings = settings or webinar_certificate_settings(webinar=webinar)
    if settings.minimum_minutes:
        return settings.minimum_minutes
    return max(1, math.ceil(webinar.duration_minutes / 2))


def webinar_attendee_check(*, webinar, user, minimum: int | None = None) -> dict:
    """Whether one person earned the webinar's certificate, and why (not).

    ``{"user", "minutes", "minimum", "eligible", "code", "reason"}``; the
    minutes are the webinars app's presence record (union of connections).
    """
    from webinars.selectors import presence_minutes, user_is_registered

    minimum = minimum or webinar_minimum_minutes(webinar=webinar)
    name = user.display_name
    result = {"user": user, "minutes": 0, "minimum": minimum}
    if not webinar.is_past:
        return {
            **result,
            "eligible": False,
            "code": "webinar_not_over",
            "reason": _("Certificates are issued once the webinar is over."),
        }
    if not user_is_registered(webinar=webinar, user=user):
        return {
            **result,
            "eligible": False,
            "code": "not_registered",
            "reason": _("%(name)s did not register for this webinar.") % {"name": name},
        }
    minutes = presence_minutes(webinar=webinar, user=user)
    result["minutes"] = minutes
    if minutes < minimum:
        return {
            **result,
            "eligible": False,
            "code": "below_minimum",
            "reason": _(
                "%(name)s attended %(minutes)s minutes; the certificate needs at "
                "least %(minimum)s."
            )
            % {"name": name, "minutes": minutes, "minimum": minimum},
        }
    return {**result, "eligible": True, "code": "", "reason": ""}


def webinar_attendance(*, webinar) -> list[dict]:
    """Every registered person's presence, verdict and certificate, by name."""
    from webinars.models import Registration

    minimum = webinar_minimum_minutes(webinar=webinar)
    issued = {c.user_id: c for c in Certificate.objects.filter(webinar_id=webinar.pk)}
    rows = []
    registrations = (
        Registration.objects.filter(webinar_id=webinar.pk)
        .select_related("user__organisation")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    for registration in registrations:
        row = webinar_attendee_check(
            webinar=webinar, user=registration.user, minimum=minimum
        )
        row["certificate"] = issued.get(registration.user_id)
        rows.append(row)
    return rows


def eligible_webinar_attendees(*, webinar) -> list:
    """The people who met the webinar's minimum presence (bulk issuance)."""
    return [
        row["user"] for row in webinar_attendance(webinar=webinar) if row["eligible"]
    ]


def webinars_may_issue(*, user) -> list:
    """Past webinars whose certificates this person may issue, latest first."""
    from webinars.models import WebinarPage

    webinars = WebinarPage.objects.filter(starts_at__lt=timezone.now()).order_by(
        "-starts_at"
    )
    return [
        w
        for w in webinars
        if w.is_past and user_may_issue_webinar(user=user, webinar=w)
    ]


def user_moderates_any_webinar(*, user) -> bool:
    """Whether the webinar certificates admin list is for this person."""
    from webinars.models import WebinarPage

    if not (user and user.is_authenticated and user.is_active):
        return False
    return any(
        user_may_issue_webinar(user=user, webinar=w)
        for w in WebinarPage.objects.only("pk", "path", "depth")
    )


def webinar_certificate_overview(*, user) -> list[tuple]:
    """(webinar, registered, certificates issued) for the admin list."""
    from django.db.models import Count

    from webinars.models import Registration

    webinars = webinars_may_issue(user=user)
    ids = [w.pk for w in webinars]

    def counts(queryset) -> dict:
        return dict(
            queryset.filter(webinar_id__in=ids)
            .values("webinar_id")
            .annotate(n=Count("pk"))
            .values_list("webinar_id", "n")
        )

    registered = counts(Registration.objects)
    issued = counts(Certificate.objects)
    return [(w, registered.get(w.pk, 0), issued.get(w.pk, 0)) for w in webinars]


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate a person typed or scanned, or None (malformed or unknown).

    A malformed code (wrong shape or check character) never reaches the
    database.
    """
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return (
        Certificate.objects.select_related(
            "user", "issued_by", "revoked_by", "webinar", "template"
        )
        .filter(code=canonical)
        .first()
    )


def certificates_of(*, user):
    return Certificate.objects.filter(user=user).order_by("-issued_at")


def revoked_status_indexes() -> list[int]:
    """Bits to set in the published revocation list."""
    return list(
        Certificate.objects.filter(status=CertificateStatus.REVOKED).values_list(
            "status_list_index", flat=True
        )
    )


def job_for(*, job_id: int) -> IssuanceJob | None:
    return (
        IssuanceJob.objects.select_related("programme", "webinar")
        .filter(pk=job_id)
        .first()
    )


def user_may_follow_job(*, user, job) -> bool:
    """Who issues a job's certificates may watch its progress."""
    if job.webinar_id:
        return user_may_issue_webinar(user=user, webinar=job.webinar)
    return user_may_issue(user=user, programme=job.programme)


def _webinar_registrations(user) -> list:
    try:
        registration = apps.get_model("webinars", "Registration")
    except LookupError:
        return []
    return list(
        registration.objects.filter(user=user)
        .select_related("webinar")
        .order_by("webinar__starts_at")
    )


def learning_record(*, user) -> dict:
    """Everything one official took part in across years, for an HR transcript."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status__in=[EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED])
        .select_related("programme")
        .order_by("programme__starts_on")
    )
    every = list(certificates_of(user=user))
    certificates = {c.programme_id: c for c in every if c.programme_id}
    webinar_certificates = {c.webinar_id: c for c in every if c.webinar_id}
    registrations = _webinar_registrations(user)
    return {
        "programmes": [
            {
                "enrolment": e,
                "programme": e.programme,
                "completed": e.completed_at is not None,
                "certificate": certificates.get(e.programme_id),
            }
            for e in enrolments
        ],
        "webinars": registrations,
        "webinar_rows": [
            {
                "registration": r,
                "webinar": r.webinar,
                "certificate": webinar_certificates.get(r.webinar_id),
            }
            for r in registrations
        ],
        "certificates": every,
    }


def my_learning(*, user) -> dict:
    """One person's programmes, webinars and certificates, newest year first.

    The learning record (the same rows as the PDF transcript) with what the
    page adds: each programme's completion as its trainers see it, each
    webinar's state (upcoming, live, attended with minutes) and the years,
    so "My learning" and the PDF beside it never disagree.
    """
    from courses.selectors import completion_status
    from webinars.selectors import presence_minutes_by_attendee

    record = learning_record(user=user)
    now = timezone.now()
    today = timezone.localdate()
    for row in record["programmes"]:
        enrolment = row["enrolment"]
        # Attendance once the programme has begun (before, there is none).
        row["completion"] = (
            completion_status(enrolment=enrolment)
            if enrolment.status == EnrolmentStatus.CONFIRMED
            and row["programme"].starts_on <= today
            else None
        )
    minutes = presence_minutes_by_attendee(
        webinar_ids=[r["webinar"].pk for r in record["webinar_rows"]]
    )
    for row in record["webinar_rows"]:
        webinar = row["webinar"]
        row["minutes"] = minutes.get((webinar.pk, user.pk), 0)
        row["is_live"] = webinar.is_live_at(now)
        row["is_upcoming"] = webinar.starts_at > now
    years: dict[int, dict] = defaultdict(lambda: {"programmes": [], "webinars": []})
    for row in record["programmes"]:
        years[row["programme"].starts_on.year]["programmes"].append(row)
    for row in record["webinar_rows"]:
        years[row["webinar"].starts_at.year]["webinars"].append(row)
    for group in years.values():
        group["programmes"].sort(key=lambda r: r["programme"].starts_on, reverse=True)
        group["webinars"].sort(key=lambda r: r["webinar"].starts_at, reverse=True)
    record["years"] = [
        {"year": year, **years[year]} for year in sorted(years, reverse=True)
    ]
    return record


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
