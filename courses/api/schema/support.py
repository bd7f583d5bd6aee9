"""OpenAPI for technical-support slots: list, publish, withdraw, book, cancel."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from lms.api import ErrorSerializer, ValidationErrorSerializer, request_example

from ..serializers import (
    SupportBookingSerializer,
    SupportSlotPublishSerializer,
    SupportSlotSerializer,
)
from .examples import (
    BOOKING_EXAMPLE,
    NOT_FOUND,
    NOT_PARTICIPANT,
    NOT_TRAINER_SLOTS,
    SUPPORT_SLOT_EXAMPLE,
    UNAUTHENTICATED,
    _error_example,
)

support_slot_list = extend_schema(
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

support_slot_publish = extend_schema(
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

support_slot_withdraw = extend_schema(
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

support_slot_book = extend_schema(
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

support_slot_cancel = extend_schema(
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
                _error_example(404, "not_found", "You have no booking in this slot.")
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
