"""The platform's Ed25519 signing key and how its public half is published.

Certificates sign their credentials with it; backups record its public half
and carry the development key file. The key is ``CERTIFICATE_SIGNING_KEY``
(PEM) when set; otherwise a development key generated once into
``DEV_SIGNING_KEY_PATH`` (under the git-ignored ``var/``) and reused, so
credentials stay verifiable across restarts of a development machine.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

ED25519_PUB_MULTICODEC = b"\xed\x01"
B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_key_lock = threading.Lock()


class SigningKeyError(ValueError):
    """The configured signing key is not an Ed25519 key."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = B58_ALPHABET[rem] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def signing_key() -> Ed25519PrivateKey:
    """The issuer's Ed25519 key: ``CERTIFICATE_SIGNING_KEY`` (PEM), else a dev key."""
    pem = settings.CERTIFICATE_SIGNING_KEY
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError("CERTIFICATE_SIGNING_KEY must be an Ed25519 key")
        return key
    path = Path(settings.DEV_SIGNING_KEY_PATH)
    with _key_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            key = Ed25519PrivateKey.generate()
            data = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.chmod(0o600)
            tmp.replace(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return key


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """The public key as verifiers read it (``publicKeyMultibase``)."""
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return "z" + b58encode(ED25519_PUB_MULTICODEC + raw)
