"""Reads about certificates: lookup by code, a person's record, reports, status list."""

from collections import defaultdict

from django.apps import apps
from django.db.models import Q

from courses.models import Enrolment, EnrolmentStatus

from .codes import normalise_code
from .models import Certificate, CertificateStatus, IssuanceJob


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


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate a person typed or scanned, or None (malformed or unknown).

    A malformed code (wrong shape or check character) never reaches the
    database.
    """
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return (
        Certificate.objects.select_related("user", "issued_by", "revoked_by")
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
    return IssuanceJob.objects.select_related("programme").filter(pk=job_id).first()


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
    certificates = {c.programme_id: c for c in certificates_of(user=user)}
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
        "webinars": _webinar_registrations(user),
        "certificates": list(certificates.values()),
    }


REPORT_DIMENSIONS = ("programme", "office", "country", "city", "year")


def impact_report(*, dimension: str = "programme") -> list[dict]:
    """Participants, completions and certificates grouped by one dimension.

    A participant is an enrolment that held a seat (confirmed, or completed);
    the General Assembly report counts people per programme edition, so one
    official in two programmes counts twice.
    """
    if dimension not in REPORT_DIMENSIONS:
        dimension = "programme"
    enrolments = (
        Enrolment.objects.filter(
            Q(status=EnrolmentStatus.CONFIRMED) | Q(completed_at__isnull=False)
        )
        .select_related("programme", "user__organisation", "organisation")
        .order_by()
    )
    certified = set(
        Certificate.objects.filter(status=CertificateStatus.VALID).values_list(
            "user_id", "programme_id"
        )
    )
    offices: dict[int, str] = {}
    rows: dict[str, dict] = defaultdict(
        lambda: {"participants": 0, "completions": 0, "certificates": 0}
    )
    for enrolment in enrolments:
        programme = enrolment.programme
        organisation = enrolment.organisation or enrolment.user.organisation
        if dimension == "programme":
            key = programme.title
        elif dimension == "office":
            if programme.pk not in offices:
                office = programme.office
                offices[programme.pk] = office.title if office else "—"
            key = offices[programme.pk]
        elif dimension == "country":
            key = (organisation.country if organisation else "") or "—"
        elif dimension == "city":
            key = (
                enrolment.organisation_name
                or (organisation.name if organisation else "")
                or "—"
            )
        else:
            key = str(programme.starts_on.year)
        row = rows[key]
        row["participants"] += 1
        if enrolment.completed_at:
            row["completions"] += 1
        if (enrolment.user_id, programme.pk) in certified:
            row["certificates"] += 1
    return [
        {"label": label, **counts}
        for label, counts in sorted(rows.items(), key=lambda item: item[0])
    ]
