"""Every enrolment state change: apply, endorse, approve, reject, withdraw, offers.

Seat allocation happens only while holding the programme's row lock
(``SELECT … FOR UPDATE`` under READ COMMITTED), taken once per transaction,
so two applicants can never both get the last seat and waitlist positions
stay contiguous.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied

from ..models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    OfferState,
    ProgrammePage,
    WaitlistOffer,
)
from ..rules import rule_values
from ..selectors import programme_eligibility, user_can_manage
from .answers import check_pdf, clean_answers

logger = logging.getLogger("courses")
security_log = logging.getLogger("security")

LOCK_TIMEOUT = "3s"


class Busy(DomainError):
    """Another request holds the seat lock for too long: try again shortly."""

    code = "busy"
    status = 503
    retry_after = 3


def lock_programme(programme_id: int) -> ProgrammePage:
    """Take the seat lock: the programme row, FOR UPDATE, with a 3 s timeout.

    Must be called inside ``transaction.atomic``. On lock timeout the caller
    gets :class:`Busy` (503 with Retry-After), never a hung worker or a 500.
    """
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        return ProgrammePage.objects.select_for_update(of=("self",)).get(
            pk=programme_id
        )
    except ProgrammePage.DoesNotExist as exc:
        raise NotFound(_("There is no such programme.")) from exc
    except OperationalError as exc:
        logger.warning("seat lock timeout on programme %s: %s", programme_id, exc)
        raise Busy(
            _("Many people are applying right now; please try again in a moment."),
        ) from exc


def _record(
    enrolment: Enrolment,
    *,
    from_status: str,
    actor=None,
    reason: str = "",
    notify: bool = True,
) -> EnrolmentEvent:
    event = EnrolmentEvent.objects.create(
        enrolment=enrolment,
        from_status=from_status,
        to_status=enrolment.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason[:500],
    )
    if notify:
        from ..tasks import enrolment_notify

        transaction.on_commit(lambda: enrolment_notify.delay(event.pk))
    return event


def _set_status(
    enrolment: Enrolment,
    status: str,
    *,
    actor=None,
    reason: str = "",
    notify: bool = True,
    **fields,
) -> EnrolmentEvent:
    previous = enrolment.status
    enrolment.status = status
    if status != EnrolmentStatus.WAITLISTED:
        enrolment.waitlist_position = None
    if status == EnrolmentStatus.CONFIRMED and not enrolment.confirmed_at:
        enrolment.confirmed_at = timezone.now()
    for name, value in fields.items():
        setattr(enrolment, name, value)
    enrolment.save()
    return _record(
        enrolment, from_status=previous, actor=actor, reason=reason, notify=notify
    )


def _waitlist_allowed(programme: ProgrammePage) -> bool:
    values = rule_values(programme.rules, "capacity")
    return all(v.get("waitlist", True) for v in values) if values else True


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


def _allocate(programme: ProgrammePage, enrolment: Enrolment) -> str:
    """Confirmed if a seat is free and nobody waits for it, else waitlisted.

    Caller holds the seat lock. Someone already waiting always goes before a
    newcomer, so a freed seat never jumps the queue.
    """
    if programme.capacity is None:
        return EnrolmentStatus.CONFIRMED
    taken = programme.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()
    queue = programme.enrolments.filter(status=EnrolmentStatus.WAITLISTED)
    if taken < programme.capacity and not queue.exists():
        return EnrolmentStatus.CONFIRMED
    if not _waitlist_allowed(programme):
        raise Conflict(
            _("All seats are taken and this programme has no waitlist."),
            code="full",
        )
    last = queue.aggregate(last=Max("waitlist_position"))["last"] or 0
    enrolment.waitlist_position = last + 1
    return EnrolmentStatus.WAITLISTED


def enrolment_apply(
    *, programme: ProgrammePage, user, answers: dict | None, letter=None
) -> Enrolment:
    """Apply for a programme: rules checked and the seat given under one lock.

    The eligibility check runs inside the same transaction as the seat lock,
    so a membership revoked meanwhile, a second tab or a full programme can
    never produce a confirmation it should not.
    """
    if not user or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to apply."), code="not_authenticated")
    if not programme.live:
        raise NotFound(_("There is no such programme."))
    cleaned = clean_answers(programme=programme, answers=answers)
    if letter is not None:
        if not programme.accepts_letter_of_intent:
            raise DomainError(
                _("This programme does not take a letter of intent."),
                code="invalid_answers",
            )
        check_pdf(letter, max_bytes=5 * 1024 * 1024)
    with transaction.atomic():
        programme = lock_programme(programme.pk)
        existing = Enrolment.objects.filter(programme=programme, user=user).first()
        if existing is not None:
            raise Conflict(
                _("You have already applied to this programme (%(status)s).")
                % {"status": existing.get_status_display()},
                code="already_enrolled",
                enrolment=existing.pk,
            )
        eligible, verdicts = programme_eligibility(programme=programme, user=user)
        if not eligible:
            failed = [v for v in verdicts if v.blocking and not v.ok]
            security_log.info(
                "enrolment refused: user=%s programme=%s rules=%s",
                user.pk,
                programme.pk,
                ",".join(v.rule for v in failed),
            )
            raise PermissionDenied(
                " ".join(v.message for v in failed),
                code="ineligible",
                reasons=[v.as_dict() for v in verdicts],
            )
        organisation = user.organisation
        enrolment = Enrolment(
            programme=programme,
            user=user,
            organisation=organisation,
            organisation_name=organisation.name if organisation else "",
            answers=cleaned,
        )
        if rule_values(programme.rules, "endorsement_required"):
            enrolment.status = EnrolmentStatus.PENDING_ENDORSEMENT
        elif rule_values(programme.rules, "approval_required"):
            enrolment.status = EnrolmentStatus.PENDING_APPROVAL
        else:
            enrolment.status = _allocate(programme, enrolment)
            if enrolment.status == EnrolmentStatus.CONFIRMED:
                enrolment.confirmed_at = timezone.now()
        if letter is not None:
            enrolment.letter_of_intent.save("letter.pdf", letter, save=False)
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError as exc:
            raise Conflict(
                _("You have already applied to this programme."),
                code="already_enrolled",
            ) from exc
        _record(enrolment, from_status="", actor=user, reason=_("applied"))
        if enrolment.status == EnrolmentStatus.PENDING_ENDORSEMENT:
            from ..tasks import endorsement_request

            transaction.on_commit(lambda: endorsement_request.delay(enrolment.pk))
    return enrolment


def _after_decision(programme: ProgrammePage, enrolment: Enrolment, *, actor, reason):
    """Endorsed or approved: the next step is approval or a seat."""
    if enrolment.status == EnrolmentStatus.PENDING_ENDORSEMENT and rule_values(
        programme.rules, "approval_required"
    ):
        _set_status(
            enrolment, EnrolmentStatus.PENDING_APPROVAL, actor=actor, reason=reason
        )
        return
    status = _allocate(programme, enrolment)
    _set_status(
        enrolment,
        status,
        actor=actor,
        reason=reason,
        decided_at=timezone.now(),
        decided_by=actor if actor is not None and actor.is_authenticated else None,
    )


def enrolment_endorse(
    *, enrolment: Enrolment, endorser_email: str, endorse: bool = True, actor=None
) -> Enrolment:
    """The city's focal point endorses (or declines) its official's application.

    Only the focal-point address registered for the applicant's organisation
    may endorse; the link they receive is signed for that address.
    """
    with transaction.atomic():
        programme = lock_programme(enrolment.programme_id)
        enrolment = Enrolment.objects.select_related("organisation").get(
            pk=enrolment.pk
        )
        focal = (
            enrolment.organisation.focal_point_email if enrolment.organisation else ""
        )
        if not focal or focal.lower() != (endorser_email or "").lower():
            raise PermissionDenied(
                _("Only the organisation's focal point can endorse this application.")
            )
        if enrolment.status != EnrolmentStatus.PENDING_ENDORSEMENT:
            raise Conflict(
                _("This application is no longer waiting for endorsement."),
                code="not_pending",
            )
        enrolment.endorsed_by_email = focal
        if endorse:
            enrolment.endorsed_at = timezone.now()
            _after_decision(
                programme,
                enrolment,
                actor=actor,
                reason=_("endorsed by %(email)s") % {"email": focal},
            )
        else:
            _set_status(
                enrolment,
                EnrolmentStatus.REJECTED,
                actor=actor,
                reason=_("not endorsed by %(email)s") % {"email": focal},
                decided_at=timezone.now(),
            )
    return enrolment


def enrolment_approve(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """Staff or the office approve an application: it gets a seat or waits."""
    with transaction.atomic():
        programme = lock_programme(enrolment.programme_id)
        if not user_can_manage(user=actor, programme=programme):
            security_log.warning(
                "approve refused: user=%s enrolment=%s", actor.pk, enrolment.pk
            )
            raise PermissionDenied(_("You cannot decide on this programme."))
        enrolment = Enrolment.objects.get(pk=enrolment.pk)
        if enrolment.status != EnrolmentStatus.PENDING_APPROVAL:
            raise Conflict(
                _("This application is not waiting for approval."), code="not_pending"
            )
        _after_decision(
            programme, enrolment, actor=actor, reason=reason or _("approved")
        )
    return enrolment


def enrolment_reject(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """Staff or the office turn an application down, saying why."""
    with transaction.atomic():
        programme = lock_programme(enrolment.programme_id)
        if not user_can_manage(user=actor, programme=programme):
            security_log.warning(
                "reject refused: user=%s enrolment=%s", actor.pk, enrolment.pk
            )
            raise PermissionDenied(_("You cannot decide on this programme."))
        enrolment = Enrolment.objects.get(pk=enrolment.pk)
        if enrolment.status not in (
            EnrolmentStatus.PENDING_ENDORSEMENT,
            EnrolmentStatus.PENDING_APPROVAL,
            EnrolmentStatus.WAITLISTED,
        ):
            raise Conflict(
                _("Only pending or waitlisted applications can be rejected."),
                code="not_pending",
            )
        was_waiting = enrolment.status == EnrolmentStatus.WAITLISTED
        _set_status(
            enrolment,
            EnrolmentStatus.REJECTED,
            actor=actor,
            reason=reason or _("not accepted"),
            decided_at=timezone.now(),
            decided_by=actor,
        )
        if was_waiting:
            _renumber_waitlist(programme)
    return enrolment


def enrolment_withdraw(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """The participant (or staff) withdraws; a freed seat goes to the waitlist.

    Someone who withdrew is never offered a seat again: offers only go to
    ``waitlisted`` enrolments.
    """
    with transaction.atomic():
        programme = lock_programme(enrolment.programme_id)
        enrolment = Enrolment.objects.get(pk=enrolment.pk)
        if enrolment.user_id != actor.pk and not user_can_manage(
            user=actor, programme=programme
        ):
            security_log.warning(
                "withdraw refused: user=%s enrolment=%s", actor.pk, enrolment.pk
            )
            raise PermissionDenied(_("You can only withdraw your own application."))
        if enrolment.status in Enrolment.INACTIVE:
            raise Conflict(
                _("This application is already closed."), code="already_withdrawn"
            )
        freed = enrolment.status in Enrolment.HOLDS_SEAT
        if enrolment.status == EnrolmentStatus.OFFERED:
            enrolment.offers.filter(state=OfferState.OFFERED).update(
                state=OfferState.DECLINED, responded_at=timezone.now()
            )
        _set_status(
            enrolment,
            EnrolmentStatus.WITHDRAWN,
            actor=actor,
            reason=reason or _("withdrawn"),
        )
        _renumber_waitlist(programme)
        if freed:
            _promote(programme, actor=actor)
    return enrolment


def _promote(programme: ProgrammePage, *, actor=None) -> list[WaitlistOffer]:
    """Offer free seats to the waitlist in order, until the cut-off.

    Caller holds the seat lock. A waitlisted person who is no longer eligible
    (membership lapsed …) is passed over but keeps their place.
    """
    if programme.capacity is None:
        return []
    if timezone.localdate() > programme.promotion_cutoff:
        return []
    free = (
        programme.capacity
        - programme.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()
    )
    offers = []
    if free <= 0:
        return offers
    queue = (
        programme.enrolments.filter(status=EnrolmentStatus.WAITLISTED)
        .select_related("user__organisation")
        .order_by("waitlist_position", "pk")
    )
    now = timezone.now()
    for enrolment in queue:
        if free <= 0:
            break
        _eligible, verdicts = programme_eligibility(
            programme=programme, user=enrolment.user
        )
        if any(
            v.blocking and not v.ok
            for v in verdicts
            if v.rule not in ("capacity", "enrolment_window", "organisation_quota")
        ):
            continue
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
            % {"when": offer.expires_at.strftime("%Y-%m-%d %H:%M")},
        )
        offers.append(offer)
        free -= 1
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
