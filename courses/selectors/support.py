"""Technical-support slots as one viewer sees them, and their bookings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Q,
)
from django.utils import timezone

from ..models import (
    EnrolmentStatus,
    ProgrammePage,
)
from .access import user_can_train


@dataclass
class SupportSlotView:
    """A slot as one viewer sees it: free places, and the link only if booked."""

    slot: object
    seats_left: int
    booking: object | None
    local_start: object
    local_end: object
    viewer_start: object | None

    @property
    def video_link(self) -> str:
        return self.slot.video_link if self.booking is not None else ""


def support_slots_visible(*, programme: ProgrammePage, user) -> bool:
    """Confirmed participants and the programme's trainers see the slots."""
    if not user or not user.is_authenticated:
        return False
    return programme.enrolments.filter(
        user=user, status=EnrolmentStatus.CONFIRMED
    ).exists() or user_can_train(user=user, programme=programme)


def support_slots_for(
    *, programme: ProgrammePage, user, include_full: bool = False
) -> list[SupportSlotView]:
    """Upcoming slots of a programme with free places, and the viewer's bookings.

    Two queries whatever the number of slots: the slots with their booked
    count, then the viewer's own active bookings.
    """
    from ..models import SupportBooking, SupportBookingStatus, SupportSlot

    slots = (
        SupportSlot.objects.filter(programme=programme, starts_at__gt=timezone.now())
        .annotate(
            booked=Count(
                "bookings", filter=Q(bookings__status=SupportBookingStatus.BOOKED)
            )
        )
        .order_by("starts_at", "pk")
    )
    mine = {
        b.slot_id: b
        for b in SupportBooking.objects.filter(
            slot__programme=programme,
            enrolment__user=user,
            status=SupportBookingStatus.BOOKED,
        )
    }
    viewer_zone = _viewer_zone(user)
    rows = []
    for slot in slots:
        left = max(slot.capacity - slot.booked, 0)
        booking = mine.get(slot.pk)
        if left == 0 and booking is None and not include_full:
            continue
        rows.append(
            _slot_view(slot, seats_left=left, booking=booking, viewer_zone=viewer_zone)
        )
    return rows


def support_slot_view(*, slot, user) -> SupportSlotView:
    """One slot as ``user`` sees it, e.g. the one a trainer just published."""
    from ..models import SupportBookingStatus

    booked = slot.bookings.filter(status=SupportBookingStatus.BOOKED)
    booking = booked.filter(enrolment__user=user).first()
    return _slot_view(
        slot,
        seats_left=max(slot.capacity - booked.count(), 0),
        booking=booking,
        viewer_zone=_viewer_zone(user),
    )


def _viewer_zone(user):
    import zoneinfo

    if getattr(user, "timezone", None):
        try:
            return zoneinfo.ZoneInfo(user.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None
    return None


def _slot_view(slot, *, seats_left: int, booking, viewer_zone) -> SupportSlotView:
    local_start = timezone.localtime(slot.starts_at, slot.zoneinfo)
    viewer_start = None
    if viewer_zone is not None:
        mine_local = timezone.localtime(slot.starts_at, viewer_zone)
        if mine_local.utcoffset() != local_start.utcoffset():
            viewer_start = mine_local
    return SupportSlotView(
        slot=slot,
        seats_left=seats_left,
        booking=booking,
        local_start=local_start,
        local_end=timezone.localtime(slot.ends_at, slot.zoneinfo),
        viewer_start=viewer_start,
    )


def support_bookings_of(*, user):
    """A participant's active support bookings, for My programmes."""
    from ..models import SupportBooking, SupportBookingStatus

    return (
        SupportBooking.objects.filter(
            enrolment__user=user,
            status=SupportBookingStatus.BOOKED,
            slot__ends_at__gt=timezone.now(),
        )
        .select_related("slot__programme")
        .order_by("slot__starts_at")
    )
