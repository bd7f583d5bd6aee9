"""Presence of attendees' connections and the attendance it reports to courses."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..models import Presence, WebinarPage
from ..selectors import presence_minutes, user_is_registered
from .base import _broadcast_attendees, _chunks


def presence_join(*, webinar: WebinarPage, user) -> Presence | None:
    """A registered attendee's connection opens; others are not counted."""
    if not user_is_registered(webinar=webinar, user=user):
        return None
    presence = Presence.objects.create(webinar=webinar, user=user)
    transaction.on_commit(lambda: _broadcast_attendees(webinar))
    return presence


def presence_heartbeat(*, presence_id: int) -> None:
    """The connection is still open (covers connections that drop silently)."""
    presence_heartbeat_many(presence_ids=[presence_id])


def presence_heartbeat_many(*, presence_ids: Sequence[int]) -> None:
    """Every open connection of a room beats at once: one update per 500."""
    now = timezone.now()
    for ids in _chunks(presence_ids):
        Presence.objects.filter(pk__in=ids, left_at__isnull=True).update(
            last_seen_at=now
        )


def presence_leave(*, presence_id: int) -> None:
    """The connection closed: its time counts, and attendance is reported."""
    now = timezone.now()
    presence = Presence.objects.select_related("webinar").filter(pk=presence_id).first()
    if presence is None or presence.left_at is not None:
        return
    Presence.objects.filter(pk=presence_id).update(left_at=now, last_seen_at=now)
    webinar = presence.webinar
    presence_report_attendance(webinar=webinar, user=presence.user)
    transaction.on_commit(lambda: _broadcast_attendees(webinar))


def presence_report_attendance(*, webinar: WebinarPage, user) -> None:
    """Minutes attended become attendance of the linked programme session.

    Courses decides present/absent from its own minimum and never overrides
    a trainer's mark; reporting again just updates the minutes.
    """
    if webinar.programme_session_id is None:
        return
    from courses.services import attendance_record_presence

    attendance_record_presence(
        session=webinar.programme_session,
        user=user,
        minutes=presence_minutes(webinar=webinar, user=user),
    )


def presence_report_room(*, webinar_id: int, presence_ids: Sequence[int]) -> int:
    """The open connections of a room have their minutes so far reported.

    What ``report_webinar_attendance`` does under beat, for one open room,
    run from the room's own timer when there is no beat. The connections
    beat first, so the minutes run to now. An upsert: running it again only
    updates the minutes. Returns how many people were reported.
    """
    webinar = (
        WebinarPage.objects.filter(pk=webinar_id, programme_session__isnull=False)
        .select_related("programme_session")
        .first()
    )
    if webinar is None or not presence_ids:
        return 0
    presence_heartbeat_many(presence_ids=presence_ids)
    user_ids = set(
        Presence.objects.filter(
            pk__in=presence_ids, webinar_id=webinar_id, left_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    reported = 0
    for user in get_user_model().objects.filter(pk__in=user_ids):
        presence_report_attendance(webinar=webinar, user=user)
        reported += 1
    return reported
