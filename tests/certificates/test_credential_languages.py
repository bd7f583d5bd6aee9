"""The Open Badges 3.0 credential in English and the holder's language.

``name`` and ``description`` of the credential and of its achievement are
VC 2.0 language value arrays; the credential is still signed with
eddsa-jcs-2022 and verifies with the existing verifier, and so do credentials
downloaded before the change (plain strings).
"""

import copy
import json
from urllib.parse import urlparse

import pytest

from certificates import credentials, services
from certificates.credential_texts import text_in
from certificates.credentials import CredentialError, verify_credential
from tests.certificates.factories import completed_enrolment

MULTILINGUAL = [
    ("name",),
    ("description",),
    ("credentialSubject", "achievement", "name"),
    ("credentialSubject", "achievement", "description"),
]


def fetcher(client):
    def fetch(url):
        response = client.get(urlparse(url).path)
        assert response.status_code == 200, url
        return json.loads(response.content)

    return fetch


def field(document: dict, path: tuple):
    for key in path:
        document = document[key]
    return document


def issued(programme, trainer, language: str):
    enrolment = completed_enrolment(
        programme,
        trainer=trainer,
        first_name="Min-jun",
        last_name="Kim",
        preferred_language=language,
    )
    return services.certificate_issue(enrolment=enrolment, actor=trainer)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ko",
            {
                "name": "Seoul Program 2016 — 수료증",
                "achievement_name": "Seoul Program 2016 수료",
            },
        ),
        (
            "ru",
            {
                "name": "Seoul Program 2016 — сертификат об окончании",
                "achievement_name": "Окончание программы «Seoul Program 2016»",
            },
        ),
    ],
)
def test_names_and_descriptions_are_language_value_arrays(
    client, programme, trainer, language, expected
):
    certificate = issued(programme, trainer, language)
    fetch = fetcher(client)
    document = fetch(certificate.credential_url)
    for path in MULTILINGUAL:
        values = field(document, path)
        assert isinstance(values, list), path
        assert [v["@language"] for v in values] == ["en", language], path
        for value in values:
            assert set(value) == {"@value", "@language"}, path
            assert value["@value"].strip(), path
        english, other = (v["@value"] for v in values)
        assert english != other, (path, "the holder's language is translated")
    assert field(document, ("name",))[0]["@value"] == (
        "Seoul Program 2016 — certificate of completion"
    )
    assert field(document, ("name",))[1]["@value"] == expected["name"]
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"][0]["@value"] == "Completion of Seoul Program 2016"
    assert achievement["name"][1]["@value"] == expected["achievement_name"]
    assert "Min-jun Kim" in document["description"][1]["@value"]
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert verify_credential(document, fetch=fetch) == {
        "verified": True,
        "revoked": False,
    }


def test_an_english_holder_gets_english_only_arrays(client, programme, trainer):
    certificate = issued(programme, trainer, "en")
    document = fetcher(client)(certificate.credential_url)
    for path in MULTILINGUAL:
        assert [v["@language"] for v in field(document, path)] == ["en"], path


@pytest.mark.parametrize("path", MULTILINGUAL, ids=lambda p: ".".join(p))
def test_tampering_with_one_language_breaks_the_signature(
    client, programme, trainer, path
):
    certificate = issued(programme, trainer, "ko")
    fetch = fetcher(client)
    document = fetch(certificate.credential_url)
    forged = copy.deepcopy(document)
    field(forged, path)[1]["@value"] += "!"
    with pytest.raises(CredentialError):
        verify_credential(forged, fetch=fetch)
    forged = copy.deepcopy(document)
    field(forged, path)[1]["@language"] = "ja"
    with pytest.raises(CredentialError):
        verify_credential(forged, fetch=fetch)
    forged = copy.deepcopy(document)
    field(forged, path).reverse()
    with pytest.raises(CredentialError):
        verify_credential(forged, fetch=fetch)


def test_a_credential_downloaded_before_the_change_still_verifies(
    client, programme, trainer
):
    """Plain-string fields, as credentials were issued until now, signed with
    the same key: the verifier is indifferent to the shape."""
    certificate = issued(programme, trainer, "ko")
    fetch = fetcher(client)
    legacy = credentials.certificate_credential(certificate)
    for path in MULTILINGUAL:
        parent = field(legacy, path[:-1])
        parent[path[-1]] = text_in(parent[path[-1]], "en")
    legacy["name"] = "Seoul Program 2016 — certificate of completion"
    signed = credentials.sign(legacy, created=certificate.issued_at)
    assert verify_credential(signed, fetch=fetch)["verified"] is True
    signed["credentialSubject"]["achievement"]["name"] = "Another programme"
    with pytest.raises(CredentialError):
        verify_credential(signed, fetch=fetch)


def test_the_contexts_leave_name_and_description_uncoerced():
    """Language value objects are only valid where the context does not force
    a type or a container on the term (checked in the vendored copies)."""
    for url in credentials.CONTEXT_FILES:
        context = credentials.context_document(url)["@context"]
        scopes = [context, context.get("Achievement", {}).get("@context", {})]
        vc = context.get("VerifiableCredential", {})
        scopes.append(vc.get("@context", {}) if isinstance(vc, dict) else {})
        for scope in scopes:
            for term in ("name", "description"):
                definition = scope.get(term)
                if definition is None:
                    continue
                if isinstance(definition, dict):
                    assert "@type" not in definition, (url, term)
                    assert "@container" not in definition, (url, term)
                else:
                    assert definition == "https://schema.org/" + term


def test_text_in_reads_old_and_new_shapes():
    values = [
        {"@value": "Seoul Program 2016 — certificate of completion", "@language": "en"},
        {"@value": "Seoul Program 2016 — 수료증", "@language": "ko"},
    ]
    assert text_in(values, "ko") == "Seoul Program 2016 — 수료증"
    assert text_in(values, "fr").endswith("certificate of completion")
    assert text_in("plain", "ko") == "plain"
    assert text_in(None) == ""
