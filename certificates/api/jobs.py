"""Bulk issuance jobs: start a programme's run, follow its progress, resume it."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from . import schema


def job_progress(job) -> dict:
    return {
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "new": job.issued_new,
        "already_issued": job.already_issued,
    }


def followed_job(request, job_id: int):
    """The job, if the caller may follow it; 404 otherwise (not only absent)."""
    job = selectors.job_for(job_id=job_id)
    if job is None or not selectors.user_may_follow_job(user=request.user, job=job):
        raise exceptions.NotFound(_("No such job."))
    return job


class IssueView(APIView):
    """Start issuing the programme's certificates (its trainers, the Secretariat).

    Certificates go to every participant with trainer-confirmed completion;
    a re-run never issues anyone a second one. Poll ``GET jobs/{job}/``.
    """

    permission_classes = [IsAuthenticated]

    @schema.programme_certificates_issue
    def post(self, request, programme_id: int):
        programme = services.programme_for_issue(programme_id=programme_id)
        job = services.certificates_issue_for_programme(
            programme=programme, actor=request.user
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class JobView(APIView):
    """Progress of a bulk issuance job (programme or webinar)."""

    permission_classes = [IsAuthenticated]

    @schema.certificate_job_progress
    def get(self, request, job_id: int):
        return Response(job_progress(followed_job(request, job_id)))


class JobResumeView(APIView):
    """Run an unfinished or failed job again (e.g. after its worker was killed).

    Whatever exists is reused: nobody is issued, rendered or e-mailed twice.
    """

    permission_classes = [IsAuthenticated]

    @schema.certificate_job_resume
    def post(self, request, job_id: int):
        job = followed_job(request, job_id)
        job = services.job_resume(job=job, actor=request.user)
        return Response(job_progress(job), status=status.HTTP_202_ACCEPTED)
