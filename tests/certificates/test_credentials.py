import copy
import json
from urllib.parse import urlparse

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import credentials, services
from certificates.credentials import CredentialError, verify_credential


@pytest.fixture
def certificate(completed, trainer):
    return services.certificate_issue(enrolment=completed, actor=trainer)


def fetcher(client):
    """Fetch published documents through the site, as an outside verifier would."""

    def fetch(url):
        response = client.get(urlparse(url).path)
        assert response.status_code == 200, url
        return json.loads(response.content)

    return fetch


def test_credential_is_an_open_badge_with_status_and_proof(client, certificate):
    response = client.get(f"/certificates/{certificate.code}/credential.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == (
        "https://learning.wego.example/certificates/issuer.json"
    )
    assert document["issuer"]["type"] == ["Profile"]
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == certificate.holder_name
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == [
        {"@value": "Completion of Seoul Program 2016", "@language": "en"}
    ]
    assert achievement["criteria"]["narrative"]
    assert document["validFrom"].endswith("Z")
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.status_list_index)
    assert status["statusListCredential"] == (
        "https://learning.wego.example/certificates/status/1.json"
    )
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["verificationMethod"].endswith("/certificates/issuer.json#key-1")
    assert proof["proofValue"].startswith("z")


@pytest.mark.django_db
def test_issuer_profile_publishes_a_multikey(client):
    profile = json.loads(client.get("/certificates/issuer.json").content)
    method = profile["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["publicKeyMultibase"].startswith("z6Mk")  # Ed25519 multikey
    assert profile["assertionMethod"] == [method["id"]]


def test_signature_verifies_with_the_published_key(client, certificate):
    fetch = fetcher(client)
    document = fetch(f"/certificates/{certificate.code}/credential.json")
    assert verify_credential(document, fetch=fetch) == {
        "verified": True,
        "revoked": False,
    }


def test_changing_one_character_breaks_the_signature(client, certificate):
    fetch = fetcher(client)
    document = fetch(f"/certificates/{certificate.code}/credential.json")
    forged = copy.deepcopy(document)
    name = forged["credentialSubject"]["name"]
    forged["credentialSubject"]["name"] = ("X" if name[0] != "X" else "Y") + name[1:]
    with pytest.raises(CredentialError):
        verify_credential(forged, fetch=fetch)
    forged = copy.deepcopy(document)
    forged["proof"]["created"] = "1999" + forged["proof"]["created"][4:]
    with pytest.raises(CredentialError):
        verify_credential(forged, fetch=fetch)


def test_a_key_not_published_by_the_issuer_is_refused(client, certificate):
    fetch = fetcher(client)
    document = credentials.certificate_credential(certificate)
    signed = credentials.sign(
        document, created=certificate.issued_at, key=Ed25519PrivateKey.generate()
    )
    with pytest.raises(CredentialError):
        verify_credential(signed, fetch=fetch)


def test_a_revoked_certificate_reads_as_revoked_through_the_status_list(
    client, certificate, secretariat
):
    fetch = fetcher(client)
    document = fetch(f"/certificates/{certificate.code}/credential.json")
    services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Issued in error."
    )
    assert verify_credential(document, fetch=fetch) == {
        "verified": True,
        "revoked": True,
    }


def test_a_forged_status_list_is_rejected(client, certificate, secretariat):
    fetch = fetcher(client)
    document = fetch(f"/certificates/{certificate.code}/credential.json")
    services.certificate_revoke(certificate=certificate, actor=secretariat, reason="x")
    status_list = fetch("/certificates/status/1.json")
    # Someone clears the bit without the issuer's key.
    status_list["credentialSubject"]["encodedList"] = credentials.encode_bitstring([])

    def forged_fetch(url):
        return status_list if url.endswith("/status/1.json") else fetch(url)

    with pytest.raises(CredentialError):
        verify_credential(document, fetch=forged_fetch)


def test_status_list_is_signed_gzip_base64url_multibase(client, certificate):
    status_list = json.loads(client.get("/certificates/status/1.json").content)
    assert status_list["type"] == [
        "VerifiableCredential",
        "BitstringStatusListCredential",
    ]
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["encodedList"].startswith("u")
    bits = credentials.decode_bitstring(subject["encodedList"])
    assert len(bits) * 8 == credentials.STATUS_LIST_SIZE
    assert not any(bits)
    assert client.get("/certificates/status/2.json").status_code == 404


def test_bitstring_index_zero_is_the_leftmost_bit():
    bits = credentials.decode_bitstring(credentials.encode_bitstring([0, 9]))
    assert bits[0] == 0x80
    assert bits[1] == 0x40


def test_base58_round_trip():
    for data in (b"", b"\0\0abc", bytes(range(40))):
        assert credentials.b58decode(credentials.b58encode(data)) == data


def test_development_key_is_generated_once_and_reused(settings):
    first = credentials.signing_key().public_key()
    second = credentials.signing_key().public_key()
    assert credentials.public_key_multibase(first) == credentials.public_key_multibase(
        second
    )
    assert settings.DEV_SIGNING_KEY_PATH.exists()


def test_configured_signing_key_is_used(settings):
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    assert credentials.public_key_multibase(
        credentials.signing_key().public_key()
    ) == credentials.public_key_multibase(key.public_key())
    assert not settings.DEV_SIGNING_KEY_PATH.exists()


@pytest.mark.django_db
def test_vendored_contexts_are_served_locally(client):
    for url in credentials.CONTEXT_FILES:
        assert "@context" in credentials.context_document(url)
    response = client.get("/certificates/contexts/credentials-v2.jsonld")
    assert response.status_code == 200
