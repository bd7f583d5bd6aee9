"""Rule verdicts are whole, grammatical sentences in every language.

They used to glue a lower-cased label after "a" ("Hebron is a associate
member", "… is a institution"), which no translation could fix, and to
print "1 of 20 seats are still free" and "may send 1 participants".
"""

import pytest
from django.utils import translation

from courses.rules import evaluate_rules, quota_verdict
from lms.models import MembershipTier, OrganisationKind
from tests.factories import OrganisationFactory, UserFactory

from .factories import enrol, make_programme

ALL_TIERS = [t for t, _label in MembershipTier.choices if t != MembershipTier.NONE]
ALL_KINDS = [k for k, _label in OrganisationKind.choices]
LANGUAGES = ("ko", "ru", "es", "fr")


def verdict(programme, user, rule):
    verdicts = evaluate_rules(rules=programme.rules, user=user, target=programme)
    return next(v for v in verdicts if v.rule == rule)


@pytest.mark.parametrize(
    ("tier", "sentence"),
    [
        ("full", "Hebron is a full member of WeGO."),
        ("associate", "Hebron is an associate member of WeGO."),
        ("friendship", "Hebron is a friendship member of WeGO."),
        ("corporate", "Hebron is a corporate member of WeGO."),
    ],
)
def test_membership_sentences_are_grammatical(office, tier, sentence):
    programme = make_programme(
        office=office, rules=[("membership_tiers", {"tiers": ALL_TIERS})]
    )
    user = UserFactory(
        organisation=OrganisationFactory(name="Hebron", membership_tier=tier)
    )
    assert verdict(programme, user, "membership_tiers").message == sentence


def test_a_refusal_names_the_tier_grammatically(office):
    programme = make_programme(
        office=office,
        title="eGovFrame Technical Training",
        rules=[("membership_tiers", {"tiers": ["full"]})],
    )
    user = UserFactory(
        organisation=OrganisationFactory(name="Hebron", membership_tier="associate")
    )
    message = verdict(programme, user, "membership_tiers").message
    assert "Hebron is an associate member of WeGO — see how to join" in message
    assert " a associate" not in message


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("city", "Hebron is a city."),
        ("local_government", "Hebron is a local government."),
        ("regional_association", "Hebron is a regional government association."),
        ("company", "Hebron is a company."),
        ("institution", "Hebron is an institution."),
    ],
)
def test_organisation_kind_sentences_are_grammatical(office, kind, sentence):
    programme = make_programme(
        office=office, rules=[("organisation_kinds", {"kinds": ALL_KINDS})]
    )
    user = UserFactory(organisation=OrganisationFactory(name="Hebron", kind=kind))
    assert verdict(programme, user, "organisation_kinds").message == sentence


def test_numbers_agree_with_their_nouns(office):
    programme = make_programme(
        office=office,
        capacity=2,
        rules=[("organisation_quota", {"max_per_organisation": 1})],
    )
    city = OrganisationFactory(name="Hebron")
    user = UserFactory(organisation=city)
    enrol(programme, UserFactory())
    assert verdict(programme, user, "capacity").message == "1 of 2 seats is still free."
    assert verdict(programme, user, "organisation_quota").message == (
        "Hebron may send 1 participant. Nobody has applied yet."
    )
    enrol(programme, UserFactory(organisation=city))
    full = verdict(programme, user, "organisation_quota").message
    assert full == (
        "Hebron has no place left (it may send 1); ask your focal point which "
        "officials should attend."
    )
    assert verdict(programme, user, "capacity").message.startswith(
        "All seats are taken (2 in all)"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_sentence_is_translated_as_a_whole(office, language):
    programme = make_programme(
        office=office,
        capacity=5,
        rules=[
            ("membership_tiers", {"tiers": ALL_TIERS}),
            ("organisation_kinds", {"kinds": ALL_KINDS}),
            ("organisation_quota", {"max_per_organisation": 2}),
        ],
    )
    english = {}
    translated = {}
    for tier in ALL_TIERS:
        user = UserFactory(
            organisation=OrganisationFactory(
                name=f"Hebron {tier}", membership_tier=tier, kind="institution"
            )
        )
        for rule in ("membership_tiers", "organisation_kinds", "organisation_quota"):
            english[tier, rule] = verdict(programme, user, rule).message
            with translation.override(language):
                translated[tier, rule] = verdict(programme, user, rule).message
    for key, text in translated.items():
        assert text != english[key], (language, key, text)
        assert f"Hebron {key[0]}" in text
        # No English article or lower-cased English label left in the sentence.
        assert " member" not in text and " is a" not in text, (language, text)
    with translation.override(language):
        asked = quota_verdict(
            org=OrganisationFactory(name="Hebron"), limit=2, taken=0, asked=3
        ).message
    assert "This application" not in asked and "3" in asked and "2" in asked


@pytest.mark.parametrize(
    ("language", "associate", "institution"),
    [
        ("ko", "Hebron은(는) WeGO 준회원입니다.", "Hebron은(는) 기관입니다."),
        (
            "ru",
            "Hebron является ассоциированным членом WeGO.",
            "Hebron — учреждение.",
        ),
        ("es", "Hebron es miembro asociado de WeGO.", "Hebron es una institución."),
        ("fr", "Hebron est membre associé de WeGO.", "Hebron est une institution."),
    ],
)
def test_the_associate_member_sentence_in_each_language(
    office, language, associate, institution
):
    programme = make_programme(
        office=office,
        rules=[
            ("membership_tiers", {"tiers": ALL_TIERS}),
            ("organisation_kinds", {"kinds": ALL_KINDS}),
        ],
    )
    user = UserFactory(
        organisation=OrganisationFactory(
            name="Hebron", membership_tier="associate", kind="institution"
        )
    )
    with translation.override(language):
        assert verdict(programme, user, "membership_tiers").message == associate
        assert verdict(programme, user, "organisation_kinds").message == institution
