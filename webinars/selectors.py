"""Reads: listings, who may do what, and the Q&A as each viewer sees it."""

import datetime
from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import timezone

from lms.services import SECRETARIAT_GROUP, office_editors_group_name

from .events import event_message, poll_view, question_view
from .models import (
    LIVE_MARGIN,
    Poll,
    PollBallot,
    PollVote,
    Presence,
    QAEvent,
    QARoom,
    Question,
    QuestionStatus,
    Registration,
    Vote,
    WebinarPage,
)

# A presence not refreshed for this long is a dropped connection.
PRESENCE_STALE_AFTER = datetime.timedelta(minutes=2)
# Beyond this many missed events a reconnecting client gets a fresh snapshot.
RESYNC_MAX_EVENTS = 500


def webinars_public():
    return (
        WebinarPage.objects.live()
        .public()
        .select_related("series", "series__partner")
        .order_by("starts_at")
    )


def webinar_listing(*, now: datetime.datetime | None = None, office=None) -> dict:
    """Live now, upcoming (soonest first) and past (latest first) public webinars."""
    now = now or timezone.now()
    qs = webinars_public()
    if office is not None:
        qs = qs.descendant_of(office)
    live, upcoming, past = [], [], []
    for webinar in qs:
        if webinar.is_live_at(now):
            live.append(webinar)
        elif webinar.starts_at - LIVE_MARGIN > now:
            upcoming.append(webinar)
        else:
            past.append(webinar)
    past.reverse()
    return {"live": live, "upcoming": upcoming, "past": past}


def webinar_office(*, webinar: WebinarPage):
    """The office page a webinar belongs to (its parent), looked up once per instance."""
    if not hasattr(webinar, "_office_cache"):
        parent = webinar.get_parent()
        webinar._office_cache = parent.specific if parent else None
    return webinar._office_cache


def webinar_is_public(*, webinar: WebinarPage) -> bool:
    """Live, and neither it nor an ancestor restricts who may view it."""
    return bool(
        webinar.live
        and not webinar.get_view_restrictions().exists()
        and WebinarPage.objects.filter(pk=webinar.pk).public().exists()
    )


def webinar_can_view(*, webinar: WebinarPage, user) -> bool:
    """Reading follows the page's visibility: live and not privacy-restricted.

    Moderators can also see an unpublished webinar (to prepare it).
    """
    if webinar_is_public(webinar=webinar):
        return True
    return bool(
        user and user.is_authenticated and user_can_moderate(webinar=webinar, user=user)
    )


def user_can_moderate(*, webinar: WebinarPage, user) -> bool:
    """Moderators: Secretariat staff, the webinar's hosts, the office's editors.

    Checked on the server for every moderator action, whatever the channel.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    # The stored hosts, not an unsaved in-memory edit of the page.
    if WebinarPage.hosts.through.objects.filter(
        webinarpage_id=webinar.pk, user_id=user.pk
    ).exists():
        return True
    office = webinar_office(webinar=webinar)
    names = [SECRETARIAT_GROUP]
    if office is not None:
        names.append(office_editors_group_name(office.title))
    return user.groups.filter(name__in=names).exists()


def moderators_among(*, webinar_id: int, user_ids) -> set[int]:
    """Which of these people moderate the webinar now (for open sockets)."""
    from django.contrib.auth import get_user_model

    webinar = WebinarPage.objects.filter(pk=webinar_id).first()
    if webinar is None:
        return set()
    users = get_user_model().objects.filter(pk__in=list(user_ids))
    return {u.pk for u in users if user_can_moderate(webinar=webinar, user=u)}


def webinar_eligibility(*, webinar: WebinarPage, user) -> list:
    """The registration rules' verdicts for a person (empty: open to all)."""
    from courses.rules import evaluate_rules

    if not webinar.registration_rules:
        return []
    return evaluate_rules(rules=webinar.registration_rules, user=user, target=webinar)


def user_is_registered(*, webinar: WebinarPage, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Registration.objects.filter(webinar=webinar, user=user).exists()


def questions_for(*, webinar: WebinarPage, moderator: bool):
    qs = Question.objects.filter(webinar=webinar).select_related(
        "author", "author__organisation"
    )
    if not moderator:
        qs = qs.filter(status=QuestionStatus.VISIBLE)
    return qs.order_by("-pinned", "-votes", "created_at")


def user_voted_question_ids(*, webinar: WebinarPage, user) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Vote.objects.filter(question__webinar=webinar, user=user).values_list(
            "question_id", flat=True
        )
    )


def question_state(question: Question) -> dict:
    """The full (moderator's) view of a question: what events store."""
    author = question.author
    return {
        "id": question.pk,
        "text": question.text,
        "author": {
            "id": author.pk,
            "name": author.display_name,
            "organisation": author.organisation.name if author.organisation_id else "",
        },
        "anonymous": question.anonymous,
        "votes": question.votes,
        "status": question.status,
        "pinned": question.pinned,
        "answered": question.answered,
        "answer_text": question.answer_text,
        "created_at": question.created_at.isoformat(),
    }


def room_last_event_id(*, webinar: WebinarPage) -> int:
    return (
        QARoom.objects.filter(webinar=webinar)
        .values_list("last_event_id", flat=True)
        .first()
        or 0
    )


def attendees_count(
    *, webinar: WebinarPage | int, now: datetime.datetime | None = None
) -> int:
    """Distinct registered people connected now (heartbeat within two minutes)."""
    now = now or timezone.now()
    return (
        Presence.objects.filter(
            webinar=webinar,
            left_at__isnull=True,
            last_seen_at__gte=now - PRESENCE_STALE_AFTER,
        )
        .values("user")
        .distinct()
        .count()
    )


def qa_snapshot(*, webinar: WebinarPage, user) -> dict:
    """Everything a viewer needs to draw the Q&A, consistent with ``last_event_id``.

    The counter is read first: any change after it is an event with a higher
    id, which the client receives (or resyncs) anyway.
    """
    moderator = user_can_moderate(webinar=webinar, user=user)
    last_event_id = room_last_event_id(webinar=webinar)
    voted = user_voted_question_ids(webinar=webinar, user=user)
    questions = [
        question_view(question_state(q), moderator=moderator, voted=q.pk in voted)
        for q in questions_for(webinar=webinar, moderator=moderator)
    ]
    choices = user_poll_choices(webinar=webinar, user=user)
    return {
        "type": "snapshot",
        "questions": questions,
        "polls": [
            poll_view(poll_state(p), my_choice=choices.get(p.pk))
            for p in polls_for(webinar=webinar)
        ],
        "last_event_id": last_event_id,
        "attendees": attendees_count(webinar=webinar),
    }


def qa_events_since(*, webinar: WebinarPage, user, since: int) -> list[dict] | None:
    """The messages a viewer missed after ``since``, or None for a snapshot
    (too many missed, or ``since`` beyond the room's last event).

    Exactly the stored events with a higher id, each shaped for this viewer.
    """
    if since > room_last_event_id(webinar=webinar):
        # An id this room never reached (another server's, a reset database):
        # the client's state is not ours to patch, so it gets a snapshot.
        return None
    moderator = user_can_moderate(webinar=webinar, user=user)
    events = list(
        QAEvent.objects.filter(webinar=webinar, event_id__gt=since).order_by(
            "event_id"
        )[: RESYNC_MAX_EVENTS + 1]
    )
    if len(events) > RESYNC_MAX_EVENTS:
        return None
    voted = user_voted_question_ids(webinar=webinar, user=user)
    choices = (
        user_poll_choices(webinar=webinar, user=user)
        if any(e.type.startswith("poll.") for e in events)
        else {}
    )
    messages = []
    for event in events:
        is_poll = event.type.startswith("poll.")
        message = event_message(
            event.type,
            event.payload,
            event.event_id,
            moderator=moderator,
            voted=not is_poll and event.payload.get("id") in voted,
            poll_choice=choices.get(event.payload.get("id")) if is_poll else None,
        )
        if message is not None:
            messages.append(message)
    return messages


def polls_for(*, webinar: WebinarPage):
    return (
        Poll.objects.filter(webinar=webinar)
        .exclude(state=Poll.State.DRAFT)
        .prefetch_related("options")
    )


def poll_state(poll: Poll) -> dict:
    """A poll with its live results (votes per answer, people who answered):
    the same for every viewer, and what events store."""
    options = poll.options.annotate(count=Count("votes")).order_by("position", "pk")
    return {
        "id": poll.pk,
        "question": poll.question,
        "multiple": poll.multiple,
        "state": poll.state,
        "options": [{"id": o.pk, "label": o.label, "votes": o.count} for o in options],
        "voters": PollBallot.objects.filter(poll=poll).count(),
    }


def user_poll_choices(*, webinar: WebinarPage | int, user) -> dict[int, list[int]]:
    """``{poll id: [chosen option ids]}`` for the polls a person has answered."""
    if user is None or not user.is_authenticated:
        return {}
    choices: dict[int, list[int]] = {}
    rows = PollVote.objects.filter(poll__webinar=webinar, user=user).values_list(
        "poll_id", "option_id"
    )
    for poll_id, option_id in rows.order_by("option_id"):
        choices.setdefault(poll_id, []).append(option_id)
    return choices


def union_minutes(intervals) -> int:
    """Whole minutes covered by ``(start, end)`` intervals that may overlap
    (several tabs or devices at once count once)."""
    total = datetime.timedelta()
    current_start = current_end = None
    for start, end in sorted(intervals):
        if end < start:
            continue
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return int(total.total_seconds() // 60)


def presence_minutes(*, webinar: WebinarPage, user) -> int:
    """Minutes attended: the union of a person's connections (tabs overlap)."""
    return union_minutes(
        (p.joined_at, p.left_at or p.last_seen_at)
        for p in Presence.objects.filter(webinar=webinar, user=user)
    )


def presence_minutes_by_attendee(*, webinar_ids) -> dict[tuple[int, int], int]:
    """``{(webinar id, user id): minutes}`` for many webinars in one query."""
    intervals = defaultdict(list)
    rows = Presence.objects.filter(webinar_id__in=webinar_ids).values_list(
        "webinar_id", "user_id", "joined_at", "left_at", "last_seen_at"
    )
    for webinar_id, user_id, joined_at, left_at, last_seen_at in rows:
        intervals[webinar_id, user_id].append((joined_at, left_at or last_seen_at))
    return {key: union_minutes(spans) for key, spans in intervals.items()}


def registrations_due_reminder(*, now: datetime.datetime | None = None):
    """Registrations for webinars starting within 24 hours, not yet reminded."""
    now = now or timezone.now()
    return Registration.objects.filter(
        reminder_sent_at__isnull=True,
        webinar__live=True,
        webinar__starts_at__gt=now,
        webinar__starts_at__lte=now + datetime.timedelta(hours=24),
    ).select_related("user", "webinar")


def webinars_for_user(*, user):
    if not user.is_authenticated:
        return WebinarPage.objects.none()
    return webinars_public().filter(registrations__user=user)


def webinars_to_report(*, now: datetime.datetime | None = None):
    """(webinar, person) pairs to report: linked webinars live now or ended today."""
    now = now or timezone.now()
    webinars = WebinarPage.objects.filter(
        programme_session__isnull=False,
        starts_at__lte=now,
        starts_at__gte=now - datetime.timedelta(days=1),
    ).select_related("programme_session")
    for webinar in webinars:
        users = {
            p.user
            for p in Presence.objects.filter(webinar=webinar).select_related("user")
        }
        for user in users:
            yield webinar, user
