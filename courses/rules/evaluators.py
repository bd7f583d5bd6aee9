"""One evaluator per rule block: the verdict and its sentence for one person.

A rule that needs programme-only data (capacity, quota, window) gives no
verdict for other targets.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lms.models import MembershipTier, OrganisationKind, Skill, SkillLevel
from lms.timefmt import format_date, format_instant

from .verdict import Verdict

# Whole sentences per tier and kind, never "a %(tier)s": the article depends
# on the word ("an associate member", "an institution") in English, and on
# gender and case elsewhere, so each is translated as a sentence.
_IS_TIER = {
    MembershipTier.FULL: gettext_lazy("%(org)s is a full member of WeGO"),
    MembershipTier.ASSOCIATE: gettext_lazy("%(org)s is an associate member of WeGO"),
    MembershipTier.FRIENDSHIP: gettext_lazy("%(org)s is a friendship member of WeGO"),
    MembershipTier.CORPORATE: gettext_lazy("%(org)s is a corporate member of WeGO"),
    MembershipTier.NONE: gettext_lazy("%(org)s is not a member of WeGO"),
}
_IS_KIND = {
    OrganisationKind.CITY: gettext_lazy("%(org)s is a city"),
    OrganisationKind.LOCAL_GOVERNMENT: gettext_lazy("%(org)s is a local government"),
    OrganisationKind.REGIONAL_ASSOCIATION: gettext_lazy(
        "%(org)s is a regional government association"
    ),
    OrganisationKind.COMPANY: gettext_lazy("%(org)s is a company"),
    OrganisationKind.INSTITUTION: gettext_lazy("%(org)s is an institution"),
}


def _is_tier(org, tier: str) -> str:
    return str(_IS_TIER.get(tier, _IS_TIER[MembershipTier.NONE])) % {"org": org.name}


def _target_name(target) -> str:
    return getattr(target, "title", "") or _("This programme")


def _is_programme(target) -> bool:
    return getattr(target, "_meta", None) is not None and (
        target._meta.label == "courses.ProgrammePage"
    )


def _membership(value, user, target) -> Verdict:
    org = user.organisation
    allowed = list(value["tiers"])
    labels = ", ".join(str(MembershipTier(t).label) for t in allowed)
    if org is None:
        return Verdict(
            "membership_tiers",
            False,
            _(
                "%(programme)s is for WeGO members (%(tiers)s); add your city or "
                "organisation to your profile so we can check its membership."
            )
            % {"programme": _target_name(target), "tiers": labels},
        )
    tier = org.effective_tier()
    if tier in allowed:
        return Verdict("membership_tiers", True, _is_tier(org, tier) + ".")
    why = _is_tier(org, tier)
    if (
        tier == MembershipTier.NONE
        and org.membership_expires_on
        and org.membership_expires_on < timezone.localdate()
    ):
        why = _("the membership of %(org)s expired on %(date)s") % {
            "org": org.name,
            "date": format_date(org.membership_expires_on),
        }
    return Verdict(
        "membership_tiers",
        False,
        _(
            "%(programme)s is for WeGO members (%(tiers)s); %(why)s — see how to "
            "join WeGO on the home page."
        )
        % {"programme": _target_name(target), "tiers": labels, "why": why},
    )


def _organisation_kind(value, user, target) -> Verdict:
    allowed = list(value["kinds"])
    labels = ", ".join(str(OrganisationKind(k).label).lower() for k in allowed)
    org = user.organisation
    if org is not None and org.kind in allowed:
        sentence = _IS_KIND.get(org.kind)
        return Verdict(
            "organisation_kinds",
            True,
            (str(sentence) % {"org": org.name} + ".")
            if sentence
            else _("%(org)s may take part.") % {"org": org.name},
        )
    return Verdict(
        "organisation_kinds",
        False,
        _(
            "%(programme)s is open to officials of: %(kinds)s. Ask the organisers "
            "at the contact address if your organisation should qualify."
        )
        % {"programme": _target_name(target), "kinds": labels},
    )


def _skill(value, user, target) -> Verdict:
    skill, minimum = value["skill"], value["min_level"]
    level = user.skill_level(skill)
    skill_label = str(Skill(skill).label)
    if SkillLevel.rank(level) >= SkillLevel.rank(minimum):
        return Verdict(
            "skill",
            True,
            _("Your %(skill)s level (%(level)s) meets the requirement.")
            % {"skill": skill_label, "level": str(SkillLevel(level).label).lower()},
        )
    return Verdict(
        "skill",
        False,
        _(
            "%(programme)s needs %(skill)s at %(min)s level or above; your profile "
            "says %(level)s. Update your skills in your profile if that is out of date."
        )
        % {
            "programme": _target_name(target),
            "skill": skill_label,
            "min": str(SkillLevel(minimum).label).lower(),
            "level": str(SkillLevel(level).label).lower(),
        },
    )


def _prerequisite(value, user, target) -> Verdict | None:
    from ..models import Enrolment

    prerequisite = value["programme"]
    if prerequisite is None:
        return None
    done = Enrolment.objects.filter(
        programme_id=prerequisite.pk, user=user, completed_at__isnull=False
    ).exists()
    if done:
        return Verdict(
            "prerequisite_programme",
            True,
            _("You completed %(prerequisite)s.") % {"prerequisite": prerequisite.title},
        )
    return Verdict(
        "prerequisite_programme",
        False,
        _("Complete %(prerequisite)s first; it prepares you for this programme.")
        % {"prerequisite": prerequisite.title},
    )


def _window(value, user, target) -> Verdict | None:
    opens = value.get("opens_at") or getattr(target, "enrolment_opens_at", None)
    closes = value.get("closes_at")
    if closes is None and _is_programme(target):
        closes = target.effective_enrolment_closes_at
    elif closes is None:
        closes = getattr(target, "enrolment_closes_at", None)
    if opens is None and closes is None:
        return None
    now = timezone.now()
    zone = getattr(target, "zoneinfo", None) or timezone.get_current_timezone()

    def fmt(moment):
        return format_instant(moment, zone)

    if opens and now < opens:
        return Verdict(
            "enrolment_window",
            False,
            _("Enrolment opens on %(when)s; come back then.") % {"when": fmt(opens)},
        )
    if closes and now >= closes:
        return Verdict(
            "enrolment_window",
            False,
            _(
                "Enrolment closed on %(when)s; look for the next edition in the "
                "programme list."
            )
            % {"when": fmt(closes)},
        )
    if closes:
        return Verdict(
            "enrolment_window",
            True,
            _("Enrolment is open until %(when)s.") % {"when": fmt(closes)},
        )
    return Verdict("enrolment_window", True, _("Enrolment is open."))


def _capacity(value, user, target) -> Verdict | None:
    if not _is_programme(target) or target.capacity is None:
        return None
    left = target.seats_left()
    numbers = {"left": left, "capacity": target.capacity}
    if left > 0:
        return Verdict(
            "capacity",
            True,
            ngettext(
                "%(left)s of %(capacity)s seats is still free.",
                "%(left)s of %(capacity)s seats are still free.",
                left,
            )
            % numbers,
        )
    if value.get("waitlist", True):
        return Verdict(
            "capacity",
            True,
            _(
                "All seats are taken (%(capacity)s in all); you can join the "
                "waitlist and will be offered a seat if one frees up."
            )
            % numbers,
            blocking=False,
        )
    return Verdict(
        "capacity",
        False,
        _(
            "All seats are taken (%(capacity)s in all) and this programme has no "
            "waitlist."
        )
        % numbers,
    )


def _quota(value, user, target) -> Verdict | None:
    if not _is_programme(target):
        return None
    limit = value["max_per_organisation"]
    org = user.organisation
    if org is None:
        return None
    from ..models import Enrolment

    taken = (
        target.enrolments.filter(organisation=org)
        .exclude(user=user)
        .exclude(status__in=Enrolment.INACTIVE)
        .count()
    )
    focal = (org.focal_point_email or "").strip().lower()
    return quota_verdict(
        org=org, limit=limit, taken=taken, focal_point=focal == user.email.lower()
    )


def quota_verdict(
    *, org, limit: int, taken: int, asked: int = 1, focal_point: bool = False
) -> Verdict:
    """Whether ``asked`` more people of ``org`` fit its quota of ``limit``.

    ``taken`` are the organisation's other active applications. The same
    sentences serve the rule on the programme page and the refusal under the
    seat lock, so an applicant, a delegation and a focal point's nomination
    are told the same numbers. Each sentence is whole (translators need the
    number it agrees with), joined by a space. ``focal_point``: the reader is
    the one who chooses, so they are not sent to ask themselves.
    """
    numbers = {"org": org.name, "limit": limit, "taken": taken, "asked": asked}
    may_send = ngettext(
        "%(org)s may send %(limit)s participant.",
        "%(org)s may send %(limit)s participants.",
        limit,
    )
    if taken + asked <= limit:
        so_far = (
            ngettext(
                "%(taken)s has applied so far.",
                "%(taken)s have applied so far.",
                taken,
            )
            if taken
            else _("Nobody has applied yet.")
        )
        return Verdict("organisation_quota", True, f"{may_send} {so_far}" % numbers)
    if taken >= limit:
        full = (
            _(
                "%(org)s has no place left (it may send %(limit)s); its officials "
                "who applied are listed on your programmes page."
            )
            if focal_point
            else _(
                "%(org)s has no place left (it may send %(limit)s); ask your "
                "focal point which officials should attend."
            )
        )
        return Verdict("organisation_quota", False, full % numbers)
    numbers["left"] = left = limit - taken
    sentences = [may_send]
    if taken:
        sentences.append(
            ngettext(
                "%(taken)s has applied already.",
                "%(taken)s have applied already.",
                taken,
            )
        )
    sentences.append(
        ngettext(
            "This application is for %(asked)s person.",
            "This application is for %(asked)s people.",
            asked,
        )
    )
    sentences.append(
        ngettext(
            "Name at most %(left)s person.",
            "Name at most %(left)s people.",
            left,
        )
    )
    return Verdict("organisation_quota", False, " ".join(sentences) % numbers)


def _approval(value, user, target) -> Verdict:
    return Verdict(
        "approval_required",
        True,
        value.get("note")
        or _("The Secretariat reviews each application and will e-mail you."),
        blocking=False,
    )


def _endorsement(value, user, target) -> Verdict:
    org = user.organisation
    if org is None or not org.focal_point_email:
        return Verdict(
            "endorsement_required",
            False,
            _(
                "Your application must be endorsed by your city's focal point, but "
                "no focal point is registered for your organisation; ask your city "
                "to name one with the Secretariat."
            ),
        )
    return Verdict(
        "endorsement_required",
        True,
        value.get("note")
        or _("%(org)s's focal point will be asked to endorse your application.")
        % {"org": org.name},
        blocking=False,
    )


_EVALUATORS = {
    "membership_tiers": _membership,
    "organisation_kinds": _organisation_kind,
    "skill": _skill,
    "prerequisite_programme": _prerequisite,
    "enrolment_window": _window,
    "capacity": _capacity,
    "organisation_quota": _quota,
    "approval_required": _approval,
    "endorsement_required": _endorsement,
}
