"""Co-organising partners on issued certificates; A4 and Letter downloads."""

import datetime
import importlib
import re
import shutil
import subprocess

import pytest
from django.apps import apps

from certificates import services
from certificates.models import Certificate
from cms.models import Partner
from tests.certificates.factories import completed_enrolment, default_template
from tests.factories import UserFactory
from tests.webinars.factories import webinar_page
from webinars.models import Presence, Registration, Series

SHRDC = "Seoul Human Resource Development Center"


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext"), "-", "-"], input=data, capture_output=True
    )
    return " ".join(out.stdout.decode().split())


def page_size(data: bytes) -> str:
    info = subprocess.run(
        [shutil.which("pdfinfo"), "-"], input=data, capture_output=True
    ).stdout.decode()
    return re.search(r"^Page size:\s+(.*)$", info, re.MULTILINE)[1]


@pytest.fixture
def partnered(programme):
    programme.partners.add(
        Partner.objects.create(name=SHRDC, short_name="SHRDC"),
        Partner.objects.create(name="Asian Development Bank", short_name="ADB"),
    )
    programme.save()
    return programme


def test_a_programme_certificate_names_its_partners(client, partnered, trainer):
    default_template()
    enrolment = completed_enrolment(partnered, trainer=trainer)
    certificate = services.certificate_issue(enrolment=enrolment, actor=trainer)
    certificate.refresh_from_db()
    assert certificate.partner_names == ["Asian Development Bank", SHRDC]
    response = client.get(certificate.pdf_url)
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert f"Asian Development Bank · {SHRDC}" in text
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert f"<dd>Asian Development Bank · {SHRDC}</dd>" in html
    # The partner is kept as issued: a later change to the programme does
    # not rewrite what the certificate says.
    partnered.partners.clear()
    certificate.refresh_from_db()
    assert certificate.partner_names == ["Asian Development Bank", SHRDC]


def test_a_webinar_certificate_names_its_series_partner(office):
    host = UserFactory()
    default_template()
    wbi = Partner.objects.create(name="World Bank Institute", short_name="World Bank")
    webinar = webinar_page(
        office,
        slug="smart-cities",
        starts_in=-datetime.timedelta(hours=3),
        hosts=[host],
        series=Series.objects.create(name="Smart Cities", partner=wbi),
    )
    user = UserFactory()
    Registration.objects.create(webinar=webinar, user=user)
    Presence.objects.create(
        webinar=webinar,
        user=user,
        joined_at=webinar.starts_at,
        last_seen_at=webinar.starts_at + datetime.timedelta(minutes=55),
        left_at=webinar.starts_at + datetime.timedelta(minutes=55),
    )
    certificate = services.webinar_certificate_issue(
        webinar=webinar, user=user, actor=host
    )
    assert certificate.partner_names == ["World Bank Institute"]


def test_certificates_issued_before_get_their_partners_from_the_programme(
    partnered, trainer
):
    enrolment = completed_enrolment(partnered, trainer=trainer)
    certificate, _created = services.certificate_ensure(
        enrolment=enrolment, actor=trainer
    )
    Certificate.objects.filter(pk=certificate.pk).update(partner_names=[])
    migration = importlib.import_module(
        "certificates.migrations.0004_certificate_partner_names"
    )
    migration.backfill_partners(apps, None)
    certificate.refresh_from_db()
    assert certificate.partner_names == ["Asian Development Bank", SHRDC]


def test_the_download_offers_a4_and_letter(client, programme, trainer, settings):
    default_template()
    enrolment = completed_enrolment(programme, trainer=trainer)
    certificate = services.certificate_issue(enrolment=enrolment, actor=trainer)

    def download(query=""):
        response = client.get(certificate.pdf_url + query)
        assert response.status_code == 200, response.content[:200]
        return response, b"".join(response.streaming_content)

    _response, data = download()
    assert "(A4)" in page_size(data)  # the holder's organisation is not in a
    response, data = download("?paper=letter")  # Letter country
    assert "(letter)" in page_size(data)
    assert "letter" in response["Content-Disposition"]
    _response, data = download("?paper=A4")
    assert "(A4)" in page_size(data)
    # The Letter copy is kept beside the holder's own, not re-rendered each time.
    from django.core.files.storage import default_storage

    assert default_storage.exists(f"certificates/pdf/{certificate.code}-letter.pdf")
    response = client.get(certificate.pdf_url + "?paper=legal")
    assert response.status_code == 400
    assert "paper=a4 or paper=letter" in response.content.decode()


def test_a_holder_in_a_letter_country_gets_letter_by_default(
    client, programme, trainer
):
    from lms.models import Organisation

    default_template()
    organisation = Organisation.objects.create(
        name="Quezon City", country="Philippines"
    )
    user = UserFactory(organisation=organisation)
    enrolment = completed_enrolment(programme, trainer=trainer, user=user)
    certificate = services.certificate_issue(enrolment=enrolment, actor=trainer)
    response = client.get(certificate.pdf_url)
    assert "(letter)" in page_size(b"".join(response.streaming_content))
    client.force_login(user)
    html = client.get("/my/certificates/").content.decode()
    # The holder's own size is the main button, the other one beside it.
    assert html.index("?paper=letter") < html.index("?paper=a4")


def test_my_certificates_offers_both_sizes(client, programme, trainer):
    default_template()
    enrolment = completed_enrolment(programme, trainer=trainer)
    certificate = services.certificate_issue(enrolment=enrolment, actor=trainer)
    client.force_login(enrolment.user)
    html = client.get("/my/certificates/").content.decode()
    assert f'href="{certificate.pdf_url}?paper=a4"' in html
    assert f'href="{certificate.pdf_url}?paper=letter"' in html
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert f'href="{certificate.pdf_url}?paper=letter"' in html
