"""Asking questions and voting on them."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound

from ..models import QUESTION_MAX_LENGTH, Question, QuestionStatus, Vote, WebinarPage
from ..selectors import question_state, user_can_moderate
from .base import _as_id, _limit_ask, _limit_vote, _record, _require_registered


def _clean_text(text) -> str:
    if not isinstance(text, str):
        raise DomainError(_("The question must be text."), code="invalid_text")
    text = text.strip()
    if not text:
        raise DomainError(_("The question is empty."), code="empty_question")
    if len(text) > QUESTION_MAX_LENGTH:
        raise DomainError(
            _("A question has at most %(max)s characters.")
            % {"max": QUESTION_MAX_LENGTH},
            code="question_too_long",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's "\ud800"
        raise DomainError(
            _("The question contains characters that are not text."),
            code="invalid_text",
        ) from None
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise DomainError(
            _("The question contains control characters."), code="invalid_text"
        )
    return text


def _refresh_qa_settings(webinar: WebinarPage) -> None:
    """Read "asking open" and pre-moderation as stored now.

    A socket keeps the page it loaded at connect for hours; a moderator's
    switch since then must still apply to its next question.
    """
    row = (
        WebinarPage.objects.filter(pk=webinar.pk)
        .values("asking_open", "premoderation")
        .first()
    )
    if row is not None:
        webinar.asking_open = row["asking_open"]
        webinar.premoderation = row["premoderation"]


def question_ask(
    *, webinar: WebinarPage, user, text, anonymous: bool = False
) -> Question:
    """A registered attendee asks; plain text of 1–500 characters.

    Anonymous questions hide the author from other attendees, never from
    moderators. With pre-moderation on, a question waits for approval. One
    question per 10 seconds per person.
    """
    _require_registered(webinar=webinar, user=user)
    text = _clean_text(text)
    _refresh_qa_settings(webinar)
    # Only when a rule depends on it: the moderator check costs queries.
    moderator = (not webinar.asking_open or webinar.premoderation) and (
        user_can_moderate(webinar=webinar, user=user)
    )
    if not webinar.asking_open and not moderator:
        raise Conflict(_("Asking is closed for now."), code="asking_closed")
    _limit_ask(webinar=webinar, user=user)
    status = (
        QuestionStatus.PENDING
        if webinar.premoderation and not moderator
        else QuestionStatus.VISIBLE
    )
    with transaction.atomic():
        question = Question.objects.create(
            webinar=webinar,
            author=user,
            text=text,
            anonymous=bool(anonymous),
            status=status,
        )
        _record(webinar.pk, "question.created", question_state(question))
    return question


def _question_of(*, webinar: WebinarPage, question_id, lock: bool = False) -> Question:
    pk = _as_id(question_id)
    if pk is None:
        raise NotFound(_("No such question."), code="question_not_found")
    qs = Question.objects.select_related("author", "author__organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    question = qs.filter(pk=pk, webinar=webinar).first()
    if question is None:
        raise NotFound(_("No such question."), code="question_not_found")
    return question


def _change_vote(*, webinar: WebinarPage, question_id, user, add: bool) -> Question:
    _require_registered(webinar=webinar, user=user)
    with transaction.atomic():
        question = _question_of(webinar=webinar, question_id=question_id, lock=True)
        if question.status != QuestionStatus.VISIBLE:
            raise NotFound(_("No such question."), code="question_not_found")
        _limit_vote(webinar=webinar, user=user)
        if add:
            changed = Vote.objects.get_or_create(question=question, user=user)[1]
            delta = 1
        else:
            changed = bool(
                Vote.objects.filter(question=question, user=user).delete()[0]
            )
            delta = -1
        if not changed:  # voting twice (or removing a vote never given) is harmless
            return question
        Question.objects.filter(pk=question.pk).update(votes=F("votes") + delta)
        question.refresh_from_db(fields=["votes"])
        _record(
            webinar.pk,
            "question.updated",
            question_state(question),
            coalesce=True,
            voter=user.pk,
            voted=add,
        )
    return question


def question_vote(*, webinar: WebinarPage, question_id, user) -> Question:
    """Upvote a visible question, once per person (again is harmless)."""
    return _change_vote(webinar=webinar, question_id=question_id, user=user, add=True)


def question_unvote(*, webinar: WebinarPage, question_id, user) -> Question:
    """Remove one's upvote."""
    return _change_vote(webinar=webinar, question_id=question_id, user=user, add=False)
