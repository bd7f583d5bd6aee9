from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from courses.selectors import programme_eligibility
from lms.models import MembershipTier
from tests.factories import OrganisationFactory, UserFactory

from .factories import enrol, give_skill, make_programme


def _failed(verdicts):
    return {v.rule for v in verdicts if not v.ok and v.blocking}


def test_non_member_is_told_why_and_what_to_do(office, egov_rules, non_member):
    programme = make_programme(
        office=office, title="eGovFrame Technical Training", rules=egov_rules
    )
    eligible, verdicts = programme_eligibility(programme=programme, user=non_member)
    assert not eligible
    message = next(v.message for v in verdicts if v.rule == "membership_tiers")
    assert "eGovFrame Technical Training is for WeGO members" in message
    assert "Johor Bahru City Council is not a member" in message
    assert "see how to join" in message


def test_expired_membership_counts_as_none(office, egov_rules):
    org = OrganisationFactory(
        membership_tier=MembershipTier.FULL,
        membership_expires_on=timezone.localdate() - timedelta(days=1),
    )
    user = give_skill(UserFactory(organisation=org))
    programme = make_programme(office=office, rules=egov_rules)
    eligible, verdicts = programme_eligibility(programme=programme, user=user)
    assert not eligible
    assert "expired" in next(
        v.message for v in verdicts if v.rule == "membership_tiers"
    )


def test_missing_java_level_blocks_with_a_hint(office, egov_rules):
    user = give_skill(UserFactory(), level="basic")
    programme = make_programme(office=office, rules=egov_rules)
    eligible, verdicts = programme_eligibility(programme=programme, user=user)
    assert _failed(verdicts) == {"skill"}
    assert "Intermediate".lower() in next(
        v.message for v in verdicts if v.rule == "skill"
    )


def test_member_with_java_is_eligible_and_sees_seats(office, egov_rules, member):
    programme = make_programme(office=office, rules=egov_rules, capacity=20)
    eligible, verdicts = programme_eligibility(programme=programme, user=member)
    assert eligible
    assert any("20" in v.message for v in verdicts if v.rule == "capacity")


def test_full_programme_with_waitlist_stays_eligible(office, member):
    programme = make_programme(office=office, capacity=1)
    enrol(programme, UserFactory())
    eligible, verdicts = programme_eligibility(programme=programme, user=member)
    assert eligible
    capacity = next(v for v in verdicts if v.rule == "capacity")
    assert capacity.ok and not capacity.blocking and "waitlist" in capacity.message


def test_full_programme_without_waitlist_blocks(office, member):
    programme = make_programme(
        office=office, capacity=1, rules=[("capacity", {"waitlist": False})]
    )
    enrol(programme, UserFactory())
    eligible, _v = programme_eligibility(programme=programme, user=member)
    assert not eligible


def test_closed_window_blocks(office, member):
    programme = make_programme(
        office=office, enrolment_closes_at=timezone.now() - timedelta(minutes=1)
    )
    eligible, verdicts = programme_eligibility(programme=programme, user=member)
    assert _failed(verdicts) == {"enrolment_window"}
    assert "closed" in verdicts[0].message


def test_not_yet_open_window_blocks(office, member):
    programme = make_programme(
        office=office, enrolment_opens_at=timezone.now() + timedelta(days=2)
    )
    assert _failed(programme_eligibility(programme=programme, user=member)[1]) == {
        "enrolment_window"
    }


def test_organisation_quota_counts_colleagues(office, member):
    programme = make_programme(
        office=office, rules=[("organisation_quota", {"max_per_organisation": 1})]
    )
    colleague = UserFactory(organisation=member.organisation)
    enrol(programme, colleague)
    assert "organisation_quota" in _failed(
        programme_eligibility(programme=programme, user=member)[1]
    )


def test_prerequisite_programme_must_be_completed(office, member):
    first = make_programme(office=office, title="Seoul Program 2016")
    programme = make_programme(
        office=office, rules=[("prerequisite_programme", {"programme": first})]
    )
    assert "prerequisite_programme" in _failed(
        programme_eligibility(programme=programme, user=member)[1]
    )
    enrol(first, member, completed_at=timezone.now())
    assert programme_eligibility(programme=programme, user=member)[0]


def test_organisation_kind_rule(office, member):
    programme = make_programme(
        office=office, rules=[("organisation_kinds", {"kinds": ["company"]})]
    )
    assert "organisation_kinds" in _failed(
        programme_eligibility(programme=programme, user=member)[1]
    )


def test_endorsement_needs_a_focal_point(office, member):
    programme = make_programme(office=office, rules=[("endorsement_required", {})])
    assert "endorsement_required" in _failed(
        programme_eligibility(programme=programme, user=member)[1]
    )
    member.organisation.focal_point_email = "focal@city.example"
    member.organisation.save()
    assert programme_eligibility(programme=programme, user=member)[0]


def test_anonymous_visitor_is_asked_to_sign_in(programme):
    eligible, verdicts = programme_eligibility(
        programme=programme, user=AnonymousUser()
    )
    assert not eligible
    assert verdicts[0].rule == "signed_in"


def test_rules_degrade_for_other_targets(member, egov_rules):
    """Webinars reuse the rules: programme-only rules are skipped."""
    from types import SimpleNamespace

    from courses.rules import RuleBlocks, evaluate_rules

    stream = RuleBlocks().to_python(
        [
            {"type": t, "value": v}
            for t, v in egov_rules
            + [("organisation_quota", {"max_per_organisation": 1})]
        ]
    )
    target = SimpleNamespace(title="A webinar")
    verdicts = evaluate_rules(rules=stream, user=member, target=target)
    assert {v.rule for v in verdicts} == {"membership_tiers", "skill"}
    assert all(v.ok for v in verdicts)
