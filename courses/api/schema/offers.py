"""OpenAPI for answering a waitlist seat offer (accept or decline)."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from lms.api import ErrorSerializer

from ..serializers import EnrolmentSerializer

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


offer_accept = _offer_answer_schema(
    operation_id="enrolments_offer_accept", example="accepted", status="confirmed"
)
offer_decline = _offer_answer_schema(
    operation_id="enrolments_offer_decline", example="declined", status="withdrawn"
)
