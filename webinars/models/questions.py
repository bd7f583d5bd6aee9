"""The live Q&A: its room counter, questions, votes and stored events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .webinar import QUESTION_MAX_LENGTH, WebinarPage


class QARoom(models.Model):
    """The event counter of one webinar's Q&A.

    Kept off the page row on purpose: publishing a page revision rewrites every
    page field and would move the counter backwards.
    """

    webinar = models.OneToOneField(
        WebinarPage, on_delete=models.CASCADE, related_name="qa_room"
    )
    last_event_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("Q&A room")


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class Question(models.Model):
    """A question from the audience. Its text is plain text, never HTML."""

    webinar = models.ForeignKey(
        WebinarPage,
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    # Kept even for anonymous questions: moderators must always know who asked.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="webinar_questions",
    )
    text = models.CharField(_("text"), max_length=QUESTION_MAX_LENGTH)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Hidden from other attendees.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=QuestionStatus.choices,
        default=QuestionStatus.VISIBLE,
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    answered = models.BooleanField(_("answered"), default=False)
    answer_text = models.TextField(_("written answer"), blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-votes", "created_at"]
        indexes = [models.Index(fields=["webinar", "status"])]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:60]


class Vote(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="vote_set"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="unique_vote")
        ]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")


class QAEvent(models.Model):
    """One change in a webinar's Q&A, stored before anyone is told about it.

    ``event_id`` grows by one per webinar (allocated under the room's row lock),
    so a client that reconnects with ``?since=<event_id>`` gets exactly what it
    missed. ``payload`` holds the full moderator's view of the object; what an
    attendee sees is derived from it when it is sent.
    """

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="qa_events"
    )
    event_id = models.PositiveBigIntegerField()
    type = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "event_id"], name="unique_qa_event_id"
            )
        ]
        ordering = ["event_id"]
        verbose_name = _("Q&A event")
