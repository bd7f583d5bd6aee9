"""Absolute links name the server that serves (issue 15, minor "links").

With ``make run PORT=8101`` every absolute link said ``127.0.0.1:8000`` and the
API's ``url``, the e-mails' "Programme page" and .ics URLs ``http://localhost/``
(the Wagtail Site's hostname).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from icalendar import Calendar
from rest_framework.test import APIClient

from courses.calendar import programme_ics
from tests.courses.factories import enrol, make_programme, site_tree
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SERVED = "http://127.0.0.1:8161"


def _base_url_with(env: dict) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BASE_URL", "WEGO_SERVED_URL", "DATABASE_URL", "REDIS_URL")
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="lms.settings.base")
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.BASE_URL))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_base_url_is_the_served_address_unless_set():
    assert _base_url_with({}) == "http://127.0.0.1:8000"
    assert _base_url_with({"WEGO_SERVED_URL": SERVED}) == SERVED
    assert (
        _base_url_with(
            {"WEGO_SERVED_URL": SERVED, "BASE_URL": "https://learning.wego.example/"}
        )
        == "https://learning.wego.example"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["PORT=8161"], "http://127.0.0.1:8161"),
        (["HOST=0.0.0.0", "PORT=8162"], "http://127.0.0.1:8162"),
        ([], "http://127.0.0.1:8000"),
    ],
)
def test_make_tells_every_step_which_server_it_starts(args, expected):
    env = {k: v for k, v in os.environ.items() if k not in ("WEGO_SERVED_URL", "PORT")}
    out = subprocess.run(
        [
            "make",
            "-s",
            "--eval",
            "served-url: ; @echo $$WEGO_SERVED_URL",
            "served-url",
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected


@pytest.fixture
def served(settings):
    settings.BASE_URL = SERVED
    settings.WAGTAILADMIN_BASE_URL = SERVED


def test_api_and_ics_urls_name_the_served_host_not_the_site_record(served, db):
    programme = make_programme(office=site_tree()[1])
    api = APIClient()
    listed = api.get("/api/v1/programmes/").json()["results"][0]
    assert listed["url"] == SERVED + programme.url
    detail = api.get(f"/api/v1/programmes/{programme.pk}/").json()
    assert detail["url"] == SERVED + programme.url
    event = Calendar.from_ical(programme_ics(programme)).walk("VEVENT")[0]
    assert str(event["url"]) == SERVED + programme.url


def test_emails_link_to_the_served_host(served, db, django_capture_on_commit_callbacks):
    from courses import services

    programme = make_programme(office=site_tree()[1])
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_apply(programme=programme, user=user, answers={})
    body = mail.outbox[-1].body
    assert f"{SERVED}{programme.url}" in body
    assert "http://localhost/" not in body and "127.0.0.1:8000" not in body


def test_certificate_links_and_credential_ids_name_the_served_host(
    served, db, settings, tmp_path
):
    from certificates.credentials import certificate_credential
    from certificates.services import certificate_issue
    from tests.certificates.factories import completed_enrolment

    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_PATH = tmp_path / "dev-signing-key.pem"
    staff = UserFactory(is_staff=True, is_superuser=True)
    enrolment = completed_enrolment(
        make_programme(office=site_tree()[1]), trainer=staff
    )
    certificate = certificate_issue(enrolment=enrolment, actor=staff)
    api = APIClient()
    data = api.get(f"/api/v1/certificates/{certificate.code}/").json()
    for field in ("verify_url", "pdf_url", "credential_url"):
        if field in data:
            assert data[field].startswith(SERVED + "/"), (field, data[field])
    credential = certificate_credential(certificate)
    assert credential["id"].startswith(SERVED + "/")
    issuer = credential["issuer"]
    assert (issuer["id"] if isinstance(issuer, dict) else issuer).startswith(SERVED)


def test_seeding_makes_the_site_record_match(served, db):
    from wagtail.models import Site

    from cms.demo import ensure_home

    ensure_home()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8161)
    assert site.root_url == SERVED


def test_every_confirmed_participant_link_is_absolute(served, db):
    """The programme page's own link in the roster e-mail context."""
    programme = make_programme(office=site_tree()[1])
    enrol(programme, UserFactory())
    from courses.services.notifications import _context

    context = _context(programme.enrolments.get())
    assert context["programme_url"] == SERVED + programme.url
    assert context["my_url"] == SERVED + "/my/programmes/"
