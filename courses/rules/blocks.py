"""The StreamField blocks an editor composes a programme's (or webinar's) rules from."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail import blocks

from lms.models import MembershipTier, OrganisationKind, Skill, SkillLevel


class MembershipTiersRule(blocks.StructBlock):
    tiers = blocks.MultipleChoiceBlock(
        label=gettext_lazy("Tiers allowed"),
        choices=[c for c in MembershipTier.choices if c[0] != MembershipTier.NONE],
    )

    class Meta:
        icon = "group"
        label = gettext_lazy("Membership tiers allowed")


class OrganisationKindsRule(blocks.StructBlock):
    kinds = blocks.MultipleChoiceBlock(
        label=gettext_lazy("Organisation kinds allowed"),
        choices=OrganisationKind.choices,
    )

    class Meta:
        icon = "site"
        label = gettext_lazy("Organisation kinds allowed")


class SkillRule(blocks.StructBlock):
    skill = blocks.ChoiceBlock(label=gettext_lazy("Skill"), choices=Skill.choices)
    min_level = blocks.ChoiceBlock(
        label=gettext_lazy("Minimum level"),
        choices=[c for c in SkillLevel.choices if c[0] != SkillLevel.NONE],
        default=SkillLevel.INTERMEDIATE,
    )

    class Meta:
        icon = "code"
        label = gettext_lazy("Prerequisite skill")


class PrerequisiteProgrammeRule(blocks.StructBlock):
    programme = blocks.PageChooserBlock(
        label=gettext_lazy("Programme completed first"),
        page_type="courses.ProgrammePage",
    )

    class Meta:
        icon = "tick"
        label = gettext_lazy("Prerequisite programme completed")


class EnrolmentWindowRule(blocks.StructBlock):
    opens_at = blocks.DateTimeBlock(
        label=gettext_lazy("Opens"),
        required=False,
        help_text=gettext_lazy("Empty: the programme's own enrolment window."),
    )
    closes_at = blocks.DateTimeBlock(label=gettext_lazy("Closes"), required=False)

    class Meta:
        icon = "date"
        label = gettext_lazy("Enrolment window")


class CapacityRule(blocks.StructBlock):
    waitlist = blocks.BooleanBlock(
        label=gettext_lazy("Waitlist when full"), required=False, default=True
    )

    class Meta:
        icon = "list-ol"
        label = gettext_lazy("Capacity and waitlist")


class OrganisationQuotaRule(blocks.StructBlock):
    max_per_organisation = blocks.IntegerBlock(
        label=gettext_lazy("At most this many participants per organisation"),
        min_value=1,
        default=2,
    )

    class Meta:
        icon = "user"
        label = gettext_lazy("Per-organisation quota")


class ApprovalRule(blocks.StructBlock):
    note = blocks.CharBlock(
        label=gettext_lazy("Note to applicants"), required=False, max_length=200
    )

    class Meta:
        icon = "doc-full"
        label = gettext_lazy("Approval required")


class EndorsementRule(blocks.StructBlock):
    note = blocks.CharBlock(
        label=gettext_lazy("Note to applicants"), required=False, max_length=200
    )

    class Meta:
        icon = "mail"
        label = gettext_lazy("Endorsement by the city's focal point required")


class RuleBlocks(blocks.StreamBlock):
    membership_tiers = MembershipTiersRule()
    organisation_kinds = OrganisationKindsRule()
    skill = SkillRule()
    prerequisite_programme = PrerequisiteProgrammeRule()
    enrolment_window = EnrolmentWindowRule()
    capacity = CapacityRule()
    organisation_quota = OrganisationQuotaRule()
    approval_required = ApprovalRule()
    endorsement_required = EndorsementRule()

    class Meta:
        label = gettext_lazy("Enrolment rules")
        required = False
