import pytest

from lms.models import MembershipTier, SkillLevel
from tests.factories import OrganisationFactory, UserFactory

from .factories import give_skill, make_programme, site_tree


@pytest.fixture
def office(db):
    return site_tree()[1]


@pytest.fixture
def programme(office):
    return make_programme(office=office)


@pytest.fixture
def egov_rules():
    """The eGovFrame rules: members only, Java intermediate, capacity with waitlist."""
    return [
        (
            "membership_tiers",
            {"tiers": [MembershipTier.FULL, MembershipTier.ASSOCIATE]},
        ),
        ("skill", {"skill": "java", "min_level": SkillLevel.INTERMEDIATE}),
        ("capacity", {"waitlist": True}),
    ]


@pytest.fixture
def member(db):
    return give_skill(UserFactory())


@pytest.fixture
def non_member(db):
    org = OrganisationFactory(
        name="Johor Bahru City Council", membership_tier=MembershipTier.NONE
    )
    return give_skill(UserFactory(organisation=org))


@pytest.fixture
def trainer(db):
    return UserFactory(is_staff=True)
