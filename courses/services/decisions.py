"""Decisions on applications: endorse, approve, reject, withdraw.

Each decision takes the seat lock first (``seats.lock_programme``). A
delegation is decided as one; a seat freed by a withdrawal goes to the
waitlist (``waitlist``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, PermissionDenied

from ..models import (
    Enrolment,
    EnrolmentGroup,
    EnrolmentStatus,
    OfferState,
    ProgrammePage,
)
from ..rules import rule_values
from ..selectors import (
    user_can_manage,
    withdrawal_refusal,
)
from .seats import _allocate, _quota_limit, _set_status, lock_programme
from .waitlist import _promote, _renumber_waitlist

security_log = logging.getLogger("security")


def _group_pending(enrolment: Enrolment) -> list[Enrolment]:
    """The enrolment and, for a delegation, its members waiting at the same step."""
    if enrolment.group_id is None:
        return [enrolment]
    return list(
        Enrolment.objects.filter(group_id=enrolment.group_id, status=enrolment.status)
        .select_related("user")
        .order_by("pk")
    )


def _after_decision(programme: ProgrammePage, enrolment: Enrolment, *, actor, reason):
    """Endorsed or approved: the next step is approval or a seat.

    A delegation moves as one: deciding on one member decides on every member
    still waiting at the same step, so they are seated or waitlisted together.
    """
    members = _group_pending(enrolment)
    members = [enrolment if m.pk == enrolment.pk else m for m in members]
    if enrolment.status == EnrolmentStatus.PENDING_ENDORSEMENT and rule_values(
        programme.rules, "approval_required"
    ):
        for member in members:
            _set_status(
                member, EnrolmentStatus.PENDING_APPROVAL, actor=actor, reason=reason
            )
        return
    status = _allocate(programme, members)
    decider = actor if actor is not None and actor.is_authenticated else None
    for member in members:
        if member is not enrolment and enrolment.endorsed_at:
            member.endorsed_at = enrolment.endorsed_at
            member.endorsed_by_email = enrolment.endorsed_by_email
        _set_status(
            member,
            status,
            actor=actor,
            reason=reason,
            decided_at=timezone.now(),
            decided_by=decider,
        )


def enrolment_endorse(
    *, enrolment: Enrolment, endorser_email: str, endorse: bool = True, actor=None
) -> Enrolment:
    """The city's focal point endorses (or declines) its official's application.

    Only the focal-point address registered for the applicant's organisation
    may endorse; the link they receive is signed for that address. For a
    delegation the answer is for every member still waiting for it (they
    were asked about together, in one e-mail).
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
            # One answer for a delegation, as endorsing is (one e-mail asked).
            for member in _group_pending(enrolment):
                member = enrolment if member.pk == enrolment.pk else member
                member.endorsed_by_email = focal
                _set_status(
                    member,
                    EnrolmentStatus.REJECTED,
                    actor=actor,
                    reason=_("not endorsed by %(email)s") % {"email": focal},
                    decided_at=timezone.now(),
                )
    return enrolment


def _require_manager(actor, programme: ProgrammePage, what: str, obj) -> None:
    if not user_can_manage(user=actor, programme=programme):
        security_log.warning(
            "%s refused: user=%s %s", what, getattr(actor, "pk", None), obj
        )
        raise PermissionDenied(_("You cannot decide on this programme."))


def _check_quota_on_approval(programme: ProgrammePage, members: list[Enrolment]):
    """Approving must not push an organisation past its quota.

    Applications are counted against the quota when made, so this holds
    unless the quota was lowered since; then the approver is told the numbers
    and decides whom to reject first.
    """
    quota = _quota_limit(programme)
    organisation_id = members[0].organisation_id
    if quota is None or organisation_id is None:
        return
    others = (
        programme.enrolments.filter(organisation_id=organisation_id)
        .exclude(status__in=Enrolment.INACTIVE)
        .exclude(pk__in=[m.pk for m in members])
        .count()
    )
    if others + len(members) > quota:
        raise Conflict(
            _(
                "Approving would exceed the quota of %(org)s (%(limit)s in all; "
                "%(taken)s already taken, %(asked)s in this decision). Reject some "
                "applications first."
            )
            % {
                "org": members[0].organisation_name,
                "limit": quota,
                "taken": others,
                "asked": len(members),
            },
            code="quota_exceeded",
        )


def enrolment_approve(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """Staff or the office approve one application: it gets a seat or waits.

    A member of a delegation still waiting with others is not approved alone
    (that would seat them apart from the delegation they applied with): the
    delegation is decided as one (``delegation_approve``), or its members are
    rejected one by one until one remains.
    """
    with transaction.atomic():
        programme = lock_programme(enrolment.programme_id)
        _require_manager(actor, programme, "approve", f"enrolment={enrolment.pk}")
        enrolment = Enrolment.objects.get(pk=enrolment.pk)
        if enrolment.status != EnrolmentStatus.PENDING_APPROVAL:
            raise Conflict(
                _("This application is not waiting for approval."), code="not_pending"
            )
        members = _group_pending(enrolment)
        if len(members) > 1:
            raise Conflict(
                _(
                    "%(name)s applied in a delegation of %(n)s, which is decided as "
                    "one: approve or reject the whole delegation, or reject its "
                    "members one by one."
                )
                % {"name": enrolment.user, "n": len(members)},
                code="delegation_decided_together",
                delegation=enrolment.group_id,
            )
        _check_quota_on_approval(programme, [enrolment])
        _after_decision(
            programme, enrolment, actor=actor, reason=reason or _("approved")
        )
    return enrolment


def _delegation_pending(group: EnrolmentGroup) -> list[Enrolment]:
    members = list(
        Enrolment.objects.filter(
            group_id=group.pk, status=EnrolmentStatus.PENDING_APPROVAL
        )
        .select_related("user")
        .order_by("pk")
    )
    if not members:
        raise Conflict(
            _("This delegation is not waiting for approval."), code="not_pending"
        )
    return members


def delegation_approve(
    *, group: EnrolmentGroup, actor, reason: str = ""
) -> list[Enrolment]:
    """Approve every member of a delegation still waiting, as one decision.

    They are seated together, or wait together on consecutive places, under
    the seat lock; the organisation quota is checked again first. Returns the
    members decided, with their new status.
    """
    with transaction.atomic():
        programme = lock_programme(group.programme_id)
        _require_manager(actor, programme, "approve", f"delegation={group.pk}")
        members = _delegation_pending(group)
        _check_quota_on_approval(programme, members)
        _after_decision(
            programme, members[0], actor=actor, reason=reason or _("approved")
        )
    return list(
        Enrolment.objects.filter(pk__in=[m.pk for m in members])
        .select_related("user")
        .order_by("pk")
    )


def delegation_reject(
    *, group: EnrolmentGroup, actor, reason: str = ""
) -> list[Enrolment]:
    """Turn down every member of a delegation still waiting for approval."""
    with transaction.atomic():
        programme = lock_programme(group.programme_id)
        _require_manager(actor, programme, "reject", f"delegation={group.pk}")
        members = _delegation_pending(group)
        decided = timezone.now()
        for member in members:
            _set_status(
                member,
                EnrolmentStatus.REJECTED,
                actor=actor,
                reason=reason or _("not accepted"),
                decided_at=decided,
                decided_by=actor,
            )
    return members


def enrolment_reject(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """Staff or the office turn one application down, saying why.

    For a member of a delegation this is a decision on that person only: the
    others stay waiting, still as one delegation.
    """
    with transaction.atomic():
        programme = lock_programme(enrolment.programme_id)
        _require_manager(actor, programme, "reject", f"enrolment={enrolment.pk}")
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

    Refused once the programme has ended (its record is history). Someone
    who withdrew is never offered a seat again: offers only go to
    ``waitlisted`` enrolments. They may apply again, as a newcomer
    (``_reopen_withdrawn``).
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
        enrolment.programme = programme
        refusal = withdrawal_refusal(enrolment=enrolment)
        if refusal:
            # After the end, who took part is history: the roster, completion,
            # certificates and the impact figures read it.
            raise Conflict(
                refusal,
                code="already_withdrawn"
                if enrolment.status in Enrolment.INACTIVE
                else "programme_ended",
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
