"""REST API for certificates (CONTRACT.md): issuance jobs, mine, public lookup."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import ErrorSerializer

from . import selectors, services
from .models import Certificate
from .ratelimit import lookup_allowed


class PublicCertificateSerializer(serializers.ModelSerializer):
    # A plain string in the schema: "valid" or "revoked" (avoids an enum-name
    # collision with other apps' "status" fields).
    status = serializers.CharField(help_text='"valid" or "revoked".')
    holder = serializers.CharField(source="holder_name")
    programme = serializers.CharField(source="programme_title")
    issued_on = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "status",
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
        return settings.BASE_URL.rstrip("/") + path

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
    },
)


class IssueView(APIView):
    """Start issuing the programme's certificates (its trainers, the Secretariat)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("IssuanceJob", {"job": serializers.IntegerField()}),
            403: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request, programme_id: int):
        programme = services.programme_for_issue(programme_id=programme_id)
        job = services.certificates_issue_for_programme(
            programme=programme, actor=request.user
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class JobView(APIView):
    """Progress of a bulk issuance job."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: JobSerializer, 404: OpenApiResponse(ErrorSerializer)}
    )
    def get(self, request, job_id: int):
        job = selectors.job_for(job_id=job_id)
        if job is None or not selectors.user_may_issue(
            user=request.user, programme=job.programme
        ):
            raise exceptions.NotFound(_("No such job."))
        return Response({"state": job.state, "done": job.done, "total": job.total})


class MyCertificatesView(ListAPIView):
    """The signed-in person's certificates, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = MyCertificateSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.certificates_of(user=self.request.user)


class CertificateLookupView(APIView):
    """Public verification by code; 20 lookups a minute per address."""

    permission_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        responses={
            200: PublicCertificateSerializer,
            404: OpenApiResponse(ErrorSerializer),
            429: OpenApiResponse(ErrorSerializer),
        },
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
