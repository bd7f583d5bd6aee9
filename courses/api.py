"""REST API for programmes, eligibility, enrolment, roster and attendance.

Thin adapters: every decision is made by ``courses.services`` /
``courses.selectors``; errors become ``{"code", "detail", ...}``.
"""

from __future__ import annotations

import json

from django.db import OperationalError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import ErrorSerializer
from lms.errors import DomainError, PermissionDenied

from . import selectors, services
from .models import Enrolment, OfferState, ProgrammePage

# --- serializers (shape only) -----------------------------------------------------


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField()


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    office = serializers.SerializerMethodField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    capacity = serializers.IntegerField(allow_null=True)
    seats_left = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_office(self, obj) -> str | None:
        slug = getattr(obj, "office_slug", None)
        if slug is None and obj.office is not None:
            slug = obj.office.slug
        return slug

    def get_seats_left(self, obj) -> int | None:
        return selectors.seats_left(obj)

    def get_url(self, obj) -> str:
        return obj.get_full_url(self.context.get("request")) or ""


class ProgrammeDetailSerializer(ProgrammeSerializer):
    summary = serializers.CharField()
    format = serializers.CharField()
    venue = serializers.CharField()
    timezone = serializers.CharField()
    enrolment_opens_at = serializers.DateTimeField(allow_null=True)
    enrolment_closes_at = serializers.DateTimeField(
        source="effective_enrolment_closes_at"
    )
    is_open = serializers.BooleanField()
    sessions = serializers.SerializerMethodField()

    def get_sessions(self, obj) -> list[dict]:
        return SessionSerializer(obj.sessions.all(), many=True).data


class ReasonSerializer(serializers.Serializer):
    rule = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class ApplySerializer(serializers.Serializer):
    answers = serializers.JSONField(required=False, default=dict)
    letter = serializers.FileField(
        required=False, help_text="Letter of intent, PDF, at most 5 MB."
    )

    def validate_answers(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise serializers.ValidationError(
                    _("Answers must be a JSON object.")
                ) from exc
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Answers must be a JSON object."))
        return value


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)


class MyEnrolmentSerializer(EnrolmentSerializer):
    programme = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    offer_expires_at = serializers.SerializerMethodField()

    def get_programme(self, obj) -> dict:
        return {
            "id": obj.programme_id,
            "title": obj.programme.title,
            "starts_on": obj.programme.starts_on,
            "ends_on": obj.programme.ends_on,
        }

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_offer_expires_at(self, obj):
        for offer in obj.offers.all():
            if offer.state == OfferState.OFFERED:
                return offer.expires_at
        return None


class AttendanceRowSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    participant = serializers.IntegerField(help_text="The participant's user id.")
    status = serializers.ChoiceField(choices=["present", "absent", "excused"])
    minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)


# --- views ------------------------------------------------------------------------


class CoursesAPIView(APIView):
    """Adds Retry-After to 503s: a busy seat lock or a lost database connection."""

    def handle_exception(self, exc):
        if isinstance(exc, OperationalError):
            exc = services.Busy(
                _("The service is briefly unavailable; please try again.")
            )
        response = super().handle_exception(exc)
        if isinstance(exc, services.Busy):
            response["Retry-After"] = str(exc.retry_after)
        return response


def _programme(pk: int) -> ProgrammePage:
    page = ProgrammePage.objects.live().public().filter(pk=pk).first()
    if page is None:
        raise Http404
    return page


class ProgrammeListView(CoursesAPIView, GenericAPIView):
    """Programmes of every office, upcoming first; filter by kind, office, open."""

    serializer_class = ProgrammeSerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="programmes_list",
        responses=ProgrammeSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=[c for c, _l in ProgrammePage._meta.get_field("kind").choices],
            ),
            OpenApiParameter(
                "office", str, description="Office page slug, e.g. asia-chengdu"
            ),
            OpenApiParameter("open", bool, description="Only those open for enrolment"),
        ],
    )
    def get(self, request):
        params = request.query_params
        is_open = params.get("open")
        qs = selectors.programme_list(
            kind=params.get("kind") or None,
            office=params.get("office") or None,
            is_open=None
            if is_open in (None, "")
            else is_open.lower() in ("1", "true", "yes"),
        )
        page = self.paginate_queryset(qs)
        data = ProgrammeSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class ProgrammeDetailView(CoursesAPIView):
    @extend_schema(responses={200: ProgrammeDetailSerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        programme = _programme(pk)
        return Response(
            ProgrammeDetailSerializer(programme, context={"request": request}).data
        )


class EligibilityView(CoursesAPIView):
    """Every rule's verdict for the signed-in person, before applying."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EligibilitySerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        programme = _programme(pk)
        eligible, verdicts = selectors.programme_eligibility(
            programme=programme, user=request.user
        )
        return Response(
            {"eligible": eligible, "reasons": [v.as_dict() for v in verdicts]}
        )


class EnrolView(CoursesAPIView):
    """Apply: confirmed, waitlisted or pending approval, decided under the seat lock."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=ApplySerializer,
        responses={
            201: EnrolmentSerializer,
            400: OpenApiResponse(ErrorSerializer, description="invalid answers"),
            403: OpenApiResponse(
                ErrorSerializer, description="ineligible, with reasons"
            ),
            409: OpenApiResponse(ErrorSerializer, description="already_enrolled"),
            503: OpenApiResponse(ErrorSerializer, description="busy; see Retry-After"),
        },
    )
    def post(self, request, pk: int):
        programme = _programme(pk)
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
        )
        return Response(
            EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED
        )


class WithdrawView(CoursesAPIView):
    """The participant withdraws; the seat goes to the waitlist."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: EnrolmentSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request, pk: int):
        enrolment = get_object_or_404(Enrolment, pk=pk, user=request.user)
        enrolment = services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
        return Response({"id": enrolment.pk, "status": enrolment.status})


class MyEnrolmentsView(CoursesAPIView, GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MyEnrolmentSerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="me_enrolments_list", responses=MyEnrolmentSerializer(many=True)
    )
    def get(self, request):
        qs = (
            Enrolment.objects.filter(user=request.user)
            .select_related("programme")
            .prefetch_related("offers")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MyEnrolmentSerializer(page, many=True).data)


def _require_trainer(request, programme):
    if not selectors.user_can_train(user=request.user, programme=programme):
        raise PermissionDenied(
            _("Only this programme's trainers and the Secretariat can see this.")
        )


class RosterView(CoursesAPIView):
    """Enrolments with attendance and computed completion, for trainers and staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: inline_serializer(
                "Roster",
                {
                    "programme": serializers.IntegerField(),
                    "sessions": SessionSerializer(many=True),
                    "results": serializers.ListField(child=serializers.DictField()),
                },
            ),
            403: ErrorSerializer,
        }
    )
    def get(self, request, pk: int):
        programme = _programme(pk)
        _require_trainer(request, programme)
        results = []
        for enrolment, completion in selectors.programme_roster(programme=programme):
            user = enrolment.user
            results.append(
                {
                    "id": enrolment.pk,
                    "participant": {
                        "id": user.pk,
                        "name": user.get_full_name(),
                        "email": user.email,
                        "organisation": enrolment.organisation_name,
                    },
                    "status": enrolment.status,
                    "waitlist_position": enrolment.waitlist_position,
                    "attendance": [
                        {
                            "session": a.session_id,
                            "status": a.status,
                            "minutes": a.minutes,
                            "source": a.source,
                        }
                        for a in enrolment.attendance.all()
                    ],
                    "completion": {
                        "eligible": completion.eligible,
                        "attended": completion.attended,
                        "counted": completion.counted,
                        "needed": completion.needed,
                        "missing_required": completion.missing_required,
                        "reason": completion.reason,
                    },
                    "completed_at": enrolment.completed_at,
                }
            )
        return Response(
            {
                "programme": programme.pk,
                "sessions": SessionSerializer(programme.sessions.all(), many=True).data,
                "results": results,
            }
        )


class AttendanceView(CoursesAPIView):
    """Bulk upsert of attendance marks; all rows are checked before any is saved."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AttendanceRowSerializer(many=True),
        responses={
            200: inline_serializer(
                "AttendanceSaved", {"saved": serializers.IntegerField()}
            ),
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def post(self, request, pk: int):
        programme = _programme(pk)
        _require_trainer(request, programme)
        serializer = AttendanceRowSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        saved = services.attendance_bulk_upsert(
            programme=programme, actor=request.user, rows=serializer.validated_data
        )
        return Response({"saved": len(saved)})
