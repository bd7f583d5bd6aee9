"""Headers and CSP on public pages, uploads checked by content and size,
log-in lock-out, and no secret committed to the repository.

``check --deploy`` in production mode is covered by
``tests/lms/test_settings.py::test_production_settings_pass_the_deploy_check``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lms.errors import DomainError
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _public_urls(world):
    return [
        "/",
        world.programme_x.url,
        world.webinar.url,
        world.webinar.url + "live/",
        "/search/?q=open+data",
        "/accounts/login/",
        "/accounts/signup/",
        "/certificates/verify/",
    ]


def test_public_pages_send_security_headers_and_a_csp_without_inline_scripts(world):
    client = Client()
    for url in _public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        directives = dict(
            (part.strip().split(" ", 1) + [""])[:2]
            for part in csp.split(";")
            if part.strip()
        )
        script_src = directives.get("script-src", directives.get("default-src", ""))
        assert "'unsafe-inline'" not in script_src, (url, csp)
        assert "'unsafe-eval'" not in script_src, (url, csp)
        assert "object-src" in directives and "'none'" in directives["object-src"], url
        assert "frame-ancestors" in directives or response.get("X-Frame-Options"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response.get("Referrer-Policy"), url
        # Nothing inline runs unless it carries this response's nonce.
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert (
                "src=" in tag
                or "nonce=" in tag
                or "application/json" in tag
                or ("application/ld+json" in tag)
            ), (url, tag)
        assert not re.search(r"<[^>]+\sstyle=\"", html), f"inline style= on {url}"


def _pdf(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return body + b"0" * max(0, size - len(body))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("letter.pdf", b"<html><script>alert(1)</script></html>", "not_a_pdf"),
        ("letter.pdf", b"MZ\x90\x00 executable pretending", "not_a_pdf"),
        ("letter.pdf", _pdf(5 * 1024 * 1024 + 1), "file_too_large"),
    ],
)
def test_letter_of_intent_is_checked_by_content_and_size(world, name, content, code):
    from courses.models import Enrolment
    from courses.services import enrolment_apply

    programme = world.programme_y
    programme.accepts_letter_of_intent = True
    programme.save_revision().publish()
    programme.refresh_from_db()
    user = UserFactory(email="applicant@city.example")
    from tests.courses.factories import give_skill

    give_skill(user)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(DomainError) as error:
        enrolment_apply(programme=programme, user=user, answers={}, letter=upload)
    assert error.value.code == code
    assert not Enrolment.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<svg onload=alert(1)></svg>", "not_a_pdf"),
        (_pdf(10 * 1024 * 1024 + 1), "file_too_large"),
    ],
)
def test_presentation_upload_is_checked_by_content_and_size(world, content, code):
    from courses.models import ParticipantPresentation, Session, SessionKind
    from courses.services import presentation_upload

    session = world.programme_x.sessions.first()
    Session.objects.filter(pk=session.pk).update(
        kind=SessionKind.PARTICIPANT_PRESENTATION
    )
    upload = SimpleUploadedFile("slides.pdf", content, content_type="application/pdf")
    with pytest.raises(DomainError) as error:
        presentation_upload(
            enrolment=world.enrolment, user=world.participant, title="Ours", file=upload
        )
    assert error.value.code == code
    assert not ParticipantPresentation.objects.exists()


def test_a_real_pdf_presentation_is_accepted(world):
    from courses.models import Session, SessionKind
    from courses.services import presentation_upload

    session = world.programme_x.sessions.first()
    Session.objects.filter(pk=session.pk).update(
        kind=SessionKind.PARTICIPANT_PRESENTATION
    )
    upload = SimpleUploadedFile("slides.pdf", _pdf(), content_type="application/pdf")
    presentation = presentation_upload(
        enrolment=world.enrolment, user=world.participant, title="Ours", file=upload
    )
    assert presentation.pk


def test_brute_force_locks_the_account_even_for_the_right_password(db, settings):
    user = UserFactory(email="target@city.example")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 5):
        response = client.post(
            "/accounts/login/", {"login": user.email, "password": "wrong-guess"}
        )
        assert response.status_code in (200, 403, 429)
        assert "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session, "a locked account must stay locked"
    # One lock-out policy for every door (lms.signin): axes' page, 429.
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    # Another person from another address is not locked by these failures.
    other = UserFactory(email="bystander@city.example")
    response = Client(REMOTE_ADDR="192.0.2.10").post(
        "/accounts/login/", {"login": other.email, "password": PASSWORD}
    )
    assert response.status_code == 302


SECRET_PATTERNS = {
    "private key": re.compile(
        r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"
    ),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b"),
    "SECRET_KEY literal": re.compile(r"SECRET_KEY\s*=\s*['\"][^'\"]{8,}['\"]"),
}


def _allowed(name: str, found: str, path: str) -> bool:
    """The documented development default, and throw-away keys set by tests."""
    if name != "SECRET_KEY literal":
        return False
    value = found.split("=", 1)[1].strip().strip("'\"")
    return value.startswith("dev-only") or (
        path.startswith("tests/") and "test" in value
    )


def test_no_secret_is_committed():
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    assert len(files) > 50, "git ls-files found too few files"
    findings = []
    for raw in files:
        if not raw:
            continue
        path = ROOT / raw.decode()
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        for name, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                if _allowed(name, match.group(0), raw.decode()):
                    continue
                line = text[: match.start()].count("\n") + 1
                findings.append(f"{raw.decode()}:{line}: {name}")
    assert not findings, "\n".join(findings)


def test_the_secret_scanner_recognises_what_it_looks_for():
    samples = {
        "private key": "-----BEGIN " + "PRIVATE KEY-----",
        "AWS access key": "AKIA" + "ABCDEFGHIJKLMNOP",
        "SECRET_KEY literal": "SECRET_KEY = " + '"abcdefghijkl"',
    }
    for name, sample in samples.items():
        assert SECRET_PATTERNS[name].search(sample), name
