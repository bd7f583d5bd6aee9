"""OpenAPI for a webinar's Q&A: reading it, asking, voting, moderating."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from lms.api import error_responses, ok_example, request_example

from ..serializers import AskSerializer, ModerateSerializer, QuestionSerializer
from .examples import (
    ANONYMOUS_QUESTION_EXAMPLE,
    NOT_FOUND,
    NOT_REGISTERED,
    QUESTION_EXAMPLE,
    QUESTION_NOT_FOUND,
    RATE_LIMITED,
)

qa_read = extend_schema(
    parameters=[OpenApiParameter("since", int, required=False)],
    responses={
        200: inline_serializer(
            "QASnapshot",
            {
                "questions": QuestionSerializer(many=True, required=False),
                "events": serializers.ListField(
                    child=serializers.DictField(), required=False
                ),
                "last_event_id": serializers.IntegerField(),
                "attendees": serializers.IntegerField(required=False),
            },
        ),
        **error_responses(
            400,
            404,
            codes={400: [("invalid", "since must be an event id.")], **NOT_FOUND},
        ),
    },
    examples=[
        ok_example(
            "Snapshot",
            {
                "questions": [QUESTION_EXAMPLE, ANONYMOUS_QUESTION_EXAMPLE],
                "polls": [],
                "last_event_id": 1093,
                "attendees": 212,
            },
        ),
        ok_example(
            "Events after ?since=1091",
            {
                "events": [
                    {
                        "type": "question.created",
                        "question": ANONYMOUS_QUESTION_EXAMPLE,
                        "event_id": 1092,
                    },
                    {
                        "type": "question.updated",
                        "question": QUESTION_EXAMPLE,
                        "event_id": 1093,
                    },
                ],
                "last_event_id": 1093,
            },
        ),
    ],
)

question_ask = extend_schema(
    request=AskSerializer,
    responses={
        201: QuestionSerializer,
        **error_responses(
            400,
            401,
            403,
            404,
            409,
            429,
            codes={
                400: [
                    ("empty_question", "The question is empty."),
                    (
                        "question_too_long",
                        "A question has at most 500 characters.",
                    ),
                    ("invalid_text", "The question must be text."),
                ],
                401: [("not_authenticated", "Sign in to take part in the Q&A.")],
                403: [NOT_REGISTERED],
                **NOT_FOUND,
                409: [("asking_closed", "Asking is closed for now.")],
                429: [RATE_LIMITED],
            },
        ),
    },
    examples=[
        request_example(
            "Ask",
            {
                "text": "Which datasets did Ulyanovsk publish first, "
                "and in what format?",
                "anonymous": False,
            },
        ),
        request_example(
            "Ask anonymously",
            {
                "text": "How do you keep hospital waiting-time data anonymous?",
                "anonymous": True,
            },
        ),
        ok_example("Asked", dict(QUESTION_EXAMPLE, votes=0, voted_by_me=False), 201),
    ],
)

question_vote = extend_schema(
    request=None,
    responses={
        200: QuestionSerializer,
        **error_responses(
            401,
            403,
            404,
            429,
            codes={
                401: [("not_authenticated", "Sign in to take part in the Q&A.")],
                403: [NOT_REGISTERED],
                **QUESTION_NOT_FOUND,
                429: [
                    (
                        "rate_limited",
                        "Too many votes at once. Please wait a few seconds.",
                    )
                ],
            },
        ),
    },
    examples=[ok_example("Upvoted", QUESTION_EXAMPLE)],
)

question_unvote = extend_schema(
    request=None,
    responses={
        200: QuestionSerializer,
        **error_responses(
            401,
            403,
            404,
            429,
            codes={
                401: [("not_authenticated", "Sign in to take part in the Q&A.")],
                403: [NOT_REGISTERED],
                **QUESTION_NOT_FOUND,
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
        ok_example(
            "Upvote removed", dict(QUESTION_EXAMPLE, votes=13, voted_by_me=False)
        )
    ],
)

question_moderate = extend_schema(
    request=ModerateSerializer,
    responses={
        200: QuestionSerializer,
        **error_responses(
            400,
            401,
            403,
            404,
            codes={
                400: [
                    ("invalid", "The request is not valid; see 'errors'."),
                    ("answer_too_long", "The written answer is too long."),
                ],
                401: [("not_authenticated", "Sign in first.")],
                403: [
                    (
                        "not_moderator",
                        "Only the webinar's moderators can do that.",
                    )
                ],
                **QUESTION_NOT_FOUND,
            },
        ),
    },
    examples=[
        request_example("Pin", {"action": "pin"}),
        request_example(
            "Answer in writing",
            {
                "action": "answer",
                "answer_text": "CSV and JSON through the city's open data "
                "portal, water tariffs first.",
            },
        ),
        ok_example(
            "Answered",
            dict(
                QUESTION_EXAMPLE,
                answered=True,
                answer_text="CSV and JSON through the city's open data "
                "portal, water tariffs first.",
            ),
        ),
    ],
)
