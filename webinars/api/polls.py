"""A webinar's live polls: the same service as the socket's ``poll.vote``."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..events import poll_view
from ..selectors import poll_state, polls_for, user_poll_choices
from . import schema
from .base import _poll_webinar, _webinar


class PollListView(APIView):
    """A webinar's polls (open and closed, newest first), with the caller's answers."""

    @schema.poll_list
    def get(self, request, pk):
        webinar = _webinar(request, pk)
        choices = user_poll_choices(webinar=webinar, user=request.user)
        return Response(
            [
                poll_view(poll_state(p), my_choice=choices.get(p.pk))
                for p in polls_for(webinar=webinar)
            ]
        )


class PollVoteCreateView(APIView):
    """Answer a poll, once (registered attendees and moderators)."""

    @schema.poll_vote
    def post(self, request, pk):
        webinar = _poll_webinar(request, pk)
        data = request.data if isinstance(request.data, dict) else {}
        options = data.get("options")
        if hasattr(data, "getlist") and not isinstance(options, list):
            options = data.getlist("options")  # a form-encoded body
        answer = services.poll_vote(
            webinar=webinar, user=request.user, poll_id=pk, option_ids=options
        )
        return Response(answer, status=status.HTTP_201_CREATED)
