"""What a restored platform shows, as JSON: ``python -m tests.ops.backup_probe CREDENTIAL``.

Run in a subprocess against the restored database and media folder. The
credential file is one downloaded before the backup: it must still verify
against the issuer profile the restored platform publishes.
"""

from __future__ import annotations

import hashlib
import json
import sys

import django

django.setup()

from django.test import Client  # noqa: E402

from certificates import credentials  # noqa: E402
from certificates.models import Certificate  # noqa: E402
from courses.models import Enrolment, ProgrammePage  # noqa: E402


def state() -> dict:
    return {
        "programmes": sorted(ProgrammePage.objects.values_list("title", flat=True)),
        "enrolments": sorted(
            f"{e.user.email} {e.programme.title} {e.status}"
            for e in Enrolment.objects.select_related("user", "programme")
        ),
        "certificates": sorted(
            f"{c.code} {c.user.email}"
            for c in Certificate.objects.select_related("user")
        ),
    }


def main(credential_path: str) -> None:
    result = state()
    certificate = Certificate.objects.select_related("user").order_by("pk").first()
    client = Client()
    client.force_login(certificate.user)
    response = client.get(certificate.pdf_url)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    result["pdf_status"] = response.status_code
    result["pdf_sha256"] = hashlib.sha256(body).hexdigest()
    credential = json.loads(open(credential_path).read())
    profile = credentials.issuer_profile()
    key = credentials.resolve_public_key(
        profile, credential["proof"]["verificationMethod"]
    )
    try:
        credentials.verify(credential, public_key=key)
        result["credential"] = "verified"
    except credentials.CredentialError as exc:
        result["credential"] = f"refused: {exc}"
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
