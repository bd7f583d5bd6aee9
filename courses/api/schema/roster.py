"""OpenAPI for the trainers' roster and attendance marks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers

from lms.api import error_responses, ok_example, request_example

from ..serializers import AttendanceRowSerializer, SessionSerializer
from .examples import NO_PROGRAMME, NOT_TRAINER, SESSION_EXAMPLE

programme_roster = extend_schema(
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

attendance_upsert = extend_schema(
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
