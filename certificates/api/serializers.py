"""The shapes of the certificates API: certificates, job progress, webinar attendance."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from lms.links import base_url

from ..models import Certificate


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
