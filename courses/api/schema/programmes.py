"""OpenAPI for the programme list, a programme and its eligibility check."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema

from lms.api import error_responses, ok_example

from ...models import ProgrammePage
from ..serializers import (
    EligibilitySerializer,
    ProgrammeDetailSerializer,
    ProgrammeSerializer,
)
from .examples import NO_PROGRAMME, PROGRAMME_EXAMPLE, SESSION_EXAMPLE

programme_list = extend_schema(
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

programme_detail = extend_schema(
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

programme_eligibility = extend_schema(
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
