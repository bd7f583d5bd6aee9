"""A webinar's certificates of attendance: who earned one, issue one, or all."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.errors import PermissionDenied

from .. import selectors, services
from . import schema
from .schema.examples import WEBINAR_FORBIDDEN
from .serializers import (
    MyCertificateSerializer,
    WebinarAttendeeSerializer,
    WebinarIssueOneSerializer,
)


def _webinar_for_moderator(request, webinar_id: int):
    webinar = services.webinar_for_issue(webinar_id=webinar_id)
    if not selectors.user_may_issue_webinar(user=request.user, webinar=webinar):
        raise PermissionDenied(WEBINAR_FORBIDDEN[1], code=WEBINAR_FORBIDDEN[0])
    return webinar


class WebinarCertificatesView(APIView):
    """A webinar's certificates of attendance (its hosts, office editors, Secretariat)."""

    permission_classes = [IsAuthenticated]

    @schema.webinar_certificates_attendance
    def get(self, request, webinar_id: int):
        webinar = _webinar_for_moderator(request, webinar_id)
        rows = selectors.webinar_attendance(webinar=webinar)
        return Response(WebinarAttendeeSerializer(rows, many=True).data)

    @schema.webinar_certificates_issue_one
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

    @schema.webinar_certificates_issue
    def post(self, request, webinar_id: int):
        webinar = services.webinar_for_issue(webinar_id=webinar_id)
        job = services.certificates_issue_for_webinar(
            webinar=webinar, actor=request.user
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)
