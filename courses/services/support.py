"""Remote technical-support slots after a training (eGovFrame), and their bookings.

Trainers and staff publish slots; confirmed participants book and cancel.
A booking takes the participant's enrolment row lock, then the slot row lock
(always in that order, so two bookings never deadlock): two people can never
both take the last place of a slot, and one person cannot hold more active
bookings for the programme than it allows, even from two tabs at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied

from ..models import (
    Enrolment,
    EnrolmentStatus,
    ProgrammePage,
    SupportBooking,
    SupportBookingStatus,
    SupportSlot,
    validate_timezone,
)
from ..selectors import user_can_train
from .seats import LOCK_TIMEOUT, Busy

logger = logging.getLogger("courses")
security_log = logging.getLogger("security")


# Bounds that keep every time printable in every zone (a slot ending in year
# 9999 overflowed when shown, and broke every page that lists it).
SLOT_MAX_LENGTH = timedelta(hours=12)
SLOT_MAX_AHEAD = timedelta(days=3 * 365)


def _lock_timeout() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def support_slot_publish(
    *,
    programme: ProgrammePage,
    actor,
    starts_at: datetime,
    ends_at: datetime,
    timezone_name: str = "",
    capacity: int = 1,
    video_link: str = "",
    note: str = "",
) -> SupportSlot:
    """A trainer of the programme (or the Secretariat) publishes one slot."""
    if not user_can_train(user=actor, programme=programme):
        security_log.warning(
            "support slot publish refused: user=%s programme=%s",
            getattr(actor, "pk", None),
            programme.pk,
        )
        raise PermissionDenied(
            _("Only this programme's trainers and the Secretariat can publish slots.")
        )
    if ends_at <= starts_at:
        raise DomainError(_("A slot ends after it starts."), code="invalid_slot")
    if starts_at <= timezone.now():
        raise DomainError(_("A slot must be in the future."), code="invalid_slot")
    if capacity < 1:
        raise DomainError(_("A slot has at least one place."), code="invalid_slot")
    if ends_at - starts_at > SLOT_MAX_LENGTH:
        raise DomainError(
            _("A slot lasts at most %(hours)d hours.")
            % {"hours": SLOT_MAX_LENGTH.total_seconds() // 3600},
            code="invalid_slot",
        )
    if starts_at > timezone.now() + SLOT_MAX_AHEAD:
        raise DomainError(
            _("A slot starts within the next %(years)d years.")
            % {"years": SLOT_MAX_AHEAD.days // 365},
            code="invalid_slot",
        )
    zone = timezone_name or programme.timezone
    try:
        validate_timezone(zone)
    except Exception as exc:
        raise DomainError(
            _("%(zone)s is not a time zone name such as Asia/Seoul.") % {"zone": zone},
            code="invalid_slot",
        ) from exc
    same = SupportSlot.objects.filter(
        programme=programme, starts_at=starts_at, ends_at=ends_at
    )
    if same.exists():
        raise _duplicate_slot(starts_at, ends_at, zone)
    try:
        with transaction.atomic():
            return SupportSlot.objects.create(
                programme=programme,
                starts_at=starts_at,
                ends_at=ends_at,
                timezone=zone,
                capacity=capacity,
                video_link=video_link,
                note=note,
                host=actor,
            )
    except IntegrityError as exc:
        # Two identical publishes at once: the unique constraint let one in.
        if same.exists():
            raise _duplicate_slot(starts_at, ends_at, zone) from exc
        raise


def _duplicate_slot(starts_at: datetime, ends_at: datetime, zone: str) -> Conflict:
    from lms.timefmt import format_instant

    return Conflict(
        _(
            "This programme already has a slot at %(when)s. To offer more "
            "places at that time, change its places instead of publishing it again."
        )
        % {"when": format_instant(starts_at, zone, end=ends_at)},
        code="duplicate_slot",
    )


def support_slot_withdraw(*, slot: SupportSlot, actor) -> None:
    """A trainer removes a slot; its bookers are told by e-mail."""
    if not user_can_train(user=actor, programme=slot.programme):
        raise PermissionDenied(
            _("Only this programme's trainers and the Secretariat can remove slots.")
        )
    with transaction.atomic():
        booked = list(
            slot.bookings.filter(status=SupportBookingStatus.BOOKED).values_list(
                "enrolment__user__email", flat=True
            )
        )
        starts = slot.starts_at
        zone = slot.zoneinfo
        title = slot.programme.title
        slot.delete()
        if booked:
            from django.conf import settings

            from lms.timefmt import format_instant

            from ..tasks import support_slot_removed_notify

            # In the language the e-mail is written in, not the trainer's.
            label = format_instant(starts, zone, language=settings.LANGUAGE_CODE)
            transaction.on_commit(
                lambda: support_slot_removed_notify.delay(booked, title, label),
                robust=True,
            )


def _participant_enrolment(*, programme: ProgrammePage, user) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(programme=programme, user=user)
        .first()
    )
    if enrolment is None or enrolment.status != EnrolmentStatus.CONFIRMED:
        raise PermissionDenied(
            _("Only confirmed participants of this programme can book support."),
            code="not_confirmed",
        )
    return enrolment


def support_slot_book(*, slot: SupportSlot, user) -> SupportBooking:
    """Book a place in a slot: one active booking per participant and programme
    (unless the programme allows more), never more bookings than places."""
    if not user or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to book."), code="not_authenticated")
    programme = slot.programme
    try:
        with transaction.atomic():
            _lock_timeout()
            enrolment = _participant_enrolment(programme=programme, user=user)
            slot = (
                SupportSlot.objects.select_for_update(of=("self",))
                .filter(pk=slot.pk, programme=programme)
                .first()
            )
            if slot is None:
                raise NotFound(_("There is no such support slot."))
            if slot.starts_at <= timezone.now():
                raise Conflict(_("This slot has already started."), code="slot_started")
            mine = SupportBooking.objects.filter(
                enrolment=enrolment,
                status=SupportBookingStatus.BOOKED,
                slot__programme=programme,
            )
            if mine.filter(slot=slot).exists():
                raise Conflict(
                    _("You have already booked this slot."), code="already_booked"
                )
            allowed = programme.support_bookings_per_participant
            if mine.count() >= allowed:
                raise Conflict(
                    _(
                        "You already have %(n)s support booking(s) for this "
                        "programme; cancel one to book another."
                    )
                    % {"n": allowed},
                    code="booking_limit",
                )
            taken = slot.bookings.filter(status=SupportBookingStatus.BOOKED).count()
            if taken >= slot.capacity:
                raise Conflict(
                    _("This slot was just taken; please choose another."),
                    code="slot_full",
                )
            booking = SupportBooking.objects.create(slot=slot, enrolment=enrolment)
            from ..tasks import support_booking_notify

            transaction.on_commit(
                lambda: support_booking_notify.delay(booking.pk), robust=True
            )
    except OperationalError as exc:
        logger.warning("support booking lock timeout on slot %s: %s", slot.pk, exc)
        raise Busy(
            _("Many people are booking right now; please try again in a moment.")
        ) from exc
    return booking


def support_booking_cancel(*, booking: SupportBooking, user) -> SupportBooking:
    """The booker (or a trainer) cancels; the place is free again at once."""
    with transaction.atomic():
        booking = (
            SupportBooking.objects.select_for_update(of=("self",))
            .select_related("slot__programme", "enrolment")
            .get(pk=booking.pk)
        )
        if booking.enrolment.user_id != user.pk and not user_can_train(
            user=user, programme=booking.slot.programme
        ):
            security_log.warning(
                "support cancel refused: user=%s booking=%s", user.pk, booking.pk
            )
            raise PermissionDenied(_("This booking is not yours."))
        if booking.status != SupportBookingStatus.BOOKED:
            raise Conflict(
                _("This booking is already cancelled."), code="already_cancelled"
            )
        booking.status = SupportBookingStatus.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
    return booking


def support_booking_for(*, slot: SupportSlot, user) -> SupportBooking:
    booking = (
        SupportBooking.objects.filter(
            slot=slot, enrolment__user=user, status=SupportBookingStatus.BOOKED
        )
        .select_related("slot__programme", "enrolment")
        .first()
    )
    if booking is None:
        raise NotFound(_("You have no booking in this slot."))
    return booking
