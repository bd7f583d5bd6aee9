"""Applying for a programme: alone, as a delegation, or nominated.

The checks about the person run before the seat lock; seats, the waitlist
and the organisation quota are decided under it (``seats``), in one unit for
a delegation. An earlier withdrawn application is re-opened, never
duplicated.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied
from lms.queries import unique_row

from ..models import (
    Enrolment,
    EnrolmentGroup,
    EnrolmentStatus,
    ProgrammePage,
)
from ..rules import quota_verdict, rule_values
from ..selectors import (
    programme_eligibility,
)
from .answers import check_pdf, clean_answers
from .officials import _colleagues, _officials, _wanted, nominating_organisation
from .seats import _quota_limit, _record, _seat_state, _seats_for, lock_seats

security_log = logging.getLogger("security")


def _refuse_ineligible(programme, user, verdicts, *, extra=None):
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
        **(extra or {}),
    )


def _enrol_together(
    *,
    programme: ProgrammePage,
    members: list,
    actor,
    reasons: list[str],
    answers: dict,
    organisation,
    letter=None,
    grouped: bool = False,
    endorsed_by: str = "",
) -> list[Enrolment]:
    """Enrol ``members`` as one unit under the seat lock; nothing half-written.

    Re-checked under the lock, in one aggregate query, because other
    applicants change them: an existing enrolment of any member, free seats
    and the waitlist, the organisation quota. All members get seats together
    or wait together on consecutive places (one ``EnrolmentGroup`` when
    ``grouped``). ``reasons[i]`` is recorded for ``members[i]``. With
    ``endorsed_by`` (the focal point who put them forward) the endorsement
    step is already done. The unique (user, programme) constraint backs the
    duplicate check. The letter of intent, if any, is the first member's.
    """
    quota = _quota_limit(programme)
    endorsed_at = timezone.now() if endorsed_by else None
    enrolments = [
        Enrolment(
            programme=programme,
            user=member,
            organisation=member.organisation,
            organisation_name=member.organisation.name if member.organisation else "",
            answers=answers,
            endorsed_at=endorsed_at,
            endorsed_by_email=endorsed_by,
        )
        for member in members
    ]
    lead = enrolments[0]
    if letter is not None:
        lead.letter_of_intent.save("letter.pdf", letter, save=False)
    try:
        with transaction.atomic():
            programme.capacity = lock_seats(programme.pk)
            state = _seat_state(
                programme.pk,
                users=[m.pk for m in members],
                organisation=organisation if quota is not None else None,
            )
            if state.existing is not None:
                _already(Enrolment.objects.get(pk=state.existing), actor=actor)
            if state.withdrawn:
                _reopen_withdrawn(programme, enrolments)
            if (
                quota is not None
                and organisation is not None
                and state.organisation_active + len(members) > quota
            ):
                verdict = quota_verdict(
                    org=organisation,
                    limit=quota,
                    taken=state.organisation_active,
                    asked=len(members),
                    focal_point=bool(endorsed_by),
                )
                raise PermissionDenied(
                    verdict.message, code="ineligible", reasons=[verdict.as_dict()]
                )
            if not endorsed_by and rule_values(programme.rules, "endorsement_required"):
                status = EnrolmentStatus.PENDING_ENDORSEMENT
            elif rule_values(programme.rules, "approval_required"):
                status = EnrolmentStatus.PENDING_APPROVAL
            else:
                status = _seats_for(programme, state, len(members))
            group = None
            if grouped:
                group = EnrolmentGroup.objects.create(
                    programme=programme, organisation=organisation, created_by=actor
                )
            now = timezone.now()
            for offset, enrolment in enumerate(enrolments, start=1):
                enrolment.status = status
                enrolment.group = group
                if status == EnrolmentStatus.WAITLISTED:
                    enrolment.waitlist_position = state.last_position + offset
                elif status == EnrolmentStatus.CONFIRMED:
                    enrolment.confirmed_at = now
                if enrolment.pk is None:
                    enrolment.save(force_insert=True)
                else:
                    enrolment.save()
            for enrolment, reason in zip(enrolments, reasons, strict=True):
                again = getattr(enrolment, "_reopened_from", "")
                _record(
                    enrolment,
                    from_status=again,
                    actor=actor,
                    reason=_("applied again after withdrawing: %(why)s")
                    % {"why": reason}
                    if again
                    else reason,
                )
            if status == EnrolmentStatus.PENDING_ENDORSEMENT:
                from ..tasks import endorsement_request

                # One request per delegation: its lead's lists every member.
                ids = [enrolments[0].pk] if grouped else [e.pk for e in enrolments]
                transaction.on_commit(
                    lambda: [endorsement_request.delay(pk) for pk in ids], robust=True
                )
    except IntegrityError as exc:
        _discard_letter(lead)
        raise Conflict(
            _("You have already applied to this programme."),
            code="already_enrolled",
        ) from exc
    except BaseException:
        _discard_letter(lead)
        raise
    return enrolments


def _reopen_withdrawn(programme: ProgrammePage, enrolments: list[Enrolment]) -> None:
    """Give the new applications of people who withdrew their old rows.

    One row per person and programme (a database constraint), so a
    re-application re-opens it: its history (events, expired or declined
    offers) stays, everything about the application is new. It is judged
    like any newcomer, under the same lock: a free seat only if nobody waits,
    else the back of the waitlist. A withdrawn row is never offered a seat
    by the waitlist itself (offers go only to waitlisted rows); only its
    owner applying again brings it back.
    """
    by_user = {
        e.user_id: e
        for e in Enrolment.objects.filter(
            programme=programme,
            user_id__in=[e.user_id for e in enrolments],
            status=EnrolmentStatus.WITHDRAWN,
        )
    }
    now = timezone.now()
    for enrolment in enrolments:
        old = by_user.get(enrolment.user_id)
        if old is None:
            continue
        if old.letter_of_intent and old.letter_of_intent != enrolment.letter_of_intent:
            # Only once the new application is saved: a refusal keeps the old.
            stale = old.letter_of_intent
            transaction.on_commit(lambda stale=stale: stale.delete(save=False))
        enrolment.pk = old.pk
        enrolment.created_at = now
        enrolment._reopened_from = old.status
        # Nothing of the old application carries over.
        enrolment.confirmed_at = None
        enrolment.decided_at = None
        enrolment.decided_by = None
        enrolment.reminder_sent_at = None
        enrolment.endorsement_requested_at = None
        enrolment.completed_at = None
        enrolment.completed_by = None


def enrolment_apply(
    *,
    programme: ProgrammePage,
    user,
    answers: dict | None,
    letter=None,
    colleagues: list[str] | None = None,
) -> Enrolment:
    """Apply for a programme, alone or as a city delegation, seats given under one lock.

    Before the lock (nothing there changes in the milliseconds an application
    takes, and nothing is written): the answers, the letter, a quick "already
    applied" look, and every rule about the *person* (membership, organisation
    kind, skills, prerequisite, window). The rest is decided under the seat
    lock by ``_enrol_together``.

    With ``colleagues`` (e-mails of officials of the same organisation), all
    of them get seats together or wait together on consecutive places.
    Returns the applicant's own enrolment; the others are in ``.group``.
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
    existing = unique_row(
        Enrolment.objects.filter(programme=programme, user=user).only("pk", "status")
    )
    if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
        _already(existing)
    # Seats are counted under the lock, not here.
    eligible, verdicts = programme_eligibility(
        programme=programme, user=user, skip=("capacity",)
    )
    if not eligible:
        _refuse_ineligible(programme, user, verdicts)
    others = _colleagues(programme=programme, user=user, emails=colleagues)
    delegated = _("applied as a delegation by %(email)s") % {"email": user.email}
    enrolments = _enrol_together(
        programme=programme,
        members=[user, *others],
        actor=user,
        reasons=[_("applied")] + [delegated] * len(others),
        answers=cleaned,
        organisation=user.organisation,
        letter=letter,
        grouped=bool(others),
    )
    return enrolments[0]


def enrolment_nominate(
    *,
    programme: ProgrammePage,
    nominator,
    emails: list[str],
    answers: dict | None,
) -> list[Enrolment]:
    """A city's focal point puts its officials forward for a programme.

    Only the focal point registered for the nominator's own organisation may
    nominate, and only active officials of that organisation who pass every
    rule about the person, as a delegation's colleagues must; the nominator
    is a member only if they name themselves. At most ``max_group_size``
    officials, seated or waitlisted together as one delegation under the
    seat lock, with the organisation quota respected. The focal point's
    nomination is their endorsement, so the nominees skip that step and go
    to approval (if the programme has one) or straight to seats. Returns the
    nominees' enrolments in the order named.
    """
    organisation = nominating_organisation(nominator=nominator, programme=programme)
    if not programme.live:
        raise NotFound(_("There is no such programme."))
    cleaned = clean_answers(programme=programme, answers=answers)
    wanted = _wanted(emails)
    if not wanted:
        raise DomainError(
            _("Name at least one official by e-mail."), code="invalid_nominee"
        )
    if len(wanted) > programme.max_group_size:
        raise DomainError(
            _("You can nominate at most %(n)s officials for this programme.")
            % {"n": programme.max_group_size},
            code="group_too_large",
        )
    nominees = _officials(
        programme=programme,
        organisation=organisation,
        wanted=wanted,
        outsider=_("Only officials of %(org)s can be nominated by its focal point.")
        % {"org": organisation.name},
        summary=_("Some officials cannot be nominated: %(list)s"),
        code="invalid_nominee",
    )
    focal = organisation.focal_point_email
    return _enrol_together(
        programme=programme,
        members=nominees,
        actor=nominator,
        reasons=[_("nominated by %(email)s") % {"email": focal}] * len(nominees),
        answers=cleaned,
        organisation=organisation,
        grouped=True,
        endorsed_by=focal,
    )


def _already(existing: Enrolment, *, actor=None):
    if existing.status == EnrolmentStatus.REJECTED:
        raise Conflict(
            _(
                "%(email)s applied to this programme and was not accepted; the "
                "organisers' decision stands for this edition. Write to the "
                "programme's contact address if the situation has changed."
            )
            % {"email": existing.user.email}
            if actor is not None and existing.user_id != actor.pk
            else _(
                "Your application to this programme was not accepted; the "
                "organisers' decision stands for this edition. Write to the "
                "programme's contact address if your situation has changed."
            ),
            code="already_enrolled",
            enrolment=existing.pk,
        )
    if actor is not None and existing.user_id != actor.pk:
        raise Conflict(
            _("%(email)s has already applied to this programme (%(status)s).")
            % {"email": existing.user.email, "status": existing.get_status_display()},
            code="already_enrolled",
            enrolment=existing.pk,
        )
    raise Conflict(
        _("You have already applied to this programme (%(status)s).")
        % {"status": existing.get_status_display()},
        code="already_enrolled",
        enrolment=existing.pk,
    )


def _discard_letter(enrolment: Enrolment) -> None:
    """Nothing half-written: a refused application leaves no stored letter."""
    if enrolment.letter_of_intent:
        enrolment.letter_of_intent.delete(save=False)
