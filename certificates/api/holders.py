"""Holders and the public: one's own certificates, and lookup by code."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.throttling import client_address, retry_after

from .. import selectors
from . import schema
from .serializers import MyCertificateSerializer, PublicCertificateSerializer


class MyCertificatesView(ListAPIView):
    """The signed-in person's certificates (programmes and webinars), newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = MyCertificateSerializer
    filter_backends: list = []

    @schema.my_certificates
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.certificates_of(user=self.request.user)


class CertificateLookupView(APIView):
    """Public verification by code; 20 lookups a minute per address."""

    permission_classes: list = []
    throttle_classes: list = []

    @schema.certificate_lookup
    def get(self, request, code: str):
        if selectors.lookup_limited(address=client_address(request)):
            raise exceptions.Throttled(wait=retry_after(60))
        certificate = selectors.certificate_by_code(code=code)
        if certificate is None:
            raise exceptions.NotFound(_("No certificate has this code."))
        return Response(PublicCertificateSerializer(certificate).data)
