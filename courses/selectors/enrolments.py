"""Enrolments: one's own, delegations and quotas, nominations, pending decisions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Enrolment,
    EnrolmentStatus,
    OfferState,
    ProgrammePage,
    Session,
)
from ..rules import Verdict
from .access import user_can_manage, user_is_secretariat


def enrolment_for(*, programme: ProgrammePage, user) -> Enrolment | None:
    if not user or not user.is_authenticated:
        return None
    return Enrolment.objects.filter(programme=programme, user=user).first()


def open_offer_of(*, enrolment: Enrolment | None):
    """The seat offer waiting for this person's answer, or None.

    Only an enrolment on the waitlist or holding an offer can have one, so
    any other (a confirmed participant's) costs no query.
    """
    if enrolment is None or enrolment.status not in (
        EnrolmentStatus.WAITLISTED,
        EnrolmentStatus.OFFERED,
    ):
        return None
    return enrolment.offers.filter(state=OfferState.OFFERED).first()


def enrolments_of(*, user) -> QuerySet[Enrolment]:
    """A person's applications, newest first, with their seat offers (the API's list)."""
    return (
        Enrolment.objects.filter(user=user)
        .select_related("programme")
        .prefetch_related("offers")
        .order_by("-created_at", "-pk")
    )


def my_enrolments(*, user) -> QuerySet[Enrolment]:
    """A participant's enrolments, newest programme first, with what the page shows.

    Every session and the person's own marks come prefetched, so each
    enrolment's completion (``participant_completion``) costs no query.
    """
    now = timezone.now()
    return (
        Enrolment.objects.filter(user=user)
        .select_related("programme", "group__created_by")
        .prefetch_related(
            Prefetch(
                "programme__sessions",
                queryset=Session.objects.filter(ends_at__gte=now).order_by("starts_at"),
                to_attr="upcoming_sessions",
            ),
            Prefetch(
                "programme__sessions",
                queryset=Session.objects.order_by("starts_at"),
                to_attr="every_session",
            ),
            "offers",
            "attendance",
        )
        .order_by("-programme__starts_on", "pk")
    )


def organisation_places_left(
    *, programme: ProgrammePage, organisation, leaving_out=None
) -> int | None:
    """Places the organisation's quota still allows (None: no quota).

    Its active applications count against it; ``leaving_out`` (a user) is the
    person asking, whose own application is not yet made.
    """
    from ..rules import rule_values

    limits = [
        v["max_per_organisation"]
        for v in rule_values(programme.rules, "organisation_quota")
    ]
    if not limits or organisation is None:
        return None
    taken = programme.enrolments.filter(organisation=organisation).exclude(
        status__in=Enrolment.INACTIVE
    )
    if leaving_out is not None:
        taken = taken.exclude(user=leaving_out)
    return max(min(limits) - taken.count(), 0)


def quota_verdict_for(*, programme: ProgrammePage, organisation) -> Verdict | None:
    """The quota sentence for a focal point whose organisation has no place left."""
    from ..rules import quota_verdict, rule_values

    limits = [
        v["max_per_organisation"]
        for v in rule_values(programme.rules, "organisation_quota")
    ]
    if not limits or organisation is None:
        return None
    taken = (
        programme.enrolments.filter(organisation=organisation)
        .exclude(status__in=Enrolment.INACTIVE)
        .count()
    )
    return quota_verdict(
        org=organisation, limit=min(limits), taken=taken, focal_point=True
    )


def delegation_size_limit(
    *, programme: ProgrammePage, organisation, leaving_out=None
) -> int:
    """How many people one delegation or nomination may name now.

    The programme's largest delegation, lowered to the places the
    organisation's quota leaves, so forms never offer more than can be taken.
    """
    left = organisation_places_left(
        programme=programme, organisation=organisation, leaving_out=leaving_out
    )
    size = programme.max_group_size
    return size if left is None else min(size, left)


def focal_point_organisation(*, user):
    """The organisation whose registered focal point ``user`` is, else None.

    A focal point is a signed-in, active account whose e-mail is the
    ``focal_point_email`` of its own organisation (compared case-insensitively):
    the Secretariat registers that address, so it is trusted to nominate.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return None
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or not organisation.focal_point_email:
        return None
    if organisation.focal_point_email.strip().lower() != user.email.strip().lower():
        return None
    return organisation


def nominations_by(*, user) -> QuerySet[Enrolment]:
    """The officials a focal point nominated, newest programme first."""
    return (
        Enrolment.objects.filter(
            group__created_by=user, endorsed_by_email__iexact=user.email
        )
        .exclude(user=user)
        .select_related("programme", "user")
        .order_by("-programme__starts_on", "programme_id", "pk")
    )


def withdrawal_refusal(*, enrolment: Enrolment) -> str:
    """Why this enrolment cannot be withdrawn now, or "" when it can.

    The same rules as ``enrolment_withdraw``, read before anyone presses the
    button, so the confirmation page can say so instead of offering it.
    """
    from lms.timefmt import format_date

    if enrolment.status in Enrolment.INACTIVE:
        return _("This application is already closed.")
    programme = enrolment.programme
    if programme.is_past:
        return _(
            "%(title)s ended on %(date)s: your enrolment is part of its "
            "record and can no longer be withdrawn."
        ) % {"title": programme.title, "date": format_date(programme.ends_on)}
    return ""


def delegation_members(*, enrolment: Enrolment) -> list[Enrolment]:
    """The enrolment and the others of its delegation at the same step."""
    if enrolment.group_id is None:
        return [enrolment]
    return list(
        Enrolment.objects.filter(group_id=enrolment.group_id, status=enrolment.status)
        .select_related("user")
        .order_by("pk")
    )


def calendar_sessions(*, user) -> QuerySet[Session]:
    """Every session of the programmes where the person holds a confirmed seat."""
    return (
        Session.objects.filter(
            programme__enrolments__user=user,
            programme__enrolments__status=EnrolmentStatus.CONFIRMED,
            programme__live=True,
        )
        .select_related("programme")
        .order_by("starts_at")
    )


def pending_enrolments(*, user) -> QuerySet[Enrolment]:
    """Applications awaiting a decision on programmes ``user`` may manage."""
    qs = (
        Enrolment.objects.filter(status=EnrolmentStatus.PENDING_APPROVAL)
        .select_related("programme", "user", "organisation")
        .order_by("created_at")
    )
    if user_is_secretariat(user):
        return qs
    allowed = [
        p.pk
        for p in ProgrammePage.objects.filter(
            pk__in=qs.values("programme_id")
        ).specific()
        if user_can_manage(user=user, programme=p)
    ]
    return qs.filter(programme_id__in=allowed)


@dataclass
class PendingDecision:
    """One decision in the approval queue: a person, or a delegation as one.

    ``members`` are the applications it decides (one for a single applicant,
    every member still waiting for a delegation, who are seated or waitlisted
    together); ``group`` is the delegation, if any.
    """

    members: list[Enrolment]
    group: object | None = None

    @property
    def lead(self) -> Enrolment:
        return self.members[0]

    @property
    def programme(self) -> ProgrammePage:
        return self.lead.programme

    @property
    def is_delegation(self) -> bool:
        return self.group is not None and len(self.members) > 1

    @property
    def nominated_by(self) -> str:
        """The focal point's address when the delegation was their nomination."""
        creator = getattr(self.group, "created_by", None)
        endorsed = self.lead.endorsed_by_email
        if (
            creator is not None
            and endorsed
            and creator.email.lower() == endorsed.lower()
        ):
            return endorsed
        return ""


def pending_decisions(*, user) -> list[PendingDecision]:
    """The approval queue: one entry per applicant or per delegation.

    A delegation's members waiting for approval form one entry (in the place
    of its first application), since approving them decides for all.
    """
    enrolments = list(
        pending_enrolments(user=user)
        .select_related("group__created_by")
        .prefetch_related("user__skills")
    )
    decisions: list[PendingDecision] = []
    by_group: dict[int, PendingDecision] = {}
    for enrolment in enrolments:
        if enrolment.group_id is None:
            decisions.append(PendingDecision(members=[enrolment]))
        elif enrolment.group_id in by_group:
            by_group[enrolment.group_id].members.append(enrolment)
        else:
            decision = PendingDecision(members=[enrolment], group=enrolment.group)
            by_group[enrolment.group_id] = decision
            decisions.append(decision)
    return decisions
