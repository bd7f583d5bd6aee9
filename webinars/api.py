"""REST API for webinars and their Q&A: thin views over the same services as the socket."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import ErrorSerializer
from lms.errors import DomainError, NotFound

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
        return settings.BASE_URL.rstrip("/") + obj.url


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


class WebinarDetail(generics.RetrieveAPIView):
    serializer_class = WebinarSerializer

    def get_object(self):
        return _webinar(self.request, self.kwargs["pk"])


class RegistrationCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "Registration",
                {
                    "id": serializers.IntegerField(),
                    "webinar": serializers.IntegerField(),
                    "created_at": serializers.DateTimeField(),
                },
            ),
            200: OpenApiResponse(description="Already registered (same body)."),
            401: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
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
            404: OpenApiResponse(ErrorSerializer),
        },
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
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(ErrorSerializer),
            409: OpenApiResponse(ErrorSerializer),
            429: OpenApiResponse(ErrorSerializer),
        },
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
            403: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
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
            403: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
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
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
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
