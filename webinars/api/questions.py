"""A webinar's Q&A: reading it (or what changed since an event), asking,
voting and moderating; the same services as the socket."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.errors import DomainError

from .. import services
from ..selectors import qa_events_since, qa_snapshot, room_last_event_id
from . import schema
from .base import _question_out, _question_webinar, _webinar
from .serializers import AskOptionsSerializer, ModerateSerializer


def _since(value) -> int | None:
    """``?since=``: an event id (negative counts as 0), or None when absent."""
    if value is None:
        return None
    try:
        return max(0, int(value))
    except ValueError:
        raise DomainError(_("since must be an event id."), code="invalid") from None


class QuestionListCreateView(APIView):
    """The Q&A as the caller sees it; ``?since=<event_id>`` gives only the events after it."""

    @schema.qa_read
    def get(self, request, pk):
        webinar = _webinar(request, pk)
        since = _since(request.query_params.get("since"))
        if since is not None:
            # Read before the events: anything committed later has a higher id.
            counter = room_last_event_id(webinar=webinar)
            events = qa_events_since(webinar=webinar, user=request.user, since=since)
            if events is not None:
                last = max([since, counter] + [e["event_id"] for e in events])
                return Response({"events": events, "last_event_id": last})
        snapshot = qa_snapshot(webinar=webinar, user=request.user)
        snapshot.pop("type")
        return Response(snapshot)

    @schema.question_ask
    def post(self, request, pk):
        webinar = _webinar(request, pk)
        data = request.data if isinstance(request.data, dict) else {}
        options = AskOptionsSerializer(data=data)
        options.is_valid(raise_exception=True)
        question = services.question_ask(
            webinar=webinar,
            user=request.user,
            text=data.get("text"),
            anonymous=options.validated_data["anonymous"],
        )
        return Response(
            _question_out(question, request.user), status=status.HTTP_201_CREATED
        )


class QuestionVoteView(APIView):
    @schema.question_vote
    def post(self, request, pk):
        webinar = _question_webinar(request, pk)
        question = services.question_vote(
            webinar=webinar, question_id=pk, user=request.user
        )
        return Response(_question_out(question, request.user))

    @schema.question_unvote
    def delete(self, request, pk):
        webinar = _question_webinar(request, pk)
        question = services.question_unvote(
            webinar=webinar, question_id=pk, user=request.user
        )
        return Response(_question_out(question, request.user))


class QuestionModerateView(APIView):
    @schema.question_moderate
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
