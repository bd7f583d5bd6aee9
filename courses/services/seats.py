"""The seat lock and seat allocation.

Seat allocation happens only while holding the programme's row lock
(``SELECT … FOR UPDATE`` under READ COMMITTED), taken once per transaction,
so two applicants can never both get the last seat and waitlist positions
stay contiguous.

Here are the lock itself and what a seat decision needs under it: the one
aggregate query it reads, the confirmed-or-waitlisted verdict, the
organisation quota the rules set, and the status bookkeeping (each change
saved with its audit event). The services that change enrolments
(``applications``, ``decisions``, ``waitlist``) build on this module; it
imports none of them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, NotFound

from ..models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    ProgrammePage,
)
from ..rules import rule_values

logger = logging.getLogger("courses")


LOCK_TIMEOUT = "3s"


class Busy(DomainError):
    """Another request holds the seat lock for too long: try again shortly."""

    code = "busy"
    status = 503
    retry_after = 3


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
