"""What moderators do to questions and to the Q&A's settings."""

from django.db import transaction
from django.utils.translation import gettext as _

from lms.errors import DomainError, PermissionDenied

from ..models import Question, QuestionStatus, WebinarPage
from ..selectors import question_state, user_can_moderate
from .base import _record
from .questions import _question_of

MODERATION_ACTIONS = ("approve", "hide", "restore", "pin", "unpin", "answer")
ANSWER_MAX_LENGTH = 2000


def question_moderate(
    *, webinar: WebinarPage, question_id, user, action: str, answer_text: str = ""
) -> Question:
    """Moderators approve, hide, restore, pin, unpin, or mark answered.

    Only one question is pinned at a time (the presenter view highlights it),
    so pinning one unpins the other.
    """
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    if action not in MODERATION_ACTIONS:
        raise DomainError(
            _("Unknown moderation action."),
            code="unknown_action",
            allowed=list(MODERATION_ACTIONS),
        )
    answer_text = (answer_text or "").strip() if isinstance(answer_text, str) else ""
    if len(answer_text) > ANSWER_MAX_LENGTH:
        raise DomainError(_("The written answer is too long."), code="answer_too_long")
    with transaction.atomic():
        question = _question_of(webinar=webinar, question_id=question_id, lock=True)
        if action in ("approve", "restore"):
            question.status = QuestionStatus.VISIBLE
        elif action == "hide":
            question.status = QuestionStatus.HIDDEN
            question.pinned = False
        elif action == "pin":
            for other in Question.objects.filter(webinar=webinar, pinned=True).exclude(
                pk=question.pk
            ):
                other.pinned = False
                other.save(update_fields=["pinned", "updated_at"])
                _record(webinar.pk, "question.updated", question_state(other))
            question.pinned = True
        elif action == "unpin":
            question.pinned = False
        elif action == "answer":
            question.answered = True
            question.answer_text = answer_text
            question.pinned = False
        question.save()
        _record(webinar.pk, "question.updated", question_state(question))
    return question


def qa_settings_update(
    *,
    webinar: WebinarPage,
    user,
    asking_open: bool | None = None,
    premoderation: bool | None = None,
) -> WebinarPage:
    """Moderators open or lock asking and switch pre-moderation.

    Stored on the live page row (and its latest revision, so the next publish
    keeps it).
    """
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    changes = {}
    if asking_open is not None:
        changes["asking_open"] = bool(asking_open)
    if premoderation is not None:
        changes["premoderation"] = bool(premoderation)
    if not changes:
        return webinar
    with transaction.atomic():
        WebinarPage.objects.filter(pk=webinar.pk).update(**changes)
        revision = webinar.latest_revision
        if revision is not None:
            revision.content.update(changes)
            revision.save(update_fields=["content"])
        for key, value in changes.items():
            setattr(webinar, key, value)
    return webinar


def asking_set_open(*, webinar: WebinarPage, user, open: bool) -> WebinarPage:  # noqa: A002
    """Open or lock asking (moderators)."""
    return qa_settings_update(webinar=webinar, user=user, asking_open=open)
