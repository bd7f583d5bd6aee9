"""A holder's certificates and learning record; public lookup by code; status list."""

from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from courses.models import Enrolment, EnrolmentStatus
from lms.throttling import rate_limit_hit

from ..codes import normalise_code
from ..models import (
    Certificate,
    CertificateStatus,
)


def lookup_limited(*, address: str) -> bool:
    """Count one public lookup from ``address``; True when it is over the
    per-minute limit (``CERTIFICATE_LOOKUPS_PER_MINUTE``). The verify page,
    the PDF, the credential and the API share the one budget."""
    return rate_limit_hit(
        "certificates:lookup",
        address,
        limit=settings.CERTIFICATE_LOOKUPS_PER_MINUTE,
        window=60,
    )


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
