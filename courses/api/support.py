"""Technical-support slots: list and publish, withdraw, book, cancel a booking."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from lms.errors import DomainError, PermissionDenied

from .. import selectors, services
from . import schema
from .base import (
    CoursesAPIView,
    programme_or_404,
    require_trainer,
    support_slot_or_404,
)
from .serializers import (
    SupportBookingSerializer,
    SupportSlotPublishSerializer,
    SupportSlotSerializer,
)


class SupportSlotListView(CoursesAPIView):
    """Upcoming technical-support slots with free places, and your own bookings.

    For confirmed participants and the programme's trainers. The video link
    is only given for slots the caller booked. Trainers publish slots here too.
    """

    permission_classes = [IsAuthenticated]

    @schema.support_slot_list
    def get(self, request, pk: int):
        programme = programme_or_404(pk)
        if not selectors.support_slots_visible(programme=programme, user=request.user):
            raise PermissionDenied(
                _("Only confirmed participants of this programme can book support."),
                code="not_confirmed",
            )
        rows = selectors.support_slots_for(programme=programme, user=request.user)
        return Response(
            {
                "programme": programme.pk,
                "bookings_allowed": programme.support_bookings_per_participant,
                "results": SupportSlotSerializer(rows, many=True).data,
            }
        )

    @schema.support_slot_publish
    def post(self, request, pk: int):
        """A trainer (or the Secretariat) publishes one slot."""
        programme = programme_or_404(pk)
        # The service checks the same rule again; this only orders 403 before 400.
        require_trainer(
            request,
            programme,
            _("Only this programme's trainers and the Secretariat can publish slots."),
        )
        serializer = SupportSlotPublishSerializer(data=request.data)
        if not serializer.is_valid():
            raise DomainError(
                _(
                    "Give the start and end as ISO 8601 times with a UTC offset, "
                    "and the other fields as described."
                ),
                code="invalid_slot",
                errors=serializer.errors,
            )
        data = serializer.validated_data
        slot = services.support_slot_publish(
            programme=programme,
            actor=request.user,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            timezone_name=data["timezone"],
            capacity=data["capacity"],
            video_link=data["video_link"],
            note=data["note"],
        )
        row = selectors.support_slot_view(slot=slot, user=request.user)
        return Response(SupportSlotSerializer(row).data, status=status.HTTP_201_CREATED)


class SupportSlotDetailView(CoursesAPIView):
    """Remove a slot; whoever booked it is told by e-mail."""

    permission_classes = [IsAuthenticated]

    @schema.support_slot_withdraw
    def delete(self, request, pk: int, slot_pk: int):
        slot = support_slot_or_404(programme_or_404(pk), slot_pk)
        services.support_slot_withdraw(slot=slot, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SupportSlotBookView(CoursesAPIView):
    """Book a place in a slot (one active booking per programme unless allowed more).

    The confirmation e-mail, with the times in the slot's zone and yours and
    the .ics attached, is sent after the booking is saved.
    """

    permission_classes = [IsAuthenticated]

    @schema.support_slot_book
    def post(self, request, pk: int, slot_pk: int):
        slot = support_slot_or_404(programme_or_404(pk), slot_pk)
        booking = services.support_slot_book(slot=slot, user=request.user)
        return Response(
            SupportBookingSerializer(booking, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SupportSlotCancelView(CoursesAPIView):
    """Cancel your booking of this slot; the place is free again at once."""

    permission_classes = [IsAuthenticated]

    @schema.support_slot_cancel
    def post(self, request, pk: int, slot_pk: int):
        slot = support_slot_or_404(programme_or_404(pk), slot_pk)
        booking = services.support_booking_for(slot=slot, user=request.user)
        booking = services.support_booking_cancel(booking=booking, user=request.user)
        return Response(
            SupportBookingSerializer(booking, context={"request": request}).data
        )
