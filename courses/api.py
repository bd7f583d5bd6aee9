"""REST API for programmes, eligibility, enrolment, roster and attendance.

Thin adapters: every decision is made by ``courses.services`` /
``courses.selectors``; errors become ``{"code", "detail", ...}``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import (
    ErrorSerializer,
    ValidationErrorSerializer,
    error_responses,
    ok_example,
    request_example,
)
from lms.errors import Conflict, DomainError, PermissionDenied
from lms.links import page_url
from lms.parsers import BoundedJSONField, JSONParser, json_depth_exceeds

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
        # The page's one address, whatever the client's Accept-Language.
        with translation.override(settings.LANGUAGE_CODE):
            return page_url(obj, self.context.get("request"))


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


def _has_nul(value) -> bool:
    """Whether a NUL character is anywhere in ``value``'s keys or strings
    (PostgreSQL cannot store one in text or JSON)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class ApplySerializer(serializers.Serializer):
    answers = BoundedJSONField(
        required=False,
        default=dict,
        help_text="Answers, as text, to the questions the programme asks: "
        "`motivation`, `technical_experience`, `delivery_location` "
        "(`home_country` or `korea`), `preferred_dates`. A question may be "
        "left out unless the programme requires every answer.",
    )
    letter = serializers.FileField(
        required=False, help_text="Letter of intent, PDF, at most 5 MB."
    )
    colleagues = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=4,
        help_text="A city delegation: e-mails of colleagues of the same "
        "organisation applying with you; all are seated or waitlisted together.",
    )

    def validate_answers(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError) as exc:
                raise serializers.ValidationError(
                    _("Answers must be a JSON object.")
                ) from exc
        if json_depth_exceeds(value):
            raise serializers.ValidationError(_("Answers must be a JSON object."))
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Answers must be a JSON object."))
        if _has_nul(value):
            raise serializers.ValidationError(
                _("Answers may not contain NUL characters.")
            )
        return value


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)


class GroupMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)


class ApplyResultSerializer(EnrolmentSerializer):
    group = serializers.SerializerMethodField(
        help_text="The delegation applied together, or null."
    )

    @extend_schema_field(
        inline_serializer(
            "Delegation",
            {
                "id": serializers.IntegerField(),
                "members": GroupMemberSerializer(many=True),
            },
            allow_null=True,
        )
    )
    def get_group(self, obj):
        if obj.group_id is None:
            return None
        members = obj.group.members.select_related("user").order_by("pk")
        return {
            "id": obj.group_id,
            "members": GroupMemberSerializer(members, many=True).data,
        }


class NominateSerializer(serializers.Serializer):
    emails = serializers.ListField(
        child=serializers.EmailField(),
        min_length=1,
        max_length=20,
        help_text="E-mails of officials of the focal point's organisation; "
        "at most the programme's delegation size.",
    )
    answers = BoundedJSONField(
        required=False,
        default=dict,
        help_text="The programme's questions, answered once for all nominees.",
    )

    validate_answers = ApplySerializer.validate_answers


class NominationSerializer(EnrolmentSerializer):
    email = serializers.EmailField(source="user.email")
    group = serializers.IntegerField(
        source="group_id", help_text="The delegation the nominees form."
    )


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


ID_MAX = 2**63 - 1
# Rows per attendance request: a session of a large programme fits; bigger
# grids are sent in several requests.
ATTENDANCE_MAX_ROWS = 1000


class AttendanceRowSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    participant = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="The participant's user id."
    )
    status = serializers.ChoiceField(choices=["present", "absent", "excused"])
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=24 * 60,
        help_text="Minutes attended, at most a day's.",
    )


# --- OpenAPI examples (realistic: the demo's eGovFrame training) ---------------

PROGRAMME_EXAMPLE = {
    "id": 57,
    "slug": "egovframe-technical-training",
    "title": "eGovFrame Technical Training",
    "kind": "egovframe_training",
    "office": "secretariat-seoul",
    "starts_on": "2026-12-07",
    "ends_on": "2026-12-10",
    "capacity": 20,
    "seats_left": 6,
    "url": "https://learning.wego.example/offices/secretariat-seoul/"
    "egovframe-technical-training/",
}
SESSION_EXAMPLE = {
    "id": 311,
    "title": "Data access with MyBatis",
    "kind": "lecture",
    "starts_at": "2026-12-08T00:30:00Z",
    "ends_at": "2026-12-08T03:30:00Z",
    "location": "eGovFrame Center, Seoul (or the participant's city)",
}
ENROLMENT_EXAMPLE = {"id": 812, "status": "confirmed", "waitlist_position": None}
INELIGIBLE = (
    "ineligible",
    "eGovFrame Technical Training needs Java at intermediate level or above; "
    "your profile says none. Update your skills in your profile if that is "
    "out of date.",
)
NOT_TRAINER = (
    "permission_denied",
    "Only this programme's trainers and the Secretariat can see this.",
)
NO_PROGRAMME = ("not_found", "Not found.")
NO_SEATS = ("full", "All seats are taken and this programme has no waitlist.")
SEAT_LOCK_BUSY = (
    "busy",
    "Many people are applying right now; please try again in a moment.",
)


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
    page = selectors.public_programme(pk)
    if page is None:
        raise Http404
    return page


_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


class ProgrammeFilterSerializer(serializers.Serializer):
    """The list's query filters; an unknown value is a 400 naming the allowed ones."""

    kind = serializers.CharField(required=False, allow_blank=True, max_length=50)
    office = serializers.CharField(required=False, allow_blank=True, max_length=100)
    open = serializers.CharField(required=False, allow_blank=True, max_length=10)

    def validate_kind(self, value: str) -> str:
        allowed = [c for c, _l in ProgrammePage._meta.get_field("kind").choices]
        if value and value not in allowed:
            raise serializers.ValidationError(
                _("Unknown kind %(value)s; use one of: %(allowed)s.")
                % {"value": repr(value), "allowed": ", ".join(allowed)}
            )
        return value

    def validate_open(self, value: str) -> bool | None:
        if value == "":
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise serializers.ValidationError(
            _("Unknown value %(value)s for open; use true or false.")
            % {"value": repr(value)}
        )


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
            OpenApiParameter(
                "open",
                bool,
                description="true: only those open for enrolment; false: only "
                "those closed. Any other value is a 400.",
            ),
        ],
        examples=[
            ok_example(
                "Open eGovFrame trainings",
                {
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [PROGRAMME_EXAMPLE],
                },
            )
        ],
    )
    def get(self, request):
        filters = ProgrammeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        qs = selectors.programme_list(
            kind=params.get("kind") or None,
            office=params.get("office") or None,
            is_open=params.get("open"),
        )
        page = self.paginate_queryset(qs)
        data = ProgrammeSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class ProgrammeDetailView(CoursesAPIView):
    @extend_schema(
        responses={
            200: ProgrammeDetailSerializer,
            **error_responses(404, codes={404: [NO_PROGRAMME]}),
        },
        examples=[
            ok_example(
                "eGovFrame training",
                PROGRAMME_EXAMPLE
                | {
                    "summary": "A free four-day technical training on the WeGO "
                    "eGovFrame for software developers of member cities.",
                    "format": "in_person",
                    "venue": "eGovFrame Center, Seoul (or the participant's city)",
                    "timezone": "Asia/Seoul",
                    "enrolment_opens_at": "2026-10-16T00:00:00Z",
                    "enrolment_closes_at": "2026-11-16T09:00:00Z",
                    "is_open": True,
                    "sessions": [SESSION_EXAMPLE],
                },
            )
        ],
    )
    def get(self, request, pk: int):
        programme = _programme(pk)
        return Response(
            ProgrammeDetailSerializer(programme, context={"request": request}).data
        )


class EligibilityView(CoursesAPIView):
    """Every rule's verdict for the signed-in person, before applying."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: EligibilitySerializer,
            **error_responses(401, 404, codes={404: [NO_PROGRAMME]}),
        },
        examples=[
            ok_example(
                "Not a member",
                {
                    "eligible": False,
                    "reasons": [
                        {
                            "rule": "enrolment_window",
                            "ok": True,
                            "message": "Enrolment is open until 16 November "
                            "2026, 18:00 (KST).",
                        },
                        {
                            "rule": "membership_tiers",
                            "ok": False,
                            "message": "eGovFrame Technical Training is for WeGO "
                            "members (Full member, Associate member); Johor Bahru "
                            "City Council is not a member — see how to join WeGO "
                            "on the home page.",
                        },
                        {
                            "rule": "skill",
                            "ok": True,
                            "message": "Your Java level (intermediate) meets the "
                            "requirement.",
                        },
                    ],
                },
            ),
            ok_example(
                "Eligible",
                {
                    "eligible": True,
                    "reasons": [
                        {
                            "rule": "membership_tiers",
                            "ok": True,
                            "message": "Hanoi is a full member of WeGO.",
                        },
                        {
                            "rule": "capacity",
                            "ok": True,
                            "message": "6 of 20 seats are still free.",
                        },
                    ],
                },
            ),
        ],
    )
    def get(self, request, pk: int):
        programme = _programme(pk)
        eligible, verdicts = selectors.programme_eligibility(
            programme=programme, user=request.user
        )
        return Response(
            {"eligible": eligible, "reasons": [v.as_dict() for v in verdicts]}
        )


class EnrolView(CoursesAPIView):
    """Apply: confirmed, waitlisted or pending approval, decided under the seat lock.

    After a withdrawal the same enrolment id is re-opened as a new
    application; a rejected application cannot be made again (409
    ``already_enrolled``, saying why).
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=ApplySerializer,
        responses={
            201: ApplyResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                503,
                codes={
                    400: [
                        (
                            "invalid_answers",
                            "Some answers are missing or not valid.",
                        ),
                        (
                            "invalid_colleague",
                            "Some colleagues cannot join your delegation: "
                            "lan@hanoi.example: Only officials of Hanoi can be in "
                            "your delegation.",
                        ),
                    ],
                    403: [INELIGIBLE],
                    404: [NO_PROGRAMME],
                    409: [
                        (
                            "already_enrolled",
                            "You have already applied to this programme (Confirmed).",
                        ),
                        NO_SEATS,
                    ],
                    503: [SEAT_LOCK_BUSY],
                },
                descriptions={
                    403: "Ineligible: `reasons` lists every rule's verdict.",
                    503: "The seat lock is busy; retry after `Retry-After` seconds.",
                },
            ),
        },
        examples=[
            request_example(
                "eGovFrame application",
                {
                    "answers": {
                        "motivation": "Hanoi is moving its permit services to "
                        "the eGovFrame next year.",
                        "technical_experience": "Six years of Java, three of "
                        "Spring and MyBatis.",
                        "delivery_location": "korea",
                        "preferred_dates": "Any week in December",
                    }
                },
            ),
            request_example(
                "City delegation",
                {
                    "answers": {"motivation": "Our team builds the city portal."},
                    "colleagues": ["minh.tran@hanoi.example", "thu.le@hanoi.example"],
                },
            ),
            ok_example("Seat confirmed", ENROLMENT_EXAMPLE | {"group": None}, 201),
            ok_example(
                "Waitlisted",
                {
                    "id": 813,
                    "status": "waitlisted",
                    "waitlist_position": 4,
                    "group": None,
                },
                201,
            ),
            ok_example(
                "Delegation waitlisted together",
                {
                    "id": 820,
                    "status": "waitlisted",
                    "waitlist_position": 5,
                    "group": {
                        "id": 14,
                        "members": [
                            {
                                "id": 820,
                                "email": "dev.hanoi@wego.example",
                                "status": "waitlisted",
                                "waitlist_position": 5,
                            },
                            {
                                "id": 821,
                                "email": "minh.tran@hanoi.example",
                                "status": "waitlisted",
                                "waitlist_position": 6,
                            },
                        ],
                    },
                },
                201,
            ),
        ],
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

    @extend_schema(
        operation_id="programmes_nominations_create",
        request=NominateSerializer,
        responses={
            201: NominationSerializer(many=True),
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                503,
                codes={
                    400: [
                        (
                            "invalid_nominee",
                            "Some officials cannot be nominated: "
                            "lan@hanoi.example: Only officials of Hanoi can be "
                            "nominated by its focal point.",
                        ),
                        (
                            "group_too_large",
                            "You can nominate at most 3 officials for this programme.",
                        ),
                        (
                            "invalid_answers",
                            "Some e-mail addresses or answers are not valid.",
                        ),
                    ],
                    403: [
                        (
                            "not_focal_point",
                            "Only the focal point registered for a city or "
                            "organisation can nominate its officials.",
                        ),
                        INELIGIBLE,
                    ],
                    404: [NO_PROGRAMME],
                    409: [
                        (
                            "already_enrolled",
                            "minh.tran@hanoi.example has already applied to this "
                            "programme (Confirmed).",
                        ),
                        NO_SEATS,
                    ],
                    503: [SEAT_LOCK_BUSY],
                },
                descriptions={
                    403: "Not a focal point, or a nominee is ineligible "
                    "(`reasons` lists every rule's verdict).",
                    503: "The seat lock is busy; retry after `Retry-After` seconds.",
                },
            ),
        },
        examples=[
            request_example(
                "Hanoi's ICT department nominates two officials",
                {
                    "emails": ["dev.hanoi@wego.example", "minh.tran@hanoi.example"],
                    "answers": {"motivation": "Both run the city's data portal."},
                },
            ),
            ok_example(
                "Seated together",
                [
                    {
                        "id": 830,
                        "status": "confirmed",
                        "waitlist_position": None,
                        "email": "dev.hanoi@wego.example",
                        "group": 15,
                    },
                    {
                        "id": 831,
                        "status": "confirmed",
                        "waitlist_position": None,
                        "email": "minh.tran@hanoi.example",
                        "group": 15,
                    },
                ],
                201,
            ),
        ],
    )
    def post(self, request, pk: int):
        programme = _programme(pk)
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

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Withdrawn",
                {"id": serializers.IntegerField(), "status": serializers.CharField()},
            ),
            **error_responses(
                401,
                404,
                409,
                codes={
                    409: [
                        ("already_withdrawn", "This application is already closed."),
                        (
                            "programme_ended",
                            "Seoul Program 2016 ended on 19 May 2016: your enrolment "
                            "is part of its record and can no longer be withdrawn.",
                        ),
                    ]
                },
                descriptions={404: "No such enrolment of yours."},
            ),
        },
        examples=[ok_example("Withdrawn", {"id": 812, "status": "withdrawn"})],
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
        operation_id="me_enrolments_list",
        responses={
            200: MyEnrolmentSerializer(many=True),
            **error_responses(401),
        },
        examples=[
            ok_example(
                "Mine",
                {
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": 813,
                            "status": "offered",
                            "waitlist_position": None,
                            "programme": {
                                "id": 57,
                                "title": "eGovFrame Technical Training",
                                "starts_on": "2026-12-07",
                                "ends_on": "2026-12-10",
                            },
                            "created_at": "2026-10-20T02:14:09Z",
                            "confirmed_at": None,
                            "completed_at": None,
                            "offer_expires_at": "2026-11-03T09:00:00Z",
                        }
                    ],
                },
            )
        ],
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
    """Enrolments with their application answers, attendance and computed
    completion, for trainers and staff.

    ``answers`` are as the applicant sent them (``delivery_location`` is
    ``home_country`` or ``korea``); ``letter_url`` is the letter of intent
    (PDF), or null.
    """

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
            **error_responses(
                401, 403, 404, codes={403: [NOT_TRAINER], 404: [NO_PROGRAMME]}
            ),
        },
        examples=[
            ok_example(
                "Roster",
                {
                    "programme": 57,
                    "sessions": [SESSION_EXAMPLE],
                    "results": [
                        {
                            "id": 812,
                            "participant": {
                                "id": 31,
                                "name": "Nguyen Van An",
                                "email": "dev.hanoi@wego.example",
                                "organisation": "Hanoi",
                            },
                            "status": "confirmed",
                            "waitlist_position": None,
                            "answers": {
                                "technical_experience": "Six years of Java, three "
                                "of Spring and MyBatis.",
                                "delivery_location": "korea",
                                "preferred_dates": "Any week in December",
                            },
                            "letter_url": "https://learning.wego.example/"
                            "enrolments/812/letter.pdf",
                            "attendance": [
                                {
                                    "session": 311,
                                    "status": "present",
                                    "minutes": None,
                                    "source": "trainer",
                                }
                            ],
                            "completion": {
                                "eligible": True,
                                "attended": 8,
                                "counted": 8,
                                "needed": 6,
                                "missing_required": [],
                                "reason": "attended 8 of 8 counted sessions; needs 6",
                            },
                            "completed_at": None,
                        }
                    ],
                },
            )
        ],
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
                    "answers": enrolment.answers or {},
                    "letter_url": request.build_absolute_uri(
                        reverse("courses:letter", args=[enrolment.pk])
                    )
                    if enrolment.letter_of_intent
                    else None,
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
            **error_responses(
                400,
                401,
                403,
                404,
                413,
                codes={
                    403: [NOT_TRAINER],
                    404: [NO_PROGRAMME],
                    413: [
                        (
                            "too_many_rows",
                            "At most 1000 attendance rows per request; send "
                            "the rest in further requests.",
                        )
                    ],
                },
            ),
        },
        examples=[
            request_example(
                "Morning session",
                [
                    {"session": 311, "participant": 31, "status": "present"},
                    {"session": 311, "participant": 32, "status": "excused"},
                ],
            ),
            ok_example("Saved", {"saved": 2}),
        ],
    )
    def post(self, request, pk: int):
        programme = _programme(pk)
        _require_trainer(request, programme)
        if isinstance(request.data, list) and len(request.data) > ATTENDANCE_MAX_ROWS:
            raise DomainError(
                _(
                    "At most %(limit)d attendance rows per request; send the "
                    "rest in further requests."
                )
                % {"limit": ATTENDANCE_MAX_ROWS},
                code="too_many_rows",
                status=413,
                limit=ATTENDANCE_MAX_ROWS,
            )
        serializer = AttendanceRowSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        saved = services.attendance_bulk_upsert(
            programme=programme, actor=request.user, rows=serializer.validated_data
        )
        return Response({"saved": len(saved)})


# --- offers over the API -----------------------------------------------------------


def _open_offer(request, pk: int):
    """The caller's enrolment and its open offer; others' enrolments are 404."""
    enrolment = get_object_or_404(Enrolment, pk=pk, user=request.user)
    offer = enrolment.offers.filter(state=OfferState.OFFERED).first()
    if offer is None:
        raise Conflict(
            _("There is no open seat offer on this application."), code="no_offer"
        )
    return offer


OFFER_ERRORS = {
    401: OpenApiResponse(
        ErrorSerializer,
        description="not signed in",
        examples=[
            OpenApiExample(
                "not signed in",
                value={
                    "code": "not_authenticated",
                    "detail": "Authentication credentials were not provided.",
                },
                status_codes=["401"],
            )
        ],
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="no such enrolment of yours",
        examples=[
            OpenApiExample(
                "not yours",
                value={"code": "not_found", "detail": "Not found."},
                status_codes=["404"],
            )
        ],
    ),
    409: OpenApiResponse(
        ErrorSerializer,
        description="no open offer, already answered, or expired",
        examples=[
            OpenApiExample(
                "expired",
                value={
                    "code": "offer_expired",
                    "detail": "This offer expired; the seat went to the next "
                    "person waiting.",
                },
                status_codes=["409"],
            ),
            OpenApiExample(
                "no offer",
                value={
                    "code": "no_offer",
                    "detail": "There is no open seat offer on this application.",
                },
                status_codes=["409"],
            ),
        ],
    ),
    503: OpenApiResponse(ErrorSerializer, description="busy; see Retry-After"),
}


def _offer_answer_schema(*, operation_id: str, example: str, status: str):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            request=None,
            responses={
                200: OpenApiResponse(
                    EnrolmentSerializer,
                    examples=[
                        OpenApiExample(
                            example,
                            value={
                                "id": 812,
                                "status": status,
                                "waitlist_position": None,
                            },
                            response_only=True,
                        )
                    ],
                ),
                **OFFER_ERRORS,
            },
        )
    )


class _OfferAnswerView(CoursesAPIView):
    """Answer one's own open waitlist offer with the service named by ``answer``."""

    permission_classes = [IsAuthenticated]
    answer = ""

    def post(self, request, pk: int):
        offer = _open_offer(request, pk)
        enrolment = getattr(services, self.answer)(offer=offer, user=request.user)
        return Response(EnrolmentSerializer(enrolment).data)


@_offer_answer_schema(
    operation_id="enrolments_offer_accept", example="accepted", status="confirmed"
)
class OfferAcceptView(_OfferAnswerView):
    """Accept the seat offered from the waitlist, before its deadline."""

    answer = "offer_accept"


@_offer_answer_schema(
    operation_id="enrolments_offer_decline", example="declined", status="withdrawn"
)
class OfferDeclineView(_OfferAnswerView):
    """Decline the offered seat; it passes to the next person waiting."""

    answer = "offer_decline"


# --- technical-support slots ---------------------------------------------------------


class SupportBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    status = serializers.CharField()
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    timezone = serializers.CharField(source="slot.timezone")
    video_link = serializers.CharField(source="slot.video_link")
    ics_url = serializers.SerializerMethodField()

    def get_ics_url(self, obj) -> str:
        from django.urls import reverse

        path = reverse("courses:support_booking_calendar", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SupportSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="slot.pk")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    timezone = serializers.CharField(
        source="slot.timezone", help_text="The zone the times are shown in."
    )
    local_start = serializers.CharField(
        help_text="Start as wall-clock time in `timezone`, ISO 8601 with offset."
    )
    capacity = serializers.IntegerField(source="slot.capacity")
    seats_left = serializers.IntegerField()
    note = serializers.CharField(source="slot.note")
    booking = serializers.SerializerMethodField()
    video_link = serializers.CharField(
        allow_null=True, help_text="Only for the person who booked the slot."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_booking(self, obj):
        return obj.booking.pk if obj.booking is not None else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["local_start"] = instance.local_start.isoformat()
        data["video_link"] = instance.video_link or None
        return data


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that says its UTC offset: no guessing the zone."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                raise serializers.ValidationError(
                    _("Give the UTC offset too, e.g. 2026-12-21T10:00:00+09:00.")
                )
        return super().to_internal_value(value)


class SupportSlotPublishSerializer(serializers.Serializer):
    starts_at = OffsetDateTimeField(
        help_text="ISO 8601 with offset, e.g. 2026-12-21T10:00:00+09:00."
    )
    ends_at = OffsetDateTimeField(help_text="ISO 8601 with offset; after starts_at.")
    timezone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text="IANA zone the slot is shown in; the programme's when omitted.",
    )
    capacity = serializers.IntegerField(
        required=False, default=1, max_value=20, help_text="Places, at least 1."
    )
    video_link = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown only to the people who book the slot.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )


SUPPORT_SLOT_EXAMPLE = {
    "id": 41,
    "starts_at": "2026-12-21T01:00:00Z",
    "ends_at": "2026-12-21T02:00:00Z",
    "timezone": "Asia/Seoul",
    "local_start": "2026-12-21T10:00:00+09:00",
    "capacity": 1,
    "seats_left": 1,
    "note": "Spring Boot migration and MyBatis mappers",
    "booking": None,
    "video_link": None,
}
BOOKING_EXAMPLE = {
    "id": 97,
    "slot": 41,
    "status": "booked",
    "starts_at": "2026-12-21T01:00:00Z",
    "ends_at": "2026-12-21T02:00:00Z",
    "timezone": "Asia/Seoul",
    "video_link": "https://meet.wego.example/egovframe-support-1",
    "ics_url": "https://learning.wego.example/support-bookings/97/booking.ics",
}


def _error_example(status_code: int, code: str, detail: str, name: str = ""):
    return OpenApiExample(
        name or code,
        value={"code": code, "detail": detail},
        status_codes=[str(status_code)],
        response_only=True,
    )


NOT_PARTICIPANT = OpenApiResponse(
    ErrorSerializer,
    description="not a confirmed participant (or trainer) of this programme",
    examples=[
        _error_example(
            403,
            "not_confirmed",
            "Only confirmed participants of this programme can book support.",
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="no such programme or slot",
    examples=[_error_example(404, "not_found", "Not found.")],
)
UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer,
    description="not signed in",
    examples=[
        _error_example(
            401, "not_authenticated", "Authentication credentials were not provided."
        )
    ],
)


NOT_TRAINER_SLOTS = OpenApiResponse(
    ErrorSerializer,
    description="not a trainer of this programme (nor the Secretariat)",
    examples=[
        _error_example(
            403,
            "permission_denied",
            "Only this programme's trainers and the Secretariat can publish slots.",
        )
    ],
)


def _support_slot(programme: ProgrammePage, slot_pk: int):
    from .models import SupportSlot

    return get_object_or_404(SupportSlot, pk=slot_pk, programme=programme)


def _require_slot_trainer(request, programme: ProgrammePage) -> None:
    """Refuse non-trainers before reading the body: they learn nothing from it.

    The service checks the same rule again; this only orders 403 before 400.
    """
    if not selectors.user_can_train(user=request.user, programme=programme):
        raise PermissionDenied(
            _("Only this programme's trainers and the Secretariat can publish slots.")
        )


class SupportSlotListView(CoursesAPIView):
    """Upcoming technical-support slots with free places, and your own bookings.

    For confirmed participants and the programme's trainers. The video link
    is only given for slots the caller booked. Trainers publish slots here too.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="programmes_support_slots",
        responses={
            200: OpenApiResponse(
                inline_serializer(
                    "SupportSlots",
                    {
                        "programme": serializers.IntegerField(),
                        "bookings_allowed": serializers.IntegerField(),
                        "results": SupportSlotSerializer(many=True),
                    },
                ),
                examples=[
                    OpenApiExample(
                        "free slots",
                        value={
                            "programme": 57,
                            "bookings_allowed": 1,
                            "results": [SUPPORT_SLOT_EXAMPLE],
                        },
                        response_only=True,
                    )
                ],
            ),
            401: UNAUTHENTICATED,
            403: NOT_PARTICIPANT,
            404: NOT_FOUND,
        },
    )
    def get(self, request, pk: int):
        programme = _programme(pk)
        if not selectors.support_slots_visible(programme=programme, user=request.user):
            raise PermissionDenied(
                _("Only confirmed participants of this programme can book support."),
                code="not_confirmed",
            )
        rows = selectors.support_slots_for(programme=programme, user=request.user)
        return Response(
            {
                "programme": programme.pk,
                "bookings_allowed": programme.support_bookings_per_participant,
                "results": SupportSlotSerializer(rows, many=True).data,
            }
        )

    @extend_schema(
        operation_id="programmes_support_slots_publish",
        request=SupportSlotPublishSerializer,
        responses={
            201: OpenApiResponse(
                SupportSlotSerializer,
                examples=[
                    OpenApiExample(
                        "published",
                        value=SUPPORT_SLOT_EXAMPLE,
                        response_only=True,
                    )
                ],
            ),
            400: OpenApiResponse(
                ValidationErrorSerializer,
                description="not ISO 8601 with offset, ends before it starts, "
                "in the past, no places, or an unknown time zone",
                examples=[
                    _error_example(
                        400, "invalid_slot", "A slot ends after it starts.", "order"
                    ),
                    _error_example(
                        400, "invalid_slot", "A slot must be in the future.", "past"
                    ),
                    _error_example(
                        400,
                        "invalid_slot",
                        "Europe/Seul is not a time zone name such as Asia/Seoul.",
                        "time zone",
                    ),
                    OpenApiExample(
                        "not ISO 8601",
                        value={
                            "code": "invalid_slot",
                            "detail": "Give the start and end as ISO 8601 times "
                            "with a UTC offset, and the other fields as described.",
                            "errors": {
                                "starts_at": [
                                    "Give the UTC offset too, e.g. "
                                    "2026-12-21T10:00:00+09:00."
                                ]
                            },
                        },
                        status_codes=["400"],
                        response_only=True,
                    ),
                ],
            ),
            401: UNAUTHENTICATED,
            403: NOT_TRAINER_SLOTS,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="the programme already has this slot (same start and "
                "end): change its places instead",
                examples=[
                    _error_example(
                        409,
                        "duplicate_slot",
                        "This programme already has a slot at 21 December 2026, "
                        "10:00–11:00 (Asia/Seoul). To offer more places at that "
                        "time, change its places instead of publishing it again.",
                        "duplicate",
                    )
                ],
            ),
        },
        examples=[
            request_example(
                "One hour, Seoul time",
                {
                    "starts_at": "2026-12-21T10:00:00+09:00",
                    "ends_at": "2026-12-21T11:00:00+09:00",
                    "timezone": "Asia/Seoul",
                    "capacity": 1,
                    "video_link": "https://meet.wego.example/egovframe-support-1",
                    "note": "Spring Boot migration and MyBatis mappers",
                },
            )
        ],
    )
    def post(self, request, pk: int):
        """A trainer (or the Secretariat) publishes one slot."""
        programme = _programme(pk)
        _require_slot_trainer(request, programme)
        serializer = SupportSlotPublishSerializer(data=request.data)
        if not serializer.is_valid():
            raise DomainError(
                _(
                    "Give the start and end as ISO 8601 times with a UTC offset, "
                    "and the other fields as described."
                ),
                code="invalid_slot",
                errors=serializer.errors,
            )
        data = serializer.validated_data
        slot = services.support_slot_publish(
            programme=programme,
            actor=request.user,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            timezone_name=data["timezone"],
            capacity=data["capacity"],
            video_link=data["video_link"],
            note=data["note"],
        )
        row = selectors.support_slot_view(slot=slot, user=request.user)
        return Response(SupportSlotSerializer(row).data, status=status.HTTP_201_CREATED)


class SupportSlotDetailView(CoursesAPIView):
    """Remove a slot; whoever booked it is told by e-mail."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="programmes_support_slots_withdraw",
        request=None,
        responses={
            204: OpenApiResponse(description="removed; its bookers are e-mailed"),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="not a trainer of this programme (nor the Secretariat)",
                examples=[
                    _error_example(
                        403,
                        "permission_denied",
                        "Only this programme's trainers and the Secretariat can "
                        "remove slots.",
                    )
                ],
            ),
            404: NOT_FOUND,
        },
    )
    def delete(self, request, pk: int, slot_pk: int):
        programme = _programme(pk)
        slot = _support_slot(programme, slot_pk)
        services.support_slot_withdraw(slot=slot, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SupportSlotBookView(CoursesAPIView):
    """Book a place in a slot (one active booking per programme unless allowed more).

    The confirmation e-mail, with the times in the slot's zone and yours and
    the .ics attached, is sent after the booking is saved.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="programmes_support_slots_book",
        request=None,
        responses={
            201: OpenApiResponse(
                SupportBookingSerializer,
                examples=[
                    OpenApiExample("booked", value=BOOKING_EXAMPLE, response_only=True)
                ],
            ),
            401: UNAUTHENTICATED,
            403: NOT_PARTICIPANT,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="slot full or started, already booked, or booking limit",
                examples=[
                    _error_example(
                        409,
                        "slot_full",
                        "This slot was just taken; please choose another.",
                    ),
                    _error_example(
                        409,
                        "booking_limit",
                        "You already have 1 support booking(s) for this programme; "
                        "cancel one to book another.",
                    ),
                ],
            ),
            503: OpenApiResponse(ErrorSerializer, description="busy; see Retry-After"),
        },
    )
    def post(self, request, pk: int, slot_pk: int):
        programme = _programme(pk)
        slot = _support_slot(programme, slot_pk)
        booking = services.support_slot_book(slot=slot, user=request.user)
        return Response(
            SupportBookingSerializer(booking, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SupportSlotCancelView(CoursesAPIView):
    """Cancel your booking of this slot; the place is free again at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="programmes_support_slots_cancel",
        request=None,
        responses={
            200: OpenApiResponse(
                SupportBookingSerializer,
                examples=[
                    OpenApiExample(
                        "cancelled",
                        value=BOOKING_EXAMPLE | {"status": "cancelled"},
                        response_only=True,
                    )
                ],
            ),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description="no such slot, or you have no booking in it",
                examples=[
                    _error_example(
                        404, "not_found", "You have no booking in this slot."
                    )
                ],
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                examples=[
                    _error_example(
                        409,
                        "already_cancelled",
                        "This booking is already cancelled.",
                    )
                ],
            ),
        },
    )
    def post(self, request, pk: int, slot_pk: int):
        programme = _programme(pk)
        slot = _support_slot(programme, slot_pk)
        booking = services.support_booking_for(slot=slot, user=request.user)
        booking = services.support_booking_cancel(booking=booking, user=request.user)
        return Response(
            SupportBookingSerializer(booking, context={"request": request}).data
        )
