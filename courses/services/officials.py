"""Who may be enrolled together: a delegation's colleagues, a focal point's nominees.

Each named official must have an active account of the organisation and pass
every rule about the person on their own, before anything is written; seats
are counted later, under the seat lock (``applications``, ``seats``).
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from lms.errors import DomainError, PermissionDenied
from lms.models import User

from ..models import ProgrammePage
from ..selectors import focal_point_organisation, programme_eligibility

security_log = logging.getLogger("security")


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
