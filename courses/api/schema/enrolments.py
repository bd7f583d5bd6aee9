"""OpenAPI for applying, nominating, withdrawing and one's own enrolments."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers

from lms.api import error_responses, ok_example, request_example

from ..serializers import (
    ApplyResultSerializer,
    ApplySerializer,
    MyEnrolmentSerializer,
    NominateSerializer,
    NominationSerializer,
)
from .examples import (
    ENROLMENT_EXAMPLE,
    INELIGIBLE,
    NO_PROGRAMME,
    NO_SEATS,
    SEAT_LOCK_BUSY,
)

enrolment_apply = extend_schema(
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

enrolment_nominate = extend_schema(
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

enrolment_withdraw = extend_schema(
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

my_enrolments = extend_schema(
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
