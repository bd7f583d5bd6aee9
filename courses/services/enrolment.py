"""Every enrolment state change: apply, nominate, endorse, approve, reject,
withdraw, offers.

Seat allocation happens only while holding the programme's row lock
(``SELECT … FOR UPDATE`` under READ COMMITTED), taken once per transaction,
so two applicants can never both get the last seat and waitlist positions
stay contiguous.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound, PermissionDenied
from lms.models import User
from lms.queries import unique_row
from lms.timefmt import format_instant

from ..models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentGroup,
    EnrolmentStatus,
    OfferState,
    ProgrammePage,
    WaitlistOffer,
)
from ..rules import quota_verdict, rule_values
from ..selectors import (
    focal_point_organisation,
    programme_eligibility,
    user_can_manage,
    withdrawal_refusal,
)
from . import cache_versions
from .answers import check_pdf, clean_answers

logger = logging.getLogger("courses")
security_log = logging.getLogger("security")

LOCK_TIMEOUT = "3s"


class Busy(DomainError):
    """Another request holds the seat lock for too long: try again shortly."""

    code = "busy"
    status = 503
    retry_after = 3


def _test_hook(name: str, default=None):
    """A test-only setting, read only when ``WEGO_TEST_HOOKS`` is on.

    Production never sets ``WEGO_TEST_HOOKS`` (a deploy check fails if it
    does), so these switches cannot change how seats are given out there.
    """
    if not getattr(settings, "WEGO_TEST_HOOKS", False):
        return default
    return getattr(settings, name, default)


def _after_capacity_check() -> None:
    """RELIABILITY 2: widen the race window between reading and writing seats."""
    seconds = _test_hook("WEGO_TEST_SLEEP_AFTER_CAPACITY_CHECK", 0)
    if seconds:
        time.sleep(float(seconds))


def lock_seats(programme_id: int) -> int | None:
    """Take the seat lock: only the narrow ``courses_programmepage`` row, FOR UPDATE.

    Must be called inside ``transaction.atomic``. The Wagtail page row (title,
    path, revisions) is not touched, so editors publishing the page do not
    queue behind applicants. On lock timeout (3 s) the caller gets
    :class:`Busy` (503 with Retry-After), never a hung worker or a 500.

    Returns the capacity as it is under the lock: the programme an
    application holds may be a shared copy (``courses.programme_cache``),
    and seats are counted against the row, never against a copy.
    """
    row = ProgrammePage.objects.filter(pk=programme_id).order_by()
    if _test_hook("WEGO_TEST_DISABLE_SEAT_LOCK", False):
        found = list(row.values_list("capacity", flat=True))
    else:
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            found = list(
                row.select_for_update(of=("self",)).values_list("capacity", flat=True)
            )
        except OperationalError as exc:
            logger.warning("seat lock timeout on programme %s: %s", programme_id, exc)
            raise Busy(
                _("Many people are applying right now; please try again in a moment."),
            ) from exc
    if not found:
        raise NotFound(_("There is no such programme."))
    return found[0]


def lock_programme(programme_id: int) -> ProgrammePage:
    """The seat lock, then the programme itself (for decisions that need its rules)."""
    lock_seats(programme_id)
    return ProgrammePage.objects.get(pk=programme_id)


@dataclass(frozen=True)
class SeatState:
    taken: int
    waiting: int
    last_position: int
    existing: int | None  # an open application of one of the users
    organisation_active: int
    withdrawn: int = 0  # the users' withdrawn applications, to be re-opened


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _seat_state(programme_id: int, *, users=(), organisation=None) -> SeatState:
    """Every number a seat decision needs, in one aggregate query.

    Written in SQL: it runs under the seat lock for every application, and
    composing it through the ORM cost more than the query itself.
    """
    table = Enrolment._meta.db_table
    holds, inactive = list(Enrolment.HOLDS_SEAT), list(Enrolment.INACTIVE)
    users = list(users)
    columns = [
        f"COUNT(*) FILTER (WHERE status IN ({_placeholders(holds)}))",
        "COUNT(*) FILTER (WHERE status = %s)",
        # Only waitlisted rows carry a position (a check constraint says so).
        "MAX(waitlist_position)",
        f"MAX(id) FILTER (WHERE user_id IN ({_placeholders(users)}) AND status <> %s)"
        if users
        else "NULL",
        f"COUNT(*) FILTER (WHERE user_id IN ({_placeholders(users)}) AND status = %s)"
        if users
        else "0",
        "COUNT(*) FILTER (WHERE organisation_id = %s"
        f" AND status NOT IN ({_placeholders(inactive)}))"
        if organisation is not None
        else "0",
    ]
    params = [*holds, EnrolmentStatus.WAITLISTED]
    if users:
        params += [*users, EnrolmentStatus.WITHDRAWN, *users, EnrolmentStatus.WITHDRAWN]
    if organisation is not None:
        params += [organisation.pk, *inactive]
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE programme_id = %s"  # noqa: S608 - names and placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, programme_id])
        taken, waiting, last, existing, withdrawn, org = cursor.fetchone()
    return SeatState(
        taken=taken,
        waiting=waiting,
        last_position=last or 0,
        existing=existing,
        organisation_active=org or 0,
        withdrawn=withdrawn or 0,
    )


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

        transaction.on_commit(lambda: enrolment_notify.delay(event.pk), robust=True)
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
        cache_versions.bump_programme(programme.pk)  # bulk_update sends no signal


def _seats_for(programme: ProgrammePage, state: SeatState, count: int) -> str:
    """Confirmed if ``count`` seats are free and nobody waits, else waitlisted.

    Caller holds the seat lock. Someone already waiting always goes before a
    newcomer, so a freed seat never jumps the queue. A delegation gets all its
    seats or waits as a whole.
    """
    if programme.capacity is None:
        return EnrolmentStatus.CONFIRMED
    free = programme.capacity - state.taken
    if count <= free and (
        state.waiting == 0 or _smallest_waiting_unit(programme.pk) > free
    ):
        # Nobody waits, or only delegations too big for the free seats: by the
        # "skip if it does not fit" rule (see _promote) the seats go on.
        return EnrolmentStatus.CONFIRMED
    if not _waitlist_allowed(programme):
        raise Conflict(
            _("All seats are taken and this programme has no waitlist."),
            code="full",
        )
    return EnrolmentStatus.WAITLISTED


def _smallest_waiting_unit(programme_id: int) -> int:
    """Size of the smallest waiting unit (1 for a single person)."""
    rows = (
        Enrolment.objects.filter(
            programme_id=programme_id, status=EnrolmentStatus.WAITLISTED
        )
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
    )
    return min((1 if r["group_id"] is None else r["n"] for r in rows), default=0)


def _allocate(programme: ProgrammePage, enrolments: list[Enrolment]) -> str:
    """Give seats (or consecutive waitlist places) to one person or delegation."""
    state = _seat_state(programme.pk)
    status = _seats_for(programme, state, len(enrolments))
    _after_capacity_check()
    if status == EnrolmentStatus.WAITLISTED:
        for offset, enrolment in enumerate(enrolments, start=1):
            enrolment.waitlist_position = state.last_position + offset
    return status


def _quota_limit(programme: ProgrammePage) -> int | None:
    limits = [
        v["max_per_organisation"]
        for v in rule_values(programme.rules, "organisation_quota")
    ]
    return min(limits) if limits else None


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


def _wanted(emails, *, leaving_out: str = "") -> list[str]:
    """The e-mails, trimmed, lower-cased, without repeats or ``leaving_out``."""
    wanted = []
    for email in emails or []:
        email = (email or "").strip().lower()
        if email and email != leaving_out and email not in wanted:
            wanted.append(email)
    return wanted


def _officials(
    *,
    programme: ProgrammePage,
    organisation,
    wanted: list[str],
    outsider: str,
    summary: str,
    code: str,
) -> list:
    """The officials behind ``wanted``, each checked like an applicant.

    Every address must be an active account of ``organisation`` (``outsider``
    says why not, ``summary`` lists the refusals), and each official must
    pass every rule about the person on their own; seats are counted later,
    under the lock.
    """
    found = {
        u.email.lower(): u
        for u in User.objects.filter(email__in=wanted, is_active=True).select_related(
            "organisation"
        )
    }
    problems = {}
    for email in wanted:
        official = found.get(email)
        if official is None:
            problems[email] = _("No WeGO Learning account uses this address.")
        elif official.organisation_id != organisation.pk:
            problems[email] = outsider
    if problems:
        raise DomainError(
            summary % {"list": "; ".join(f"{e}: {m}" for e, m in problems.items())},
            code=code,
            colleagues=problems,
        )
    officials = [found[e] for e in wanted]
    for official in officials:
        eligible, verdicts = programme_eligibility(
            programme=programme, user=official, skip=("capacity",)
        )
        if not eligible:
            failed = [v for v in verdicts if v.blocking and not v.ok]
            raise PermissionDenied(
                _("%(email)s cannot enrol: %(why)s")
                % {
                    "email": official.email,
                    "why": " ".join(v.message for v in failed),
                },
                code="ineligible",
                reasons=[v.as_dict() for v in verdicts],
                colleague=official.email,
            )
    return officials


def _colleagues(*, programme: ProgrammePage, user, emails) -> list:
    """The named colleagues of a delegation, each checked like the applicant.

    They must have an account, belong to the applicant's organisation, and
    pass every rule on their own; the delegation is at most
    ``max_group_size`` people including the applicant.
    """
    wanted = _wanted(emails, leaving_out=user.email.lower())
    if not wanted:
        return []
    if len(wanted) + 1 > programme.max_group_size:
        raise DomainError(
            _("A delegation to this programme has at most %(n)s people, including you.")
            % {"n": programme.max_group_size},
            code="group_too_large",
        )
    if user.organisation_id is None:
        raise DomainError(
            _("Add your organisation to your profile to apply as a delegation."),
            code="invalid_colleague",
        )
    return _officials(
        programme=programme,
        organisation=user.organisation,
        wanted=wanted,
        outsider=_("Only officials of %(org)s can be in your delegation.")
        % {"org": user.organisation.name},
        summary=_("Some colleagues cannot join your delegation: %(list)s"),
        code="invalid_colleague",
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
                _after_capacity_check()
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


def nominating_organisation(*, nominator, programme: ProgrammePage):
    """The organisation ``nominator`` may nominate for, as its focal point.

    Raises PermissionDenied for anyone else; callers may ask first so that a
    stranger is refused before their request is even read.
    """
    organisation = focal_point_organisation(user=nominator)
    if organisation is None:
        security_log.info(
            "nomination refused: user=%s programme=%s",
            getattr(nominator, "pk", None),
            programme.pk,
        )
        raise PermissionDenied(
            _(
                "Only the focal point registered for a city or organisation can "
                "nominate its officials."
            ),
            code="not_focal_point",
        )
    return organisation


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
            cache_versions.bump_programme(programme.pk)  # update() sends no signal
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
