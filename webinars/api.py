"""REST API for webinars and their Q&A: thin views over the same services as the socket."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import error_responses, ok_example, request_example
from lms.errors import DomainError, NotFound
from lms.links import page_url

from . import services
from .models import Question, WebinarPage
from .selectors import (
    qa_events_since,
    qa_snapshot,
    question_state,
    question_view,
    room_last_event_id,
    user_can_moderate,
    user_voted_question_ids,
    webinar_can_view,
    webinar_office,
    webinars_public,
)

# --- OpenAPI examples (realistic: the demo's Eurasia office webinar) -----------

WEBINAR_EXAMPLE = {
    "id": 57,
    "slug": "open-data-for-public-utilities",
    "title": "Open data for public utilities and healthcare",
    "office": "eurasia-ulyanovsk",
    "starts_at": "2026-11-24T09:00:00Z",
    "ends_at": "2026-11-24T10:30:00Z",
    "is_live": False,
    "url": "https://learning.wego.example/offices/eurasia-ulyanovsk/"
    "open-data-for-public-utilities/",
}
QUESTION_EXAMPLE = {
    "id": 812,
    "text": "Which datasets did Ulyanovsk publish first, and in what format?",
    "author": {
        "id": 311,
        "name": "Lan Nguyen",
        "organisation": "Hanoi People's Committee",
    },
    "anonymous": False,
    "votes": 14,
    "voted_by_me": True,
    "status": "visible",
    "pinned": False,
    "answered": False,
    "answer_text": "",
    "created_at": "2026-11-24T09:21:07.412000+00:00",
}
ANONYMOUS_QUESTION_EXAMPLE = dict(
    QUESTION_EXAMPLE,
    id=813,
    text="How do you keep hospital waiting-time data anonymous?",
    author=None,
    anonymous=True,
    votes=3,
    voted_by_me=False,
)
NOT_FOUND = {404: [("webinar_not_found", "No such webinar.")]}
QUESTION_NOT_FOUND = {404: [("question_not_found", "No such question.")]}
NOT_REGISTERED = (
    "not_registered",
    "Register for this webinar to ask and vote.",
)
RATE_LIMITED = (
    "rate_limited",
    "You can ask one question every 10 seconds. Please wait a moment.",
)


class WebinarSerializer(serializers.ModelSerializer):
    office = serializers.SerializerMethodField()
    ends_at = serializers.DateTimeField(read_only=True)
    is_live = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = WebinarPage
        fields = [
            "id",
            "slug",
            "title",
            "office",
            "starts_at",
            "ends_at",
            "is_live",
            "url",
        ]

    def get_office(self, obj) -> str | None:
        office = webinar_office(webinar=obj)
        return office.slug if office else None

    def get_url(self, obj) -> str:
        # The page's one address, whatever the client's Accept-Language.
        with translation.override(settings.LANGUAGE_CODE):
            return page_url(obj)


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    """Shape of a question (documentation only; views return the selector's dict)."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    author = AuthorSerializer(allow_null=True)
    anonymous = serializers.BooleanField()
    votes = serializers.IntegerField()
    voted_by_me = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["pending", "visible", "hidden"])
    pinned = serializers.BooleanField()
    answered = serializers.BooleanField()
    answer_text = serializers.CharField()
    created_at = serializers.DateTimeField()


class AskSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, trim_whitespace=False)
    anonymous = serializers.BooleanField(default=False)


class ModerateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=services.MODERATION_ACTIONS)
    answer_text = serializers.CharField(required=False, allow_blank=True, default="")


def _webinar(request, pk) -> WebinarPage:
    webinar = WebinarPage.objects.filter(pk=pk).first()
    if webinar is None or not webinar_can_view(webinar=webinar, user=request.user):
        raise NotFound(_("No such webinar."), code="webinar_not_found")
    return webinar


def _question_out(question: Question, user) -> dict:
    webinar = question.webinar
    return question_view(
        question_state(question),
        moderator=user_can_moderate(webinar=webinar, user=user),
        voted=question.pk in user_voted_question_ids(webinar=webinar, user=user),
    )


class WebinarList(generics.ListAPIView):
    """Published public webinars, soonest first."""

    serializer_class = WebinarSerializer
    filter_backends: list = []

    def get_queryset(self):
        return webinars_public()

    @extend_schema(
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
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WebinarDetail(generics.RetrieveAPIView):
    """One webinar the caller may read."""

    serializer_class = WebinarSerializer

    @extend_schema(
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
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return _webinar(self.request, self.kwargs["pk"])


REGISTRATION = inline_serializer(
    "Registration",
    {
        "id": serializers.IntegerField(),
        "webinar": serializers.IntegerField(),
        "created_at": serializers.DateTimeField(),
    },
)


class RegistrationCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
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
    def post(self, request, pk):
        webinar = _webinar(request, pk)
        registration, created = services.webinar_register(
            webinar=webinar, user=request.user
        )
        return Response(
            {
                "id": registration.pk,
                "webinar": webinar.pk,
                "created_at": registration.created_at,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class QuestionListCreate(APIView):
    """The Q&A as the caller sees it; ``?since=<event_id>`` gives only the events after it."""

    @extend_schema(
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
    def get(self, request, pk):
        webinar = _webinar(request, pk)
        since = request.query_params.get("since")
        if since is not None:
            try:
                since = max(0, int(since))
            except ValueError:
                raise DomainError(
                    _("since must be an event id."), code="invalid"
                ) from None
            # Read before the events: anything committed later has a higher id.
            counter = room_last_event_id(webinar=webinar)
            events = qa_events_since(webinar=webinar, user=request.user, since=since)
            if events is not None:
                last = max([since, counter] + [e["event_id"] for e in events])
                return Response({"events": events, "last_event_id": last})
        snapshot = qa_snapshot(webinar=webinar, user=request.user)
        snapshot.pop("type")
        return Response(snapshot)

    @extend_schema(
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
            ok_example(
                "Asked", dict(QUESTION_EXAMPLE, votes=0, voted_by_me=False), 201
            ),
        ],
    )
    def post(self, request, pk):
        webinar = _webinar(request, pk)
        serializer = AskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = services.question_ask(
            webinar=webinar,
            user=request.user,
            text=serializer.validated_data["text"],
            anonymous=serializer.validated_data["anonymous"],
        )
        return Response(
            _question_out(question, request.user), status=status.HTTP_201_CREATED
        )


def _question_webinar(request, pk) -> WebinarPage:
    question = get_object_or_404(Question.objects.select_related("webinar"), pk=pk)
    return _webinar(request, question.webinar_id)


class QuestionVote(APIView):
    @extend_schema(
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
    def post(self, request, pk):
        webinar = _question_webinar(request, pk)
        question = services.question_vote(
            webinar=webinar, question_id=pk, user=request.user
        )
        return Response(_question_out(question, request.user))

    @extend_schema(
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
    def delete(self, request, pk):
        webinar = _question_webinar(request, pk)
        question = services.question_unvote(
            webinar=webinar, question_id=pk, user=request.user
        )
        return Response(_question_out(question, request.user))


class QuestionModerate(APIView):
    @extend_schema(
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
    def post(self, request, pk):
        webinar = _question_webinar(request, pk)
        if not request.user.is_authenticated:
            raise DomainError(_("Sign in first."), code="not_authenticated", status=401)
        serializer = ModerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = services.question_moderate(
            webinar=webinar,
            question_id=pk,
            user=request.user,
            action=serializer.validated_data["action"],
            answer_text=serializer.validated_data["answer_text"],
        )
        return Response(_question_out(question, request.user))
