"""Bulk issuance jobs: start, run (safe to re-run after a crash), resume, progress."""

import functools
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError

from ..models import (
    Certificate,
    CertificateStatus,
    IssuanceJob,
    JobState,
)
from ..selectors import (
    issuable_enrolments,
    issuable_webinar_attendees,
)
from .issue import _enqueue_render, _require_issuer, certificate_ensure
from .notify import certificate_notify
from .render import certificate_render
from .webinars import _require_webinar_issuer, webinar_certificate_ensure

logger = logging.getLogger(__name__)


MAX_JOB_ATTEMPTS = 3


@transaction.atomic
def certificates_issue_for_programme(*, programme, actor) -> IssuanceJob:
    """Start a bulk issuance job for everyone with confirmed completion.

    The job row is the progress record the page and the API poll; the task
    that does the work is enqueued after commit.
    """
    _require_issuer(actor=actor, programme=programme)
    job = IssuanceJob.objects.create(
        programme=programme,
        requested_by=actor,
        total=issuable_enrolments(programme=programme).count(),
    )
    from ..tasks import issue_programme_certificates

    transaction.on_commit(
        lambda: issue_programme_certificates.delay(job.pk), robust=True
    )
    return job


@transaction.atomic
def certificates_issue_for_webinar(*, webinar, actor) -> IssuanceJob:
    """Start a bulk job for every attendee who met the webinar's minimum.

    The same job row, task and per-certificate rendering as programmes.
    """
    _require_webinar_issuer(actor=actor, webinar=webinar)
    if not webinar.is_past:
        raise DomainError(
            _("Certificates are issued once the webinar is over."),
            code="webinar_not_over",
        )
    job = IssuanceJob.objects.create(
        webinar=webinar,
        requested_by=actor,
        total=len(issuable_webinar_attendees(webinar=webinar)),
    )
    from ..tasks import issue_programme_certificates

    transaction.on_commit(
        lambda: issue_programme_certificates.delay(job.pk), robust=True
    )
    return job


def _job_items(job) -> list[tuple[dict, int, object]]:
    """(error key, user id, ensure-callable) per person the job issues to."""
    if job.webinar_id:
        webinar = job.webinar
        return [
            (
                {"user": user.pk},
                user.pk,
                functools.partial(
                    webinar_certificate_ensure,
                    webinar=webinar,
                    user=user,
                    actor=job.requested_by,
                ),
            )
            for user in issuable_webinar_attendees(webinar=webinar)
        ]
    return [
        (
            {"enrolment": enrolment.pk},
            enrolment.user_id,
            functools.partial(
                certificate_ensure, enrolment=enrolment, actor=job.requested_by
            ),
        )
        for enrolment in issuable_enrolments(programme=job.programme)
    ]


def _already_issued(job, user_ids: list[int]) -> int:
    """How many of these people hold a valid certificate of the job's subject."""
    return Certificate.objects.filter(
        status=CertificateStatus.VALID, user_id__in=user_ids, **job.subject_lookup
    ).count()


def job_run(*, job_id: int) -> IssuanceJob:
    """Run a bulk job: ensure each certificate, then have its PDF rendered.

    Safe to run again after a crash: certificates already issued are reused,
    PDFs already stored are counted without rendering. Deliveries are counted
    in our own row; after ``MAX_JOB_ATTEMPTS`` the job is marked failed rather
    than looping forever (a poison job must not keep a worker busy).
    """
    with transaction.atomic():
        job = IssuanceJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        if job.attempts >= MAX_JOB_ATTEMPTS:
            job.state = JobState.FAILED
            job.finished_at = timezone.now()
            job.errors = [*job.errors, {"detail": "gave up after repeated crashes"}]
            job.save(update_fields=["state", "finished_at", "errors"])
            logger.error(
                "certificate job %s failed after %s attempts", job.pk, job.attempts
            )
            return job
        items = _job_items(job)
        if job.started_at is None:
            # Counted once, before this run creates anything: a resumed run
            # keeps the first count, so "new" stays what this run added.
            job.already_issued = _already_issued(job, [u for _k, u, _e in items])
        job.attempts += 1
        job.state = JobState.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.total = len(items)
        job.done = 0
        job.errors = []
        job.save()

    errors = []
    for key, _user_id, ensure in items:
        try:
            with transaction.atomic():
                certificate, _created = ensure()
                if certificate.pdf and certificate.emailed_at:
                    _job_progress(job_id=job.pk)
                else:
                    # Missing PDF, or a crash between storing it and the
                    # e-mail: the task does what is left, once.
                    _enqueue_render(certificate_id=certificate.pk, job_id=job.pk)
        except DomainError as exc:
            errors.append({**key, "code": exc.code, "detail": exc.message})
    with transaction.atomic():
        IssuanceJob.objects.filter(pk=job.pk).update(errors=errors)
        _job_maybe_finish(job_id=job.pk)
    job.refresh_from_db()
    return job


def _job_progress(*, job_id: int) -> None:
    """Recount the job's stored PDFs (not +1: a re-delivered task, or two
    deliveries racing after a worker was killed, must not count twice, and
    one killed after storing its PDF must still be counted)."""
    job = IssuanceJob.objects.select_for_update().get(pk=job_id)
    stored = (
        Certificate.objects.filter(status=CertificateStatus.VALID, **job.subject_lookup)
        .exclude(pdf="")
        .count()
    )
    IssuanceJob.objects.filter(pk=job_id).update(done=min(stored, job.total))
    _job_maybe_finish(job_id=job_id)


@transaction.atomic
def job_resume(*, job, actor) -> IssuanceJob:
    """Run an unfinished (or failed) job again, e.g. after its worker died.

    Deliveries lost with a killed worker come back only after the broker's
    visibility timeout (hours); resuming re-enqueues the job now. Whatever
    exists is reused, so nothing is issued, stored or e-mailed twice.
    """
    job = IssuanceJob.objects.select_for_update().get(pk=job.pk)
    if job.webinar_id:
        _require_webinar_issuer(actor=actor, webinar=job.webinar)
    else:
        _require_issuer(actor=actor, programme=job.programme)
    if job.state == JobState.DONE:
        raise Conflict(_("This issuance run has finished."), code="job_done")
    job.state = JobState.QUEUED
    job.attempts = 0
    job.finished_at = None
    job.save(update_fields=["state", "attempts", "finished_at"])
    from ..tasks import issue_programme_certificates

    transaction.on_commit(
        lambda: issue_programme_certificates.delay(job.pk), robust=True
    )
    logger.warning("certificate job %s resumed by %s", job.pk, actor.pk)
    return job


def _job_maybe_finish(*, job_id: int) -> None:
    job = IssuanceJob.objects.select_for_update().get(pk=job_id)
    if job.state == JobState.RUNNING and job.done + len(job.errors) >= job.total:
        job.state = JobState.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "finished_at"])


def certificate_publish(*, certificate_id: int, job_id: int | None = None) -> None:
    """The task body: PDF, then the e-mail, then the job's progress."""
    certificate_render(certificate_id=certificate_id)
    certificate_notify(certificate_id=certificate_id)
    if job_id is not None:
        with transaction.atomic():
            _job_progress(job_id=job_id)
