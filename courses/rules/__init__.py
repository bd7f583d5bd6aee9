"""Enrolment rules an editor composes per programme, and their evaluation.

Each block yields a :class:`Verdict`: whether the person passes, a human
sentence saying why and what to do next, and whether a failure blocks the
application. The same blocks serve restricted webinars: a rule that needs
programme-only data (capacity, quota, window) is skipped for other targets.

The package is split by subject: ``verdict`` (the result type), ``blocks``
(what editors compose), ``evaluators`` (one verdict per rule kind, and the
quota sentences) and ``evaluation`` (a whole rule list).
"""

from __future__ import annotations

from .blocks import (
    ApprovalRule,
    CapacityRule,
    EndorsementRule,
    EnrolmentWindowRule,
    MembershipTiersRule,
    OrganisationKindsRule,
    OrganisationQuotaRule,
    PrerequisiteProgrammeRule,
    RuleBlocks,
    SkillRule,
)
from .evaluation import evaluate_rules, rule_values, rules_who_may_apply
from .evaluators import quota_verdict
from .verdict import Verdict

__all__ = [
    "ApprovalRule",
    "CapacityRule",
    "EndorsementRule",
    "EnrolmentWindowRule",
    "MembershipTiersRule",
    "OrganisationKindsRule",
    "OrganisationQuotaRule",
    "PrerequisiteProgrammeRule",
    "RuleBlocks",
    "SkillRule",
    "Verdict",
    "evaluate_rules",
    "quota_verdict",
    "rule_values",
    "rules_who_may_apply",
]
