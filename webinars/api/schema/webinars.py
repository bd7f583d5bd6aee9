"""OpenAPI for webinars: the list, one webinar, registering."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers

from lms.api import error_responses, ok_example

from ..serializers import WebinarSerializer
from .examples import NOT_FOUND, WEBINAR_EXAMPLE

REGISTRATION = inline_serializer(
    "Registration",
    {
        "id": serializers.IntegerField(),
        "webinar": serializers.IntegerField(),
        "created_at": serializers.DateTimeField(),
    },
)

webinar_list = extend_schema(
    responses={
        200: WebinarSerializer(many=True),
        **error_responses(404, codes={404: [("not_found", "Invalid page.")]}),
    },
    examples=[
        ok_example(
            "One page of webinars (items; the page wrapper is added)",
            [WEBINAR_EXAMPLE],
        )
    ],
)

webinar_detail = extend_schema(
    responses={200: WebinarSerializer, **error_responses(404, codes=NOT_FOUND)},
    examples=[
        ok_example("Upcoming webinar", WEBINAR_EXAMPLE),
        ok_example(
            "Live now",
            dict(
                WEBINAR_EXAMPLE,
                id=58,
                slug="digital-services-live-qa",
                title="Digital services: live Q&A",
                office="secretariat-seoul",
                is_live=True,
                url="https://learning.wego.example/offices/secretariat-seoul/"
                "digital-services-live-qa/",
            ),
        ),
    ],
)

registration_create = extend_schema(
    request=None,
    responses={
        201: REGISTRATION,
        200: REGISTRATION,
        **error_responses(
            401,
            403,
            404,
            409,
            codes={
                401: [("not_authenticated", "Sign in to register.")],
                403: [("ineligible", "You cannot register for this webinar yet.")],
                404: NOT_FOUND[404],
                409: [("webinar_over", "This webinar is over.")],
            },
        ),
    },
    examples=[
        ok_example(
            "Registered",
            {
                "id": 1907,
                "webinar": 57,
                "created_at": "2026-11-20T14:03:51.120000Z",
            },
            201,
        ),
        ok_example(
            "Already registered",
            {
                "id": 1907,
                "webinar": 57,
                "created_at": "2026-11-20T14:03:51.120000Z",
            },
            200,
        ),
    ],
)
