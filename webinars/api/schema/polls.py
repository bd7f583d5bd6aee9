"""OpenAPI for a webinar's live polls."""

from drf_spectacular.utils import extend_schema

from lms.api import error_responses, ok_example, request_example

from ..serializers import PollSerializer, PollVoteSerializer
from .examples import (
    ANSWERED_EXAMPLE,
    NOT_FOUND,
    NOT_REGISTERED,
    POLL_EXAMPLE,
    POLL_NOT_FOUND,
)

poll_list = extend_schema(
    responses={
        200: PollSerializer(many=True),
        **error_responses(404, codes=NOT_FOUND),
    },
    examples=[
        ok_example(
            "An open poll and a closed one",
            [
                POLL_EXAMPLE,
                dict(
                    ANSWERED_EXAMPLE,
                    id=40,
                    question="Does your city publish open data?",
                    multiple=True,
                    state="closed",
                    options=[
                        {"id": 98, "label": "Budget", "votes": 12},
                        {"id": 99, "label": "Transport", "votes": 7},
                    ],
                    voters=15,
                    my_choice=[98, 99],
                ),
            ],
        )
    ],
)

poll_vote = extend_schema(
    request=PollVoteSerializer,
    responses={
        201: PollSerializer,
        **error_responses(
            400,
            401,
            403,
            404,
            409,
            429,
            codes={
                400: [
                    ("invalid_choice", "That is not one of this poll's answers."),
                    ("invalid_choice", "This poll takes one answer only."),
                ],
                401: [("not_authenticated", "Sign in to take part in the Q&A.")],
                403: [NOT_REGISTERED],
                **POLL_NOT_FOUND,
                409: [
                    ("already_answered", "You have already answered this poll."),
                    ("poll_closed", "This poll is closed."),
                ],
                429: [
                    (
                        "rate_limited",
                        "Too many votes at once. Please wait a few seconds.",
                    )
                ],
            },
        ),
    },
    examples=[
        request_example("One answer", {"options": [101]}),
        request_example("Several answers (multiple)", {"options": [98, 99]}),
        ok_example("Answered", ANSWERED_EXAMPLE, 201),
    ],
)
