"""Every certificate renders as exactly one A4 page, whatever its texts.

Landscape and portrait, English alone and with Korean (CJK font) or Russian,
programme and webinar wording, and deliberately long names, organisations and
titles (the compact layout): a second page would mean text pushed off the
certificate.
"""

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateTemplate
from certificates.pdf import certificate_context, render_certificate_pdf

LONG = {
    "holder_name": "Maria Fernanda de los Ángeles Rodríguez-Villanueva",
    "organisation_name": "Metropolitan Municipality of the Autonomous City of "
    "Buenos Aires, Department of Digital Government",
    "programme_title": "Seoul Program 2016: e-Government for Sustainable Smart "
    "Cities, Advanced Course",
}


def page_count(data: bytes) -> int:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run(
            [pdfinfo, "-"], input=data, capture_output=True, timeout=30, check=True
        ).stdout.decode()
        return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))
    counts = re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", data, re.DOTALL)
    return int(counts[0])


def template(orientation: str) -> CertificateTemplate:
    return CertificateTemplate(
        title="Certificate of Completion",
        orientation=orientation,
        signatory_1_name="Secretary General",
        signatory_1_title="WeGO Secretariat",
        signatory_2_name="Programme Director",
        signatory_2_title="Seoul Human Resource Development Center",
        signatory_3_name="Head of Training",
        signatory_3_title="Eurasia Regional Office, Ulyanovsk Region",
    )


def certificate(*, orientation, language, webinar=False, long=False, explicit=True):
    values = {
        "code": "WG-R8HK-7HDB-YVJP-KWHW-34YH-X",
        "holder_name": "Nguyen Thi Lan",
        "organisation_name": "Hanoi",
        "organisation_country": "Viet Nam",
        "programme_title": "Seoul Program 2016",
        "starts_on": date(2016, 10, 10),
        "ends_on": date(2016, 10, 21),
        "hours": Decimal("60"),
        "office_name": "WeGO Secretariat",
        "language": language,
        "issued_at": timezone.now(),
        "template": template(orientation) if explicit else None,
        "status_list_index": 0,
        **(LONG if long else {}),
    }
    cert = Certificate(**values)
    if webinar:
        cert.webinar_id = 1
        cert.programme_title = "Using the CeDS self-assessment tool"
        cert.minutes_attended = 70
    return cert


CASES = [
    pytest.param(o, lang, webinar, long, id=f"{o}-{lang or 'en'}-{kind}-{size}")
    for o in ("landscape", "portrait")
    for lang in ("", "ko")
    for webinar, kind in ((False, "programme"), (True, "webinar"))
    for long, size in ((False, "short"), (True, "long"))
] + [
    pytest.param(o, "ru", False, True, id=f"{o}-ru-programme-long")
    for o in ("landscape", "portrait")
]


@pytest.mark.parametrize(("orientation", "language", "webinar", "long"), CASES)
def test_every_certificate_is_one_page(orientation, language, webinar, long):
    data = render_certificate_pdf(
        certificate(
            orientation=orientation, language=language, webinar=webinar, long=long
        )
    )
    assert data.startswith(b"%PDF-")
    assert page_count(data) == 1


def test_webinar_without_template_uses_the_default_look_with_attendance_wording(db):
    CertificateTemplate.objects.create(
        title="Certificate of Completion",
        is_default=True,
        orientation="portrait",
        signatory_1_name="Secretary General",
    )
    context = certificate_context(
        certificate(orientation="portrait", language="ko", webinar=True, explicit=False)
    )
    assert context["title"] == "Certificate of attendance"
    assert context["orientation"] == "portrait"
    assert context["body"].startswith(
        "This is to certify that Nguyen Thi Lan of Hanoi attended the webinar "
        "Using the CeDS self-assessment tool"
    )
    assert context["en"]["completed"] == "for attending the webinar"
    assert [p["name"] for p in context["signatories"]] == ["Secretary General"]
    assert (
        page_count(
            render_certificate_pdf(
                certificate(
                    orientation="portrait", language="ko", webinar=True, explicit=False
                )
            )
        )
        == 1
    )


def test_long_texts_switch_to_the_compact_layout():
    short = certificate_context(certificate(orientation="landscape", language=""))
    long = certificate_context(
        certificate(orientation="landscape", language="", long=True)
    )
    assert (short["compact"], long["compact"]) == (False, True)
