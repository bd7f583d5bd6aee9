"""The waitlist and its seat offers.

Free seats are offered to the waitlist in order (a delegation only all at
once), offers are accepted, declined or expire, and positions stay 1..N
without gaps. All of it under the seat lock (``seats``).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, PermissionDenied
from lms.timefmt import format_instant

from ..models import (
    Enrolment,
    EnrolmentStatus,
    OfferState,
    ProgrammePage,
    WaitlistOffer,
)
from ..selectors import (
    programme_eligibility,
)
from .seats import _seat_state, _set_status, lock_programme


def _renumber_waitlist(programme: ProgrammePage) -> None:
    """Positions 1..N without gaps, in queue order."""
    queue = list(
        programme.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by(
            "waitlist_position", "created_at", "pk"
        )
    )
    changed = []
    for position, enrolment in enumerate(queue, start=1):
        if enrolment.waitlist_position != position:
            enrolment.waitlist_position = position
            changed.append(enrolment)
    if changed:
        Enrolment.objects.bulk_update(changed, ["waitlist_position"])


def _waitlist_units(programme: ProgrammePage) -> list[list[Enrolment]]:
    """The waitlist in order, a delegation's waiting members as one unit."""
    queue = (
        programme.enrolments.filter(status=EnrolmentStatus.WAITLISTED)
        .select_related("user__organisation")
        .order_by("waitlist_position", "pk")
    )
    units: list[list[Enrolment]] = []
    by_group: dict[int, list[Enrolment]] = {}
    for enrolment in queue:
        if enrolment.group_id is None:
            units.append([enrolment])
        elif enrolment.group_id in by_group:
            by_group[enrolment.group_id].append(enrolment)
        else:
            by_group[enrolment.group_id] = [enrolment]
            units.append(by_group[enrolment.group_id])
    return units


def _still_eligible(programme: ProgrammePage, enrolment: Enrolment) -> bool:
    _eligible, verdicts = programme_eligibility(
        programme=programme, user=enrolment.user
    )
    return not any(
        v.blocking and not v.ok
        for v in verdicts
        if v.rule not in ("capacity", "enrolment_window", "organisation_quota")
    )


def _promote(programme: ProgrammePage, *, actor=None) -> list[WaitlistOffer]:
    """Offer free seats to the waitlist in order, until the cut-off.

    Caller holds the seat lock. A waitlisted person who is no longer eligible
    (membership lapsed …) is passed over but keeps their place.

    Delegations (the stated rule, pretix-style "skip if it does not fit"): a
    delegation is offered seats only all at once. When it is next in line but
    more people wait in it than seats are free, it keeps its place and the free
    seats go to the next people behind it who fit; it gets the first moment
    enough seats are free together. So seats never stay empty while people
    wait, and the delegation is never split.
    """
    if programme.capacity is None:
        return []
    if timezone.localdate() > programme.promotion_cutoff:
        return []
    free = programme.capacity - _seat_state(programme.pk).taken
    offers = []
    if free <= 0:
        return offers
    now = timezone.now()
    for unit in _waitlist_units(programme):
        if free <= 0:
            break
        if len(unit) > free:
            continue
        if not all(_still_eligible(programme, e) for e in unit):
            continue
        for enrolment in unit:
            offer = WaitlistOffer.objects.create(
                enrolment=enrolment,
                offered_at=now,
                expires_at=now + timedelta(hours=programme.offer_acceptance_hours),
            )
            _set_status(
                enrolment,
                EnrolmentStatus.OFFERED,
                actor=actor,
                reason=_("a seat freed up; offered until %(when)s UTC")
                % {"when": format_instant(offer.expires_at, "UTC", label=False)},
            )
            offers.append(offer)
        free -= len(unit)
    if offers:
        _renumber_waitlist(programme)
    return offers


def waitlist_promote(*, programme: ProgrammePage) -> list[WaitlistOffer]:
    """Offer every free seat to the next eligible waitlisted participants.

    Runs after a withdrawal, a declined or expired offer, or a raised
    capacity. Safe to run twice at once: the seat lock serialises it and the
    second run finds no free seat.
    """
    with transaction.atomic():
        programme = lock_programme(programme.pk)
        return _promote(programme)


def _expire(offer: WaitlistOffer) -> None:
    offer.state = OfferState.EXPIRED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["state", "responded_at"])
    _set_status(
        offer.enrolment,
        EnrolmentStatus.WITHDRAWN,
        reason=_("the seat offer expired"),
    )


def offer_accept(*, offer: WaitlistOffer, user) -> Enrolment:
    """Take an offered seat before its deadline: the enrolment is confirmed."""
    expired = False
    with transaction.atomic():
        lock_programme(offer.enrolment.programme_id)
        offer = WaitlistOffer.objects.select_related("enrolment").get(pk=offer.pk)
        enrolment = offer.enrolment
        if enrolment.user_id != user.pk:
            raise PermissionDenied(_("This offer is not yours."))
        if offer.state != OfferState.OFFERED:
            raise Conflict(_("This offer was already answered."), code="offer_closed")
        if offer.expires_at <= timezone.now():
            _expire(offer)
            _promote(enrolment.programme, actor=None)
            expired = True
        else:
            offer.state = OfferState.ACCEPTED
            offer.responded_at = timezone.now()
            offer.save(update_fields=["state", "responded_at"])
            _set_status(
                enrolment,
                EnrolmentStatus.CONFIRMED,
                actor=user,
                reason=_("accepted the offered seat"),
                confirmed_at=timezone.now(),
            )
    if expired:
        raise Conflict(
            _("This offer expired; the seat went to the next person waiting."),
            code="offer_expired",
        )
    return enrolment


def offer_decline(*, offer: WaitlistOffer, user) -> Enrolment:
    """Turn an offered seat down; it passes to the next person waiting."""
    with transaction.atomic():
        programme = lock_programme(offer.enrolment.programme_id)
        offer = WaitlistOffer.objects.select_related("enrolment").get(pk=offer.pk)
        enrolment = offer.enrolment
        if enrolment.user_id != user.pk:
            raise PermissionDenied(_("This offer is not yours."))
        if offer.state != OfferState.OFFERED:
            raise Conflict(_("This offer was already answered."), code="offer_closed")
        offer.state = OfferState.DECLINED
        offer.responded_at = timezone.now()
        offer.save(update_fields=["state", "responded_at"])
        _set_status(
            enrolment,
            EnrolmentStatus.WITHDRAWN,
            actor=user,
            reason=_("declined the offered seat"),
        )
        _promote(programme, actor=user)
    return enrolment


def offers_expire() -> int:
    """Close every offer past its deadline and pass the seats on.

    One programme lock per programme, so this is safe next to people
    accepting at the last second: whoever gets the lock first wins.
    """
    programme_ids = set(
        WaitlistOffer.objects.filter(
            state=OfferState.OFFERED, expires_at__lte=timezone.now()
        ).values_list("enrolment__programme_id", flat=True)
    )
    count = 0
    for programme_id in sorted(programme_ids):
        with transaction.atomic():
            programme = lock_programme(programme_id)
            stale = WaitlistOffer.objects.filter(
                enrolment__programme=programme,
                state=OfferState.OFFERED,
                expires_at__lte=timezone.now(),
            ).select_related("enrolment")
            for offer in stale:
                _expire(offer)
                count += 1
            _promote(programme)
    return count
