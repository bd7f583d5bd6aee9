"""Live polls: opening, closing and answering them."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied

from ..events import poll_view
from ..models import Poll, PollBallot, PollOption, PollVote, WebinarPage
from ..selectors import poll_state, user_can_moderate
from .base import _as_id, _limit_vote, _record, _require_registered


def poll_create(
    *, webinar: WebinarPage, user, question: str, options: list[str], multiple: bool
) -> Poll:
    """Moderators open a live poll with 2–10 answers."""
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    question = (question or "").strip()
    labels = [o.strip() for o in options if o and o.strip()]
    if not question or len(question) > 300:
        raise DomainError(_("The poll needs a question."), code="invalid_poll")
    if not 2 <= len(labels) <= 10 or any(len(label) > 200 for label in labels):
        raise DomainError(
            _("A poll has between 2 and 10 answers."), code="invalid_poll"
        )
    with transaction.atomic():
        poll = Poll.objects.create(
            webinar=webinar, question=question, multiple=multiple, created_by=user
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label=label, position=i)
            for i, label in enumerate(labels)
        )
        _record(webinar.pk, "poll.updated", poll_state(poll))
    return poll


def _poll_of(*, webinar: WebinarPage, poll_id, lock: bool = False) -> Poll:
    pk = _as_id(poll_id)
    if pk is None:
        raise NotFound(_("No such poll."), code="poll_not_found")
    qs = Poll.objects.select_for_update() if lock else Poll.objects
    poll = qs.filter(pk=pk, webinar=webinar).exclude(state=Poll.State.DRAFT).first()
    if poll is None:
        raise NotFound(_("No such poll."), code="poll_not_found")
    return poll


def poll_close(*, webinar: WebinarPage, user, poll_id) -> Poll:
    """Moderators close a poll; its results stay visible."""
    if not user_can_moderate(webinar=webinar, user=user):
        raise PermissionDenied(
            _("Only the webinar's moderators can do that."), code="not_moderator"
        )
    with transaction.atomic():
        poll = _poll_of(webinar=webinar, poll_id=poll_id, lock=True)
        if poll.state == Poll.State.CLOSED:
            return poll  # closing twice is harmless
        poll.state = Poll.State.CLOSED
        poll.save(update_fields=["state"])
        _record(webinar.pk, "poll.updated", poll_state(poll))
    return poll


def _clean_choice(poll: Poll, option_ids) -> list[int]:
    """The option ids of an answer: a list of this poll's options, one unless
    the poll allows several."""
    if isinstance(option_ids, str | bytes | dict) or not isinstance(
        option_ids, list | tuple
    ):
        raise DomainError(
            _("Send the chosen answers as a list of ids."), code="invalid_choice"
        )
    wanted = {_as_id(o) for o in option_ids}
    if not wanted:
        raise DomainError(_("Choose an answer."), code="invalid_choice")
    valid = set(poll.options.values_list("pk", flat=True))
    if None in wanted or not wanted <= valid:
        raise DomainError(
            _("That is not one of this poll's answers."), code="invalid_choice"
        )
    if len(wanted) > 1 and not poll.multiple:
        raise DomainError(_("This poll takes one answer only."), code="invalid_choice")
    return sorted(wanted)


def poll_vote(*, webinar: WebinarPage, user, poll_id, option_ids) -> dict:
    """A registered attendee answers an open poll, once; returns the poll as
    they now see it (results and ``my_choice``).

    Every door (the page's form, the REST API, the socket) comes here. The
    poll's row is locked, so an answer and a close never cross; the ballot's
    unique constraint keeps one answer per person even when two requests
    race (the second is ``already_answered``).
    """
    _require_registered(webinar=webinar, user=user)
    with transaction.atomic():
        poll = _poll_of(webinar=webinar, poll_id=poll_id, lock=True)
        if poll.state != Poll.State.OPEN:
            raise Conflict(_("This poll is closed."), code="poll_closed")
        if PollBallot.objects.filter(poll=poll, user=user).exists():
            raise Conflict(
                _("You have already answered this poll."), code="already_answered"
            )
        choice = _clean_choice(poll, option_ids)
        _limit_vote(webinar=webinar, user=user)
        try:
            with transaction.atomic():
                PollBallot.objects.create(poll=poll, user=user)
        except IntegrityError:  # a concurrent answer of the same person won
            raise Conflict(
                _("You have already answered this poll."), code="already_answered"
            ) from None
        PollVote.objects.bulk_create(
            PollVote(poll=poll, option_id=pk, user=user) for pk in choice
        )
        state = poll_state(poll)
        _record(
            webinar.pk,
            "poll.updated",
            state,
            coalesce=True,
            voter=user.pk,
            choice=choice,
        )
    return poll_view(state, my_choice=choice)
