"""OpenAPI for holders and the public: one's own certificates, lookup by code."""

from drf_spectacular.utils import extend_schema

from lms.api import error_responses, ok_example

from ..serializers import MyCertificateSerializer, PublicCertificateSerializer
from .examples import (
    CODE_NOT_FOUND,
    MY_CERTIFICATES_EXAMPLE,
    PUBLIC_EXAMPLE,
    REVOKED_EXAMPLE,
    WEBINAR_EXAMPLE,
)

my_certificates = extend_schema(
    operation_id="my_certificates",
    responses={200: MyCertificateSerializer(many=True), **error_responses(401)},
    examples=[ok_example("Two certificates", MY_CERTIFICATES_EXAMPLE)],
)

certificate_lookup = extend_schema(
    operation_id="certificate_lookup",
    responses={
        200: PublicCertificateSerializer,
        **error_responses(404, 429, codes={404: [CODE_NOT_FOUND]}),
    },
    examples=[
        ok_example("Valid", PUBLIC_EXAMPLE),
        ok_example("Revoked", REVOKED_EXAMPLE),
        ok_example("Webinar attendance", WEBINAR_EXAMPLE),
    ],
    auth=[],
)
