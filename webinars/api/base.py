"""What the webinars API's views share: finding what the caller may read, and
a question as the caller sees it."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from lms.errors import DomainError, NotFound

from ..events import question_view
from ..models import Poll, Question, WebinarPage
from ..selectors import (
    question_state,
    user_can_moderate,
    user_voted_question_ids,
    webinar_can_view,
)


def _webinar(request, pk) -> WebinarPage:
    webinar = WebinarPage.objects.filter(pk=pk).first()
    if webinar is None or not webinar_can_view(webinar=webinar, user=request.user):
        raise NotFound(_("No such webinar."), code="webinar_not_found")
    return webinar


def _question_webinar(request, pk) -> WebinarPage:
    question = get_object_or_404(Question.objects.select_related("webinar"), pk=pk)
    return _webinar(request, question.webinar_id)


def _poll_webinar(request, pk) -> WebinarPage:
    """The webinar of a poll the caller may read; any other poll is no poll."""
    poll = Poll.objects.filter(pk=pk).only("webinar_id").first()
    if poll is None:
        raise NotFound(_("No such poll."), code="poll_not_found")
    try:
        return _webinar(request, poll.webinar_id)
    except DomainError:
        raise NotFound(_("No such poll."), code="poll_not_found") from None


def _question_out(question: Question, user) -> dict:
    webinar = question.webinar
    return question_view(
        question_state(question),
        moderator=user_can_moderate(webinar=webinar, user=user),
        voted=question.pk in user_voted_question_ids(webinar=webinar, user=user),
    )
