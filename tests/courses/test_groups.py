"""City delegations (PITFALLS 4): seated together or waiting together, never split.

The stated rule when a delegation at the head of the waitlist does not fit
the free seats: it keeps its place, and those free seats go to the next
people who fit ("skip if it does not fit"); the delegation is offered seats
the first moment enough are free at once.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from courses import services
from courses.models import Enrolment, EnrolmentGroup, ProgrammePage
from lms.errors import Conflict, DomainError, PermissionDenied
from lms.models import SkillLevel
from tests.factories import OrganisationFactory, UserFactory

from .factories import give_skill, make_programme, site_tree


def official(org):
    return give_skill(UserFactory(organisation=org))


def delegation(size, org=None):
    org = org or OrganisationFactory()
    return [official(org) for _ in range(size)]


def apply(programme, user, colleagues=()):
    return services.enrolment_apply(
        programme=programme,
        user=user,
        answers={},
        colleagues=[c.email for c in colleagues],
    )


def statuses(enrolment):
    return sorted(enrolment.group.members.values_list("status", flat=True))


def waitlist(programme):
    return list(
        programme.enrolments.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("user__email", "waitlist_position")
    )


def test_delegation_with_enough_seats_is_confirmed_together(office):
    programme = make_programme(office=office, capacity=5)
    lead, *others = delegation(3)
    enrolment = apply(programme, lead, others)
    assert statuses(enrolment) == ["confirmed"] * 3
    assert {e.user for e in enrolment.group.members.all()} == {lead, *others}
    assert enrolment.group.organisation == lead.organisation
    assert enrolment.group.created_by == lead


def test_delegation_that_does_not_fit_waits_together_on_consecutive_places(office):
    programme = make_programme(office=office, capacity=3)
    apply(programme, official(OrganisationFactory()))
    apply(programme, official(OrganisationFactory()))
    lead, *others = delegation(2)
    enrolment = apply(programme, lead, others)
    assert statuses(enrolment) == ["waitlisted", "waitlisted"]
    assert [p for _e, p in waitlist(programme)] == [1, 2]
    # The one free seat goes on to a single applicant behind (skip rule).
    single = apply(programme, official(OrganisationFactory()))
    assert single.status == "confirmed"
    # Now full: the next single waits behind the delegation.
    late = apply(programme, official(OrganisationFactory()))
    assert late.status == "waitlisted" and late.waitlist_position == 3


def test_promotion_skips_a_delegation_that_does_not_fit_then_seats_it_whole(office):
    programme = make_programme(office=office, capacity=3)
    seated = [apply(programme, official(OrganisationFactory())) for _ in range(3)]
    lead, *others = delegation(2)
    group_enrolment = apply(programme, lead, others)
    single = apply(programme, official(OrganisationFactory()))
    assert single.waitlist_position == 3
    # One seat frees: the delegation (2) does not fit, the single behind does.
    services.enrolment_withdraw(enrolment=seated[0], actor=seated[0].user)
    single.refresh_from_db()
    assert single.status == "offered"
    assert statuses(group_enrolment) == ["waitlisted", "waitlisted"]
    assert [p for _e, p in waitlist(programme)] == [1, 2]
    # Two more seats free: the delegation is offered both at once.
    services.enrolment_withdraw(enrolment=seated[1], actor=seated[1].user)
    assert statuses(group_enrolment) == ["waitlisted", "waitlisted"]
    services.enrolment_withdraw(enrolment=seated[2], actor=seated[2].user)
    assert statuses(group_enrolment) == ["offered", "offered"]
    assert waitlist(programme) == []


def test_delegation_respects_the_organisation_quota_all_or_nothing(office):
    programme = make_programme(
        office=office,
        capacity=10,
        rules=[("organisation_quota", {"max_per_organisation": 2})],
    )
    lead, *others = delegation(3)
    with pytest.raises(PermissionDenied) as exc:
        apply(programme, lead, others)
    assert exc.value.code == "ineligible"
    assert not Enrolment.objects.exists() and not EnrolmentGroup.objects.exists()
    assert apply(programme, lead, others[:1]).status == "confirmed"


def test_every_colleague_must_be_eligible(office, egov_rules):
    programme = make_programme(office=office, capacity=10, rules=egov_rules)
    org = OrganisationFactory()
    lead = official(org)
    beginner = give_skill(UserFactory(organisation=org), level=SkillLevel.BASIC)
    with pytest.raises(PermissionDenied) as exc:
        apply(programme, lead, [beginner])
    assert exc.value.extra["colleague"] == beginner.email
    assert "Java" in exc.value.message
    assert not Enrolment.objects.exists()


def test_colleagues_must_be_of_the_same_organisation_and_known(office):
    programme = make_programme(office=office, capacity=10)
    lead = official(OrganisationFactory())
    stranger = official(OrganisationFactory())
    with pytest.raises(DomainError) as exc:
        services.enrolment_apply(
            programme=programme,
            user=lead,
            answers={},
            colleagues=[stranger.email, "nobody@nowhere.example"],
        )
    assert exc.value.code == "invalid_colleague"
    assert set(exc.value.extra["colleagues"]) == {
        stranger.email,
        "nobody@nowhere.example",
    }
    assert not Enrolment.objects.exists()


def test_delegation_size_is_capped(office):
    programme = make_programme(office=office, capacity=10, max_group_size=2)
    lead, *others = delegation(3)
    with pytest.raises(DomainError) as exc:
        apply(programme, lead, others)
    assert exc.value.code == "group_too_large"


def test_colleague_already_enrolled_refuses_the_whole_delegation(office):
    programme = make_programme(office=office, capacity=10)
    lead, colleague = delegation(2)
    apply(programme, colleague)
    with pytest.raises(Conflict) as exc:
        apply(programme, lead, [colleague])
    assert exc.value.code == "already_enrolled"
    assert programme.enrolments.count() == 1


def test_a_delegation_is_approved_as_one_decision(office, staff_user):
    programme = make_programme(
        office=office, capacity=10, rules=[("approval_required", {"note": ""})]
    )
    lead, *others = delegation(3)
    enrolment = apply(programme, lead, others)
    assert statuses(enrolment) == ["pending_approval"] * 3
    decided = services.delegation_approve(group=enrolment.group, actor=staff_user)
    assert [e.status for e in decided] == ["confirmed"] * 3
    assert statuses(enrolment) == ["confirmed"] * 3


def test_page_form_applies_as_a_delegation(client, office):
    programme = make_programme(office=office, capacity=10)
    lead, *others = delegation(3)
    client.force_login(lead)
    page = client.get(programme.url).content.decode()
    assert "Colleagues applying with you" in page
    response = client.post(
        f"/programmes/{programme.pk}/apply/",
        {"colleagues": ", ".join(o.email for o in others)},
    )
    assert response.status_code == 302
    group = EnrolmentGroup.objects.get()
    assert group.members.count() == 3
    assert "delegation of 3" in client.get(programme.url).content.decode()


def test_api_applies_as_a_delegation(office):
    programme = make_programme(office=office, capacity=10)
    lead, *others = delegation(2)
    api = APIClient()
    api.force_authenticate(lead)
    response = api.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        {"answers": {}, "colleagues": [o.email for o in others]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert [m["email"] for m in body["group"]["members"]] == [
        lead.email,
        others[0].email,
    ]
    single = APIClient()
    loner = official(OrganisationFactory())
    single.force_authenticate(loner)
    alone = single.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
    )
    assert alone.json()["group"] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_delegations_and_singles_never_split_or_overbook():
    programme = make_programme(office=site_tree()[1], capacity=7)
    groups = [delegation(3) for _ in range(4)]
    singles = [official(OrganisationFactory()) for _ in range(8)]
    work = [(g[0], g[1:]) for g in groups] + [(s, []) for s in singles]
    barrier = threading.Barrier(len(work))
    errors = []

    def run(lead, colleagues):
        barrier.wait()
        try:
            for _attempt in range(10):
                try:
                    return apply(
                        ProgrammePage.objects.get(pk=programme.pk), lead, colleagues
                    )
                except services.Busy:
                    continue
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=w) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = list(programme.enrolments.values("status", "group_id", "waitlist_position"))
    assert len(rows) == 4 * 3 + 8
    confirmed = [r for r in rows if r["status"] == "confirmed"]
    assert len(confirmed) <= 7
    for group in EnrolmentGroup.objects.filter(programme=programme):
        members = [r for r in rows if r["group_id"] == group.pk]
        assert len({r["status"] for r in members}) == 1, "a delegation was split"
        places = sorted(r["waitlist_position"] or 0 for r in members)
        if places[0]:
            assert places == list(range(places[0], places[0] + 3))
    positions = sorted(r["waitlist_position"] for r in rows if r["waitlist_position"])
    assert positions == list(range(1, len(positions) + 1))
