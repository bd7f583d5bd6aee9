"""Evaluating a rule list: every verdict, the values of one kind, who may apply."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.models import MembershipTier, OrganisationKind, Skill, SkillLevel

from .evaluators import _EVALUATORS, _is_programme
from .verdict import Verdict


def evaluate_rules(*, rules, user, target, skip: tuple[str, ...] = ()) -> list[Verdict]:
    """Every rule's verdict for ``user`` on ``target``, in the editor's order.

    ``skip`` leaves out rule kinds the caller decides itself (an application
    counts seats under the seat lock, so it skips the unlocked "capacity").

    Anonymous users get one blocking verdict asking them to sign in: the rules
    are about a person, and we cannot judge before we know who it is.
    """
    if user is None or not user.is_authenticated:
        return [
            Verdict(
                "signed_in",
                False,
                _("Sign in to see whether you can enrol."),
            )
        ]
    pairs = list(_pairs(rules))
    if _is_programme(target):
        # A programme's own window and capacity fields always apply, even when
        # the editor did not add the matching rule block.
        present = {kind for kind, _value in pairs}
        if "enrolment_window" not in present:
            pairs.insert(0, ("enrolment_window", {}))
        if "capacity" not in present:
            pairs.append(("capacity", {"waitlist": True}))
    verdicts = []
    for kind, value in pairs:
        evaluator = _EVALUATORS.get(kind)
        if evaluator is None or kind in skip:
            continue
        verdict = evaluator(value, user, target)
        if verdict is not None:
            verdicts.append(verdict)
    return verdicts


def _pairs(rules) -> tuple:
    """``(block type, value)`` of every rule block, read once per rule list.

    Walking a StreamValue builds a child object per block each time, and one
    application asks its programme's rules up to five questions. Rule lists
    are replaced, never edited in place (forms and code assign a new value),
    so the pairs are kept on the list itself.
    """
    if not rules:
        return ()
    kept = getattr(rules, "_wego_rule_pairs", None)
    if kept is not None and kept[0] == len(rules):
        return kept[1]
    pairs = tuple((block.block_type, block.value) for block in rules)
    try:
        rules._wego_rule_pairs = (len(rules), pairs)
    except AttributeError:  # a plain tuple or list of blocks
        pass
    return pairs


def rule_values(rules, block_type: str) -> list:
    """The values of every block of one type (e.g. to know if approval is needed)."""
    return [value for kind, value in _pairs(rules) if kind == block_type]


def rules_who_may_apply(rules) -> list[str]:
    """Who may apply, said for everybody (signed in or not) before any
    verdict: the membership, organisation-kind and skill rules as short
    sentences, in the editor's order. Window and seats are shown as facts of
    their own; an empty list means anyone signed in may apply."""
    sentences = []
    for kind, value in _pairs(rules):
        if kind == "membership_tiers":
            labels = ", ".join(str(MembershipTier(t).label) for t in value["tiers"])
            sentences.append(_("WeGO members: %(tiers)s") % {"tiers": labels})
        elif kind == "organisation_kinds":
            labels = ", ".join(
                str(OrganisationKind(k).label).lower() for k in value["kinds"]
            )
            sentences.append(_("Officials of: %(kinds)s") % {"kinds": labels})
        elif kind == "skill":
            sentences.append(
                _("%(skill)s at %(min)s level or above")
                % {
                    "skill": str(Skill(value["skill"]).label),
                    "min": str(SkillLevel(value["min_level"]).label).lower(),
                }
            )
    return sentences
