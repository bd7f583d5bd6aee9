"""REST API for certificates (CONTRACT.md): issuance jobs, mine, public lookup.

Programmes and webinars share one job resource (``GET jobs/{id}/``); webinars
add an attendance list and single issuance, since their rule (minimum
presence) is decided here rather than by a trainer's confirmation.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import error_responses, ok_example, request_example
from lms.errors import PermissionDenied
from lms.links import base_url

from . import selectors, services
from .models import Certificate
from .ratelimit import lookup_allowed

CODE_EXAMPLE = "WG-R8HK-7HDB-YVJP-KWHW-34YH-X"
BASE_EXAMPLE = "https://learning.wego.example"


class PublicCertificateSerializer(serializers.ModelSerializer):
    # A plain string in the schema: "valid" or "revoked" (avoids an enum-name
    # collision with other apps' "status" fields).
    status = serializers.CharField(help_text='"valid" or "revoked".')
    kind = serializers.CharField(
        read_only=True,
        help_text='"programme" (certificate of completion) or "webinar" '
        "(certificate of attendance).",
    )
    holder = serializers.CharField(source="holder_name")
    programme = serializers.CharField(
        source="programme_title",
        help_text="Title of the programme, or of the webinar for attendance.",
    )
    issued_on = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "status",
            "kind",
            "holder",
            "programme",
            "issued_on",
            "revoked_reason",
        ]

    def get_issued_on(self, obj) -> str:
        return obj.issued_at.date().isoformat()


class MyCertificateSerializer(PublicCertificateSerializer):
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()

    class Meta(PublicCertificateSerializer.Meta):
        fields = [
            *PublicCertificateSerializer.Meta.fields,
            "organisation_name",
            "office_name",
            "starts_on",
            "ends_on",
            "verify_url",
            "pdf_url",
            "credential_url",
        ]

    def _absolute(self, path: str) -> str:
        return base_url() + path

    def get_verify_url(self, obj) -> str:
        return self._absolute(obj.get_absolute_url())

    def get_pdf_url(self, obj) -> str:
        return self._absolute(obj.pdf_url)

    def get_credential_url(self, obj) -> str:
        return self._absolute(obj.credential_url)


JobSerializer = inline_serializer(
    "IssuanceJobProgress",
    {
        "state": serializers.ChoiceField(["queued", "running", "done", "failed"]),
        "done": serializers.IntegerField(),
        "total": serializers.IntegerField(),
        "new": serializers.IntegerField(
            help_text="Certificates this run created; 0 when everyone it "
            "counts already held one (a second run)."
        ),
        "already_issued": serializers.IntegerField(
            help_text="People who held a valid certificate before the run."
        ),
    },
)


def _job_progress(job) -> dict:
    return {
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "new": job.issued_new,
        "already_issued": job.already_issued,
    }


JobCreatedSerializer = inline_serializer(
    "IssuanceJob", {"job": serializers.IntegerField()}
)


class WebinarAttendeeSerializer(serializers.Serializer):
    """One registered person: presence minutes and whether they earned it."""

    user = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.display_name")
    minutes = serializers.IntegerField(help_text="Minutes present (live page).")
    minimum = serializers.IntegerField(help_text="Minutes the certificate needs.")
    eligible = serializers.BooleanField()
    code = serializers.CharField(
        help_text='Why not: "below_minimum", "not_registered", "webinar_not_over"; '
        "empty when eligible."
    )
    reason = serializers.CharField(help_text="Why not, as a sentence.")
    certificate = serializers.SerializerMethodField(
        help_text="Verification code of the issued certificate, if any."
    )

    def get_certificate(self, row) -> str | None:
        certificate = row.get("certificate")
        return certificate.code if certificate else None


class WebinarIssueOneSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The attendee's user id."
    )


PUBLIC_EXAMPLE = {
    "code": CODE_EXAMPLE,
    "status": "valid",
    "kind": "programme",
    "holder": "Nguyen Thi Lan",
    "programme": "Seoul Program 2016",
    "issued_on": "2016-10-24",
    "revoked_reason": "",
}
REVOKED_EXAMPLE = {
    **PUBLIC_EXAMPLE,
    "code": "WG-T6KV-8V0A-WR0H-3PT7-YCAV-Y",
    "status": "revoked",
    "holder": "Tran Van Minh",
    "revoked_reason": "Issued in error: completion was confirmed for the wrong "
    "participant; the trainers have corrected the attendance record.",
}
WEBINAR_EXAMPLE = {
    **PUBLIC_EXAMPLE,
    "code": "WG-0QXP-E7W3-5ZHD-CFV2-7AAM-3",
    "kind": "webinar",
    "holder": "Aigerim Bekova",
    "programme": "Using the CeDS self-assessment tool",
    "issued_on": "2016-03-25",
}


def _mine_example(public: dict, **fields) -> dict:
    return {
        **public,
        **fields,
        "verify_url": f"{BASE_EXAMPLE}/certificates/verify/{public['code']}/",
        "pdf_url": f"{BASE_EXAMPLE}/certificates/{public['code']}/certificate.pdf",
        "credential_url": (
            f"{BASE_EXAMPLE}/certificates/{public['code']}/credential.json"
        ),
    }


JOB_ERRORS = {
    403: [
        (
            "not_trainer",
            "Only the programme's trainers and the Secretariat issue certificates.",
        )
    ],
    404: [("not_found", "No such programme.")],
}
WEBINAR_FORBIDDEN = (
    "not_moderator",
    "Only the webinar's hosts, its office's editors and the Secretariat issue "
    "its certificates.",
)


class IssueView(APIView):
    """Start issuing the programme's certificates (its trainers, the Secretariat).

    Certificates go to every participant with trainer-confirmed completion;
    a re-run never issues anyone a second one. Poll ``GET jobs/{job}/``.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="programme_certificates_issue",
        request=None,
        responses={
            202: JobCreatedSerializer,
            **error_responses(401, 403, 404, codes=JOB_ERRORS),
        },
        examples=[ok_example("Job started", {"job": 412}, 202)],
    )
    def post(self, request, programme_id: int):
        programme = services.programme_for_issue(programme_id=programme_id)
        job = services.certificates_issue_for_programme(
            programme=programme, actor=request.user
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class JobView(APIView):
    """Progress of a bulk issuance job (programme or webinar)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="certificate_job_progress",
        responses={
            200: JobSerializer,
            **error_responses(401, 404, codes={404: [("not_found", "No such job.")]}),
        },
        examples=[
            ok_example(
                "Running",
                {
                    "state": "running",
                    "done": 14,
                    "total": 38,
                    "new": 14,
                    "already_issued": 0,
                },
            ),
            ok_example(
                "Done",
                {
                    "state": "done",
                    "done": 38,
                    "total": 38,
                    "new": 38,
                    "already_issued": 0,
                },
            ),
            ok_example(
                "A second run: nothing new",
                {
                    "state": "done",
                    "done": 38,
                    "total": 38,
                    "new": 0,
                    "already_issued": 38,
                },
            ),
        ],
    )
    def get(self, request, job_id: int):
        job = selectors.job_for(job_id=job_id)
        if job is None or not selectors.user_may_follow_job(user=request.user, job=job):
            raise exceptions.NotFound(_("No such job."))
        return Response(_job_progress(job))


class JobResumeView(APIView):
    """Run an unfinished or failed job again (e.g. after its worker was killed).

    Whatever exists is reused: nobody is issued, rendered or e-mailed twice.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="certificate_job_resume",
        request=None,
        responses={
            202: JobSerializer,
            **error_responses(
                401,
                404,
                409,
                codes={
                    404: [("not_found", "No such job.")],
                    409: [("job_done", "This issuance run has finished.")],
                },
            ),
        },
        examples=[
            ok_example(
                "Queued again",
                {
                    "state": "queued",
                    "done": 9,
                    "total": 24,
                    "new": 9,
                    "already_issued": 0,
                },
                202,
            )
        ],
    )
    def post(self, request, job_id: int):
        job = selectors.job_for(job_id=job_id)
        if job is None or not selectors.user_may_follow_job(user=request.user, job=job):
            raise exceptions.NotFound(_("No such job."))
        job = services.job_resume(job=job, actor=request.user)
        return Response(_job_progress(job), status=status.HTTP_202_ACCEPTED)


def _webinar_for_moderator(request, webinar_id: int):
    webinar = services.webinar_for_issue(webinar_id=webinar_id)
    if not selectors.user_may_issue_webinar(user=request.user, webinar=webinar):
        raise PermissionDenied(WEBINAR_FORBIDDEN[1], code=WEBINAR_FORBIDDEN[0])
    return webinar


WEBINAR_ATTENDANCE_EXAMPLE = [
    {
        "user": 57,
        "name": "Aigerim Bekova",
        "minutes": 71,
        "minimum": 38,
        "eligible": True,
        "code": "",
        "reason": "",
        "certificate": "WG-0QXP-E7W3-5ZHD-CFV2-7AAM-3",
    },
    {
        "user": 63,
        "name": "Carlos Mendoza",
        "minutes": 12,
        "minimum": 38,
        "eligible": False,
        "code": "below_minimum",
        "reason": "Carlos Mendoza attended 12 minutes; the certificate needs at "
        "least 38.",
        "certificate": None,
    },
]


class WebinarCertificatesView(APIView):
    """A webinar's certificates of attendance (its hosts, office editors, Secretariat)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="webinar_certificates_attendance",
        summary="Attendees, presence minutes and who earned a certificate",
        responses={
            200: WebinarAttendeeSerializer(many=True),
            **error_responses(
                401,
                403,
                404,
                codes={
                    403: [WEBINAR_FORBIDDEN],
                    404: [("not_found", "No such webinar.")],
                },
            ),
        },
        examples=[ok_example("Two attendees", WEBINAR_ATTENDANCE_EXAMPLE)],
    )
    def get(self, request, webinar_id: int):
        webinar = _webinar_for_moderator(request, webinar_id)
        rows = selectors.webinar_attendance(webinar=webinar)
        return Response(WebinarAttendeeSerializer(rows, many=True).data)

    @extend_schema(
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
                    400: [
                        (
                            "invalid",
                            "The request is not valid; see 'errors' for each field.",
                        ),
                        (
                            "below_minimum",
                            "Carlos Mendoza attended 12 minutes; the certificate "
                            "needs at least 38.",
                        ),
                        (
                            "not_registered",
                            "Ana Silva did not register for this webinar.",
                        ),
                        (
                            "webinar_not_over",
                            "Certificates are issued once the webinar is over.",
                        ),
                    ],
                    403: [WEBINAR_FORBIDDEN],
                    404: [("not_found", "No such webinar.")],
                    409: [
                        (
                            "already_issued",
                            "A certificate was already issued for this webinar.",
                        ),
                        (
                            "certificate_revoked",
                            "This certificate was revoked; it is not issued again.",
                        ),
                    ],
                },
            ),
        },
        examples=[
            request_example("Attendee", {"user": 57}),
            ok_example(
                "Issued",
                _mine_example(
                    WEBINAR_EXAMPLE,
                    organisation_name="Almaty",
                    office_name="WeGO Secretariat",
                    starts_on="2016-03-22",
                    ends_on="2016-03-22",
                ),
                201,
            ),
        ],
    )
    def post(self, request, webinar_id: int):
        webinar = _webinar_for_moderator(request, webinar_id)
        body = WebinarIssueOneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(pk=body.validated_data["user"]).first()
        if user is None:
            raise exceptions.NotFound(_("No such person."))
        certificate = services.webinar_certificate_issue(
            webinar=webinar, user=user, actor=request.user
        )
        return Response(
            MyCertificateSerializer(certificate).data, status=status.HTTP_201_CREATED
        )


class WebinarIssueView(APIView):
    """Start issuing a webinar's certificates to every attendee who met its minimum.

    The same job as programmes: poll ``GET jobs/{job}/``; a re-run never
    issues anyone a second certificate.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
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
                    400: [
                        (
                            "webinar_not_over",
                            "Certificates are issued once the webinar is over.",
                        )
                    ],
                    403: [WEBINAR_FORBIDDEN],
                    404: [("not_found", "No such webinar.")],
                },
            ),
        },
        examples=[ok_example("Job started", {"job": 413}, 202)],
    )
    def post(self, request, webinar_id: int):
        webinar = services.webinar_for_issue(webinar_id=webinar_id)
        job = services.certificates_issue_for_webinar(
            webinar=webinar, actor=request.user
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class MyCertificatesView(ListAPIView):
    """The signed-in person's certificates (programmes and webinars), newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = MyCertificateSerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="my_certificates",
        responses={200: MyCertificateSerializer(many=True), **error_responses(401)},
        examples=[
            ok_example(
                "Two certificates",
                {
                    "count": 2,
                    "next": None,
                    "previous": None,
                    "results": [
                        _mine_example(
                            WEBINAR_EXAMPLE,
                            organisation_name="Almaty",
                            office_name="WeGO Secretariat",
                            starts_on="2016-03-22",
                            ends_on="2016-03-22",
                        ),
                        _mine_example(
                            PUBLIC_EXAMPLE,
                            organisation_name="Hanoi",
                            office_name="WeGO Secretariat",
                            starts_on="2016-10-10",
                            ends_on="2016-10-21",
                        ),
                    ],
                },
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.certificates_of(user=self.request.user)


class CertificateLookupView(APIView):
    """Public verification by code; 20 lookups a minute per address."""

    permission_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="certificate_lookup",
        responses={
            200: PublicCertificateSerializer,
            **error_responses(
                404,
                429,
                codes={404: [("not_found", "No certificate has this code.")]},
            ),
        },
        examples=[
            ok_example("Valid", PUBLIC_EXAMPLE),
            ok_example("Revoked", REVOKED_EXAMPLE),
            ok_example("Webinar attendance", WEBINAR_EXAMPLE),
        ],
        auth=[],
    )
    def get(self, request, code: str):
        allowed, retry_after = lookup_allowed(request)
        if not allowed:
            raise exceptions.Throttled(wait=retry_after)
        certificate = selectors.certificate_by_code(code=code)
        if certificate is None:
            raise exceptions.NotFound(_("No certificate has this code."))
        return Response(PublicCertificateSerializer(certificate).data)
