"""Whom a run issues to: confirmed completions, eligible attendees, jobs."""

from ..models import (
    Certificate,
    CertificateStatus,
    IssuanceJob,
)
from .webinars import eligible_webinar_attendees


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


def job_for(*, job_id: int) -> IssuanceJob | None:
    return (
        IssuanceJob.objects.select_related("programme", "webinar")
        .filter(pk=job_id)
        .first()
    )
