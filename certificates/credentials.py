"""Open Badges 3.0 credentials: signed W3C Verifiable Credentials for certificates.

Each certificate is published as an ``OpenBadgeCredential`` secured with a
``DataIntegrityProof`` using the ``eddsa-jcs-2022`` cryptosuite (JSON
Canonicalization Scheme, RFC 8785, then Ed25519), so any verifier can check it
with the public key in the issuer profile, years later, without calling us.
Revocation is published as a signed ``BitstringStatusListCredential`` (W3C
Bitstring Status List); each credential's ``credentialStatus`` points at its
bit. JCS needs no JSON-LD processing, so no context is ever fetched; the two
contexts are vendored in ``certificates/standards/`` for verifiers that do.
"""

import base64
import copy
import gzip
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PublicKey,
)
from django.conf import settings

from lms.keys import (
    B58_ALPHABET,
    ED25519_PUB_MULTICODEC,
    b58encode,
    public_key_multibase,
    signing_key,
)
from lms.links import base_url

from .credential_texts import multilingual_fields

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STANDARDS_DIR = Path(__file__).resolve().parent / "standards"
CONTEXT_FILES = {
    VC_V2: STANDARDS_DIR / "credentials-v2.jsonld",
    OB_V3: STANDARDS_DIR / "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-jcs-2022"
# The spec's minimum list length (16 KiB of bits) gives herd privacy.
STATUS_LIST_SIZE = 131072
STATUS_LIST_ID = 1


class CredentialError(Exception):
    """A credential or status list failed verification."""


# --- encodings ---------------------------------------------------------------


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = B58_ALPHABET.find(char)
        if index < 0:
            raise CredentialError("not base58btc")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def context_document(url: str) -> dict:
    """A document loader for JSON-LD processors: our vendored copies, never the web."""
    path = CONTEXT_FILES.get(url)
    if path is None:
        raise CredentialError(f"unknown context {url}")
    return json.loads(path.read_text())


# --- keys ----------------------------------------------------------------------
# The signing key itself and its published form live in ``lms.keys``
# (backups need them too).


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise CredentialError("publicKeyMultibase must be base58btc")
    data = b58decode(value[1:])
    if data[:2] != ED25519_PUB_MULTICODEC or len(data) != 34:
        raise CredentialError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


# --- URLs ------------------------------------------------------------------------


def _base() -> str:
    return base_url()


def issuer_id() -> str:
    return f"{_base()}/certificates/issuer.json"


def verification_method_id() -> str:
    return f"{issuer_id()}#key-1"


def status_list_url(list_id: int = STATUS_LIST_ID) -> str:
    return f"{_base()}/certificates/status/{list_id}.json"


def verify_url(code: str) -> str:
    return f"{_base()}/certificates/verify/{code}/"


def credential_url(code: str) -> str:
    return f"{_base()}/certificates/{code}/credential.json"


def _iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


# --- documents -------------------------------------------------------------------


def issuer_profile() -> dict:
    """The issuer ``Profile`` with its verification key, served at issuer.json."""
    key = signing_key().public_key()
    return {
        "@context": [VC_V2, OB_V3],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": "WeGO — World Smart Sustainable Cities Organization",
        "url": _base() + "/",
        "email": settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">"),
        "verificationMethod": [
            {
                "id": verification_method_id(),
                "type": "Multikey",
                "controller": issuer_id(),
                "publicKeyMultibase": public_key_multibase(key),
            }
        ],
        "assertionMethod": [verification_method_id()],
    }


def _issuer_reference() -> dict:
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": "WeGO — World Smart Sustainable Cities Organization",
        "url": _base() + "/",
    }


def certificate_credential(certificate) -> dict:
    """The unsigned ``OpenBadgeCredential`` of a certificate (data from the DB row).

    ``name`` and ``description``, the credential's and the achievement's, are
    arrays of language value objects in English and the holder's language
    (``credential_texts``); the criteria narrative stays English.
    """
    dates = certificate.dates_display
    hours = f" ({certificate.hours_display} hours)" if certificate.hours_display else ""
    achievement_id = (
        f"{_base()}/certificates/achievements/{certificate.achievement_key}"
    )
    office = certificate.office_name
    if certificate.webinar_id:
        minutes = certificate.minutes_attended
        narrative = (
            f"Attended the webinar {certificate.programme_title}{hours}"
            f"{', ' + dates if dates else ''}"
            f"{', organised by ' + office if office else ''}"
            f"{f', present for {minutes} minutes' if minutes else ''}"
            ", meeting the webinar's minimum presence."
        )
    else:
        narrative = (
            f"Attended {certificate.programme_title}{hours}"
            f"{', ' + dates if dates else ''}"
            f"{', organised by ' + office if office else ''}"
            ", and had completion confirmed by its trainers."
        )
    texts = multilingual_fields(certificate)
    return {
        "@context": [VC_V2, OB_V3],
        "id": credential_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _issuer_reference(),
        "validFrom": _iso(certificate.issued_at),
        "name": texts["name"],
        "description": texts["description"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$"
                    + hashlib.sha256(
                        (certificate.holder_email or "").lower().encode()
                        + certificate.code.encode()
                    ).hexdigest(),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": certificate.code,
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": texts["achievement_name"],
                "description": texts["achievement_description"],
                "criteria": {"narrative": narrative},
            },
        },
        "evidence": [
            {
                "id": verify_url(certificate.code),
                "type": ["Evidence"],
                "name": "Public verification page",
            }
        ],
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_list_index),
            "statusListCredential": status_list_url(),
        },
    }


def encode_bitstring(revoked_indexes, size: int = STATUS_LIST_SIZE) -> str:
    """GZIP + base64url (no padding) + multibase ``u``; index 0 is the leftmost bit."""
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise CredentialError(f"status index {index} out of range")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise CredentialError("encodedList must be multibase base64url")
    body = encoded[1:]
    body += "=" * (-len(body) % 4)
    return gzip.decompress(base64.urlsafe_b64decode(body))


def status_list_credential(revoked_indexes, *, valid_from: datetime) -> dict:
    """The unsigned ``BitstringStatusListCredential`` listing revoked indexes."""
    url = status_list_url()
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked_indexes),
        },
    }


# --- Data Integrity: eddsa-jcs-2022 ---------------------------------------------


def _hash_data(document: dict, proof_config: dict) -> bytes:
    return (
        hashlib.sha256(rfc8785.dumps(proof_config)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )


def sign(document: dict, *, created: datetime, key=None) -> dict:
    """A copy of ``document`` with a ``DataIntegrityProof`` (eddsa-jcs-2022)."""
    key = key or signing_key()
    unsecured = copy.deepcopy(document)
    unsecured.pop("proof", None)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created),
        "verificationMethod": verification_method_id(),
        "proofPurpose": "assertionMethod",
    }
    config = {**proof, "@context": unsecured["@context"]}
    signature = key.sign(_hash_data(unsecured, config))
    return {**unsecured, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


def verify(secured: dict, *, public_key: Ed25519PublicKey) -> None:
    """Raise ``CredentialError`` unless the proof is a valid eddsa-jcs-2022 signature."""
    if not isinstance(secured, dict) or not isinstance(secured.get("proof"), dict):
        raise CredentialError("no proof")
    proof = dict(secured["proof"])
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != (
        CRYPTOSUITE
    ):
        raise CredentialError("unsupported proof")
    if proof.get("proofPurpose") != "assertionMethod":
        raise CredentialError("wrong proof purpose")
    value = proof.pop("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        raise CredentialError("proofValue must be base58btc")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    config = {**proof, "@context": unsecured.get("@context")}
    try:
        public_key.verify(b58decode(value[1:]), _hash_data(unsecured, config))
    except InvalidSignature as exc:
        raise CredentialError("signature does not verify") from exc


def resolve_public_key(profile: dict, verification_method: str) -> Ed25519PublicKey:
    for method in profile.get("verificationMethod", []):
        if method.get("id") == verification_method and method.get("type") == (
            "Multikey"
        ):
            return public_key_from_multibase(method["publicKeyMultibase"])
    raise CredentialError("verification method not in the issuer profile")


def verify_credential(credential: dict, *, fetch) -> dict:
    """Verify a certificate credential the way an outside verifier would.

    ``fetch(url) -> dict`` retrieves published documents (issuer profile,
    status list). Checks the credential's signature against the key the issuer
    publishes, then the status list credential's own signature (a bare bit is
    worthless if the list could be forged), then the bit. Returns
    ``{"verified": True, "revoked": bool}``; raises ``CredentialError`` on any
    broken signature or inconsistent reference.
    """
    proof = credential.get("proof") or {}
    method = proof.get("verificationMethod", "")
    issuer = credential.get("issuer", {})
    issuer_url = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(method, str) or method.split("#")[0] != issuer_url:
        raise CredentialError("the key does not belong to the issuer")
    profile = fetch(issuer_url)
    public_key = resolve_public_key(profile, method)
    verify(credential, public_key=public_key)

    status = credential.get("credentialStatus")
    if not status:
        return {"verified": True, "revoked": False}
    if status.get("type") != "BitstringStatusListEntry":
        raise CredentialError("unsupported credentialStatus")
    status_list = fetch(status["statusListCredential"])
    list_method = (status_list.get("proof") or {}).get("verificationMethod", "")
    if list_method.split("#")[0] != issuer_url or status_list.get("issuer") != (
        issuer_url
    ):
        raise CredentialError("status list not published by the issuer")
    verify(status_list, public_key=resolve_public_key(profile, list_method))
    subject = status_list["credentialSubject"]
    if subject.get("statusPurpose") != status.get("statusPurpose"):
        raise CredentialError("status purpose mismatch")
    bits = decode_bitstring(subject["encodedList"])
    index = int(status["statusListIndex"])
    if not 0 <= index < len(bits) * 8:
        raise CredentialError("status index out of range")
    revoked = bool(bits[index // 8] & (0x80 >> (index % 8)))
    return {"verified": True, "revoked": revoked}
