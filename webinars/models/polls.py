"""Live polls: the poll, its answers, and who chose what."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .webinar import WebinarPage


class Poll(models.Model):
    """A live poll: one or several choices, results shown live."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    webinar = models.ForeignKey(
        WebinarPage,
        verbose_name=_("webinar"),
        on_delete=models.CASCADE,
        related_name="polls",
    )
    question = models.CharField(_("question"), max_length=300)
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("answer"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("poll answer")

    def __str__(self) -> str:
        return self.label


class PollBallot(models.Model):
    """One person's answer to a poll, whatever the number of choices in it.

    The database keeps it to one per poll and person (``unique_poll_ballot``),
    so answering twice is refused even when two requests race.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="unique_poll_ballot")
        ]
        verbose_name = _("poll ballot")


class PollVote(models.Model):
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes"
    )
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["option", "user"], name="unique_poll_option_vote"
            )
        ]
        verbose_name = _("poll vote")
