"""OpenAPI for a webinar's certificates of attendance: the list, one, or a run."""

from drf_spectacular.utils import extend_schema

from lms.api import error_responses, ok_example, request_example

from ..serializers import (
    JobCreatedSerializer,
    MyCertificateSerializer,
    WebinarAttendeeSerializer,
    WebinarIssueOneSerializer,
)
from .examples import (
    ALREADY_ISSUED,
    BELOW_MINIMUM,
    CERTIFICATE_REVOKED,
    INVALID,
    NOT_REGISTERED,
    WEBINAR_ATTENDANCE_EXAMPLE,
    WEBINAR_FORBIDDEN,
    WEBINAR_MINE_EXAMPLE,
    WEBINAR_NOT_FOUND,
    WEBINAR_NOT_OVER,
)

webinar_certificates_attendance = extend_schema(
    operation_id="webinar_certificates_attendance",
    summary="Attendees, presence minutes and who earned a certificate",
    responses={
        200: WebinarAttendeeSerializer(many=True),
        **error_responses(
            401,
            403,
            404,
            codes={403: [WEBINAR_FORBIDDEN], 404: [WEBINAR_NOT_FOUND]},
        ),
    },
    examples=[ok_example("Two attendees", WEBINAR_ATTENDANCE_EXAMPLE)],
)

webinar_certificates_issue_one = extend_schema(
    operation_id="webinar_certificates_issue_one",
    summary="Issue one attendee's certificate",
    request=WebinarIssueOneSerializer,
    responses={
        201: MyCertificateSerializer,
        **error_responses(
            400,
            401,
            403,
            404,
            409,
            codes={
                400: [INVALID, BELOW_MINIMUM, NOT_REGISTERED, WEBINAR_NOT_OVER],
                403: [WEBINAR_FORBIDDEN],
                404: [WEBINAR_NOT_FOUND],
                409: [ALREADY_ISSUED, CERTIFICATE_REVOKED],
            },
        ),
    },
    examples=[
        request_example("Attendee", {"user": 57}),
        ok_example("Issued", WEBINAR_MINE_EXAMPLE, 201),
    ],
)

webinar_certificates_issue = extend_schema(
    operation_id="webinar_certificates_issue",
    request=None,
    responses={
        202: JobCreatedSerializer,
        **error_responses(
            400,
            401,
            403,
            404,
            codes={
                400: [WEBINAR_NOT_OVER],
                403: [WEBINAR_FORBIDDEN],
                404: [WEBINAR_NOT_FOUND],
            },
        ),
    },
    examples=[ok_example("Job started", {"job": 413}, 202)],
)
