"""Enrolments: apply, nominate a delegation, withdraw, and one's own list."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from lms.errors import DomainError
from lms.parsers import JSONParser

from .. import selectors, services
from ..models import Enrolment
from . import schema
from .base import CoursesAPIView, programme_or_404
from .serializers import (
    ApplyResultSerializer,
    ApplySerializer,
    MyEnrolmentSerializer,
    NominateSerializer,
    NominationSerializer,
)


class EnrolView(CoursesAPIView):
    """Apply: confirmed, waitlisted or pending approval, decided under the seat lock.

    After a withdrawal the same enrolment id is re-opened as a new
    application; a rejected application cannot be made again (409
    ``already_enrolled``, saying why).
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @schema.enrolment_apply
    def post(self, request, pk: int):
        programme = programme_or_404(pk)
        serializer = ApplySerializer(data=request.data)
        if not serializer.is_valid():
            raise DomainError(
                _("Some answers are missing or not valid."),
                code="invalid_answers",
                errors=serializer.errors,
            )
        enrolment = services.enrolment_apply(
            programme=programme,
            user=request.user,
            answers=serializer.validated_data.get("answers"),
            letter=serializer.validated_data.get("letter"),
            colleagues=serializer.validated_data.get("colleagues") or None,
        )
        return Response(
            ApplyResultSerializer(enrolment).data, status=status.HTTP_201_CREATED
        )


class NominationView(CoursesAPIView):
    """A city's focal point nominates its officials; they are enrolled together.

    The nomination is the focal point's endorsement: nominees go to approval
    (if the programme has one) or straight to seats, as one delegation.
    """

    permission_classes = [IsAuthenticated]

    @schema.enrolment_nominate
    def post(self, request, pk: int):
        programme = programme_or_404(pk)
        services.nominating_organisation(nominator=request.user, programme=programme)
        serializer = NominateSerializer(data=request.data)
        if not serializer.is_valid():
            raise DomainError(
                _("Some e-mail addresses or answers are not valid."),
                code="invalid_answers",
                errors=serializer.errors,
            )
        enrolments = services.enrolment_nominate(
            programme=programme,
            nominator=request.user,
            emails=serializer.validated_data["emails"],
            answers=serializer.validated_data.get("answers"),
        )
        return Response(
            NominationSerializer(enrolments, many=True).data,
            status=status.HTTP_201_CREATED,
        )


class WithdrawView(CoursesAPIView):
    """The participant withdraws; the seat goes to the waitlist.

    Refused (409 ``programme_ended``) once the programme has ended. Who
    withdrew may apply again (``POST programmes/{id}/enrolments/``): the same
    enrolment id comes back, judged like a new application (the end of the
    waitlist when seats are short); the waitlist never offers it a seat.
    """

    permission_classes = [IsAuthenticated]

    @schema.enrolment_withdraw
    def post(self, request, pk: int):
        enrolment = get_object_or_404(Enrolment, pk=pk, user=request.user)
        enrolment = services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
        return Response({"id": enrolment.pk, "status": enrolment.status})


class MyEnrolmentsView(CoursesAPIView, GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MyEnrolmentSerializer
    filter_backends: list = []

    @schema.my_enrolments
    def get(self, request):
        page = self.paginate_queryset(selectors.enrolments_of(user=request.user))
        return self.get_paginated_response(MyEnrolmentSerializer(page, many=True).data)
