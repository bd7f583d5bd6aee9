"""PDF rendering with WeasyPrint: certificates and the learning-record transcript.

Fixed strings come from gettext, rendered once in English and once more in the
holder's language under ``translation.override`` — one record, two languages.
WeGO's mark and the QR code (segno) are inline SVG, drawn as vectors; the
fonts are Noto, found through fontconfig (``pdf_fonts``) and embedded as
subsets. A4 unless the holder's country uses Letter (``pdf_paper``).
"""

import functools
import logging
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lms.links import base_url
from lms.timefmt import format_date

from .credentials import verify_url
from .pdf_fonts import font_stacks
from .pdf_paper import PAPER_CSS, page_mm, paper_for

logger = logging.getLogger(__name__)

SECOND_LANGUAGES = ("ko", "ru", "es", "fr")
FIXED_STRINGS = {
    "heading": _("Certificate of completion"),
    "awarded": _("This certificate is awarded to"),
    "completed": _("for completing the programme"),
    "dates": _("Dates"),
    "hours": _("Hours"),
    "office": _("Organised by"),
    "code": _("Verification code"),
    "verify": _("Check this certificate at"),
    "issued": _("Issued on"),
    "heading_attendance": _("Certificate of attendance"),
    "attended": _("for attending the webinar"),
    "partners": _("Co-organised with"),
    "statement": _(
        "This is to certify that %(participant)s completed the programme %(programme)s."
    ),
    "statement_attendance": _(
        "This is to certify that %(participant)s attended the webinar %(programme)s."
    ),
}
ISSUER_NAME = "World Smart Sustainable Cities Organization"
# Page margin and the printed sheet's inner padding, in millimetres.
PAGE_MARGIN_MM = 8
_local = threading.local()


def second_language(code: str | None) -> str:
    """The holder's language when it is one we print besides English."""
    code = (code or "").split("-")[0].lower()
    return code if code in SECOND_LANGUAGES else ""


@functools.lru_cache(maxsize=16)
def fixed_strings(language: str) -> dict:
    """The certificate's fixed wording in one language (cached per process)."""
    with translation.override(language):
        return {key: str(value) for key, value in FIXED_STRINGS.items()}


def qr_svg(url: str) -> str:
    """An inline SVG QR code (error correction M, dark on white)."""
    return segno.make(url, error="m").svg_inline(
        scale=3, border=2, dark="#111111", light="#ffffff", omitsize=False
    )


def _image_src(image, *, preview: bool) -> str:
    if image is None:
        return ""
    try:
        if preview:
            return image.file.url
        return Path(image.file.path).as_uri()
    except (ValueError, NotImplementedError, OSError):
        return ""


def certificate_values(certificate) -> dict:
    return {
        "participant": certificate.holder_name,
        "organisation": certificate.organisation_name,
        "programme": certificate.programme_title,
        "dates": certificate.dates_display,
        "hours": certificate.hours_display,
        "office": certificate.office_name,
    }


def _strings(language: str, *, webinar: bool) -> dict:
    strings = fixed_strings(language)
    if not webinar:
        return strings
    return {
        **strings,
        "heading": strings["heading_attendance"],
        "completed": strings["attended"],
        "statement": strings["statement_attendance"],
    }


def _second_texts(certificate, language: str, strings: dict) -> dict:
    """The holder-language lines: the statement and the dates."""
    values = {
        "participant": certificate.holder_name,
        "programme": certificate.programme_title,
    }
    start, end = certificate.starts_on, certificate.ends_on
    return {
        "statement": strings["statement"] % values,
        "dates": format_date(
            start or end, end=end if start else None, language=language
        ),
        "issued": format_date(certificate.issued_at, language=language),
    }


def _default_template():
    from .models import CertificateTemplate

    return (
        CertificateTemplate.objects.filter(is_default=True).order_by("pk").first()
        or CertificateTemplate.objects.order_by("pk").first()
    )


def _facts(certificate, en: dict, second: dict | None, texts: dict | None) -> list:
    """The facts row: (key, value, value in the holder's language or "")."""
    texts = texts or {}
    issued = format_date(certificate.issued_at, language="en")
    rows = [
        ("dates", certificate.dates_display, texts.get("dates", "")),
        ("hours", certificate.hours_display, ""),
        ("office", certificate.office_name, ""),
        ("issued", issued, texts.get("issued", "")),
    ]
    return [
        {
            "label": en[key],
            "label_second": second[key] if second else "",
            "value": value,
            "value_second": other if other and other != value else "",
        }
        for key, value, other in rows
        if value
    ]


def _geometry(paper: str, orientation: str) -> dict:
    width, height = page_mm(paper, orientation)
    return {
        "paper": paper,
        "paper_css": PAPER_CSS[paper],
        "page_width": width,
        "page_height": height,
        "sheet_width": round(width - 2 * PAGE_MARGIN_MM, 1),
        "sheet_height": round(height - 2 * PAGE_MARGIN_MM, 1),
        "margin": PAGE_MARGIN_MM,
    }


def certificate_context(
    certificate, *, preview: bool = False, paper: str | None = None
) -> dict:
    from .models import WEBINAR_DEFAULT_BODY

    template = certificate.template
    second = second_language(certificate.language)
    webinar = certificate.webinar_id is not None
    values = certificate_values(certificate)
    title = template.title if template else None
    if template:
        body = template.render_body(values)
    elif webinar:
        # No template chosen for the webinar: the default template's look
        # (logo, signatories, orientation) with wording for attendance.
        template = _default_template()
        title = None
        body = WEBINAR_DEFAULT_BODY.format_map(values)
    else:
        body = certificate.programme_title
    en = _strings("en", webinar=webinar)
    signatories = []
    for person in template.signatories if template else []:
        signatories.append(
            {
                **person,
                "signature_src": _image_src(person["signature"], preview=preview),
            }
        )
    second_strings = _strings(second, webinar=webinar) if second else None
    body_language = template.language if template and title else "en"
    orientation = template.orientation if template else "landscape"
    partners = [
        str(name) for name in (certificate.partner_names or []) if str(name).strip()
    ]
    second_texts = (
        _second_texts(certificate, second, second_strings)
        if second_strings and body_language != second
        else None
    )
    return {
        **_geometry(paper or paper_for(certificate), orientation),
        "fonts": font_stacks(),
        "issuer_name": ISSUER_NAME,
        "partners": partners,
        "second_texts": second_texts,
        "facts": _facts(certificate, en, second_strings, second_texts),
        "certificate": certificate,
        "template": template,
        "title": title or en["heading"],
        "body": body,
        "body_language": body_language,
        "orientation": orientation,
        "logo_src": _image_src(template.logo if template else None, preview=preview),
        "signatories": signatories,
        "en": en,
        "second": second_strings,
        "second_language": second,
        "verify_url": verify_url(certificate.code),
        "qr_svg": qr_svg(verify_url(certificate.code)),
        "preview": preview,
        "compact": _is_long(certificate, body, partners),
    }


def _is_long(certificate, body: str, partners: list[str]) -> bool:
    """Whether the texts need the smaller type to stay clear of the QR code
    and the signatures on one page (thresholds checked by rendering long
    samples to PNG)."""
    return (
        len(body) > 230
        or len(" · ".join(partners)) > 90
        or len(certificate.holder_name) > 32
        or len(certificate.organisation_name) + len(certificate.organisation_country)
        > 70
        or len(certificate.programme_title) > 60
    )


def sample_certificate(*, template=None):
    """An unsaved certificate with sample data, for the template preview."""
    from .models import Certificate

    return Certificate(
        code="WG-0000-0000-0000-0000-0000-0",
        holder_name="Nguyen Thi Lan",
        holder_email="lan@example.org",
        organisation_name="Hanoi",
        organisation_country="Viet Nam",
        programme_title="Seoul Program 2016",
        starts_on=date(2016, 10, 10),
        ends_on=date(2016, 10, 21),
        hours=Decimal("60"),
        office_name="WeGO Secretariat",
        partner_names=["Seoul Human Resource Development Center"],
        language="" if template is not None and template.language != "en" else "ko",
        issued_at=timezone.now(),
        template=template,
        status_list_index=0,
    )


def _html_to_pdf(html: str, *, identifier: bytes | None = None) -> bytes:
    from weasyprint import HTML

    # One FontConfiguration per thread: WeasyPrint caches fonts in it, and
    # reusing it across certificates saves most of the per-document start-up.
    if not hasattr(_local, "fonts"):
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
    options = {"pdf_identifier": identifier} if identifier else {}
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=_local.fonts, **options
    )


def render_certificate_pdf(certificate, *, paper: str | None = None) -> bytes:
    """The certificate as PDF bytes: one page in the template's orientation,
    on ``paper`` (``a4`` or ``letter``; default: the holder's country's)."""
    html = render_to_string(
        "certificates/certificate_pdf.html",
        certificate_context(certificate, paper=paper),
    )
    # The file identifier (trailer /ID) is the verification code, so tools can
    # read which certificate a file claims to be without parsing its pages.
    return _html_to_pdf(html, identifier=certificate.code.encode())


def render_transcript_pdf(*, user, record: dict) -> bytes:
    """The learning record of one person (programmes, webinars, certificates)."""
    html = render_to_string(
        "certificates/transcript_pdf.html",
        {
            "holder": user,
            "record": record,
            "generated_at": timezone.now(),
            "base_url": base_url(),
        },
    )
    return _html_to_pdf(html)
