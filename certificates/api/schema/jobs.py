"""OpenAPI for bulk issuance jobs: start a programme's run, follow it, resume it."""

from drf_spectacular.utils import extend_schema

from lms.api import error_responses, ok_example

from ..serializers import JobCreatedSerializer, JobSerializer
from .examples import (
    JOB_DONE,
    JOB_DONE_EXAMPLE,
    JOB_ERRORS,
    JOB_NOT_FOUND,
    JOB_QUEUED_AGAIN_EXAMPLE,
    JOB_RUNNING_EXAMPLE,
    JOB_SECOND_RUN_EXAMPLE,
)

programme_certificates_issue = extend_schema(
    operation_id="programme_certificates_issue",
    request=None,
    responses={
        202: JobCreatedSerializer,
        **error_responses(401, 403, 404, codes=JOB_ERRORS),
    },
    examples=[ok_example("Job started", {"job": 412}, 202)],
)

certificate_job_progress = extend_schema(
    operation_id="certificate_job_progress",
    responses={
        200: JobSerializer,
        **error_responses(401, 404, codes={404: [JOB_NOT_FOUND]}),
    },
    examples=[
        ok_example("Running", JOB_RUNNING_EXAMPLE),
        ok_example("Done", JOB_DONE_EXAMPLE),
        ok_example("A second run: nothing new", JOB_SECOND_RUN_EXAMPLE),
    ],
)

certificate_job_resume = extend_schema(
    operation_id="certificate_job_resume",
    request=None,
    responses={
        202: JobSerializer,
        **error_responses(401, 404, 409, codes={404: [JOB_NOT_FOUND], 409: [JOB_DONE]}),
    },
    examples=[ok_example("Queued again", JOB_QUEUED_AGAIN_EXAMPLE, 202)],
)
