"""Public verification, downloads, published credentials, and participants' pages.

Thin adapters: lookups go through ``selectors.certificate_by_code`` behind the
per-address limit; changes go through ``services``.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lms.errors import DomainError
from lms.links import base_url
from lms.throttling import client_address, retry_after

from . import credentials, selectors, services
from .codes import normalise_code
from .models import CertificateTemplate
from .pdf import render_transcript_pdf
from .pdf_paper import parse_paper

JSON_LD = "application/ld+json"


def _public_json(document: dict, *, content_type: str = JSON_LD) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type=f"{content_type}; charset=utf-8",
    )
    # Wallets and verifiers fetch these from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response


def _rate_limited(request, seconds: int) -> HttpResponse:
    response = render(
        request,
        "certificates/rate_limited.html",
        {"retry_after": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _unknown(request, code: str) -> HttpResponse:
    return render(
        request,
        "certificates/verify_unknown.html",
        {"code": code[:64], "malformed": normalise_code(code) is None},
        status=404,
    )


def _lookup(request, code: str):
    """(certificate, error response): the limit first, then the lookup."""
    if selectors.lookup_limited(address=client_address(request)):
        return None, _rate_limited(request, retry_after(60))
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return None, _unknown(request, code)
    return certificate, None


@require_GET
def verify_form(request):
    """The lookup form; a well-formed code redirects to its verify page."""
    raw = request.GET.get("code", "")
    error = ""
    if raw:
        canonical = normalise_code(raw)
        if canonical:
            return redirect("learner:verify", code=canonical)
        error = _(
            "That is not a valid certificate code. Check it against the "
            "certificate: it looks like WG-XXXX-XXXX-XXXX-XXXX-XXXX-X."
        )
    return render(
        request,
        "certificates/verify_form.html",
        {"code": raw[:64], "error": error},
        status=400 if error else 200,
    )


@require_GET
def verify(request, code: str):
    """What the QR code opens: the database's word on the certificate."""
    certificate, error = _lookup(request, code)
    if error:
        return error
    if certificate.code != code:
        return redirect("learner:verify", code=certificate.code)
    return render(request, "certificates/verify.html", {"certificate": certificate})


@require_GET
def certificate_pdf(request, code: str):
    """The PDF, public by code like the verify page; rendered now if missing.

    ``?paper=a4`` or ``?paper=letter`` asks for that size; without it the
    holder's own (Letter in the Letter countries, else A4).
    """
    certificate, error = _lookup(request, code)
    if error:
        return error
    if certificate.is_revoked:
        return render(
            request,
            "certificates/verify.html",
            {"certificate": certificate},
            status=410,
        )
    raw_paper = request.GET.get("paper", "")
    paper = parse_paper(raw_paper)
    if raw_paper and paper is None:
        return HttpResponseBadRequest(
            _("Choose the paper size with paper=a4 or paper=letter."),
            content_type="text/plain; charset=utf-8",
        )
    name = services.certificate_pdf_name(certificate=certificate, paper=paper)
    suffix = f"-{paper}" if paper else ""
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"certificate-{certificate.code}{suffix}.pdf",
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def credential(request, code: str):
    """The signed Open Badges 3.0 credential (the URL a wallet imports)."""
    certificate, error = _lookup(request, code)
    if error:
        return error
    document = credentials.sign(
        credentials.certificate_credential(certificate),
        created=certificate.issued_at,
    )
    return _public_json(document)


@require_GET
def issuer(request):
    """The issuer profile with the public key that verifies every credential."""
    return _public_json(credentials.issuer_profile())


@require_GET
def status_list(request, list_id: int):
    """The signed revocation list (W3C Bitstring Status List)."""
    if list_id != credentials.STATUS_LIST_ID:
        raise Http404
    document = credentials.sign(
        credentials.status_list_credential(
            selectors.revoked_status_indexes(), valid_from=timezone.now()
        ),
        created=timezone.now(),
    )
    return _public_json(document)


@require_GET
def context(request, name: str):
    """Our vendored JSON-LD contexts, for verifiers that cannot reach the web."""
    for url, path in credentials.CONTEXT_FILES.items():
        if path.name == name:
            return _public_json(credentials.context_document(url))
    raise Http404


@login_required
@require_GET
def my_certificates(request):
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "certificates": selectors.certificates_of(user=request.user),
            "base_url": base_url(),
        },
    )


@login_required
@require_GET
def my_learning(request):
    """Programmes, webinars and certificates across the years, the PDF beside."""
    return render(
        request,
        "certificates/my_learning.html",
        {
            "record": selectors.my_learning(user=request.user),
            "user_zone": request.user.timezone or "UTC",
        },
    )


@login_required
@require_GET
def learning_record_pdf(request):
    """One PDF transcript of every programme, webinar and certificate."""
    record = selectors.learning_record(user=request.user)
    data = render_transcript_pdf(user=request.user, record=record)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="learning-record.pdf"'
    return response


def _issuable(request, kind: str, *, find, may):
    """The programme or webinar (``kind``) to issue for and None, or None and
    the 403 page when this person may not issue; 404 if there is none."""
    try:
        subject = find()
    except DomainError as exc:
        raise Http404 from exc
    if not may(user=request.user, **{kind: subject}):
        forbidden = render(
            request, "certificates/forbidden.html", {kind: subject}, status=403
        )
        return None, forbidden
    return subject, None


@login_required
@require_http_methods(["GET", "POST"])
def issue(request, programme_id: int):
    """Trainers start the bulk issuance for their programme."""
    programme, refused = _issuable(
        request,
        "programme",
        find=lambda: services.programme_for_issue(programme_id=programme_id),
        may=selectors.user_may_issue,
    )
    if refused:
        return refused
    if request.method == "POST":
        try:
            job = services.certificates_issue_for_programme(
                programme=programme, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("certificates:issue", programme_id=programme.pk)
        return redirect("certificates:job", job_id=job.pk)
    enrolments = selectors.completed_enrolments_for(programme=programme)
    issued = {c.user_id: c for c in programme.certificates.select_related("user").all()}
    return render(
        request,
        "certificates/issue.html",
        {
            "programme": programme,
            "rows": [(e, issued.get(e.user_id)) for e in enrolments],
            "jobs": programme.certificate_jobs.all()[:5],
        },
    )


@login_required
@require_GET
def job(request, job_id: int):
    """Bulk issuance progress; refreshes itself without JavaScript."""
    found = selectors.job_for(job_id=job_id)
    if found is None or not selectors.user_may_follow_job(user=request.user, job=found):
        raise Http404
    return render(
        request,
        "certificates/job.html",
        {"job": found, "revoked": selectors.revoked_certificates_of(job=found)},
    )


@login_required
@require_http_methods(["POST"])
def job_resume(request, job_id: int):
    """Start a stalled run again (e.g. after a worker crash); never issues twice."""
    found = selectors.job_for(job_id=job_id)
    if found is None or not selectors.user_may_follow_job(user=request.user, job=found):
        raise Http404
    try:
        services.job_resume(job=found, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The issuance run was started again."))
    return redirect("certificates:job", job_id=found.pk)


def _parse_minimum(raw: str) -> tuple[int | None, str]:
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    try:
        return int(raw), ""
    except ValueError:
        return None, _("Enter the minimum presence as a whole number of minutes.")


@login_required
@require_http_methods(["GET", "POST"])
def webinar_issue(request, webinar_id: int):
    """A webinar's certificates of attendance: settings, attendees, bulk issuance.

    Its hosts, its office's editors and the Secretariat see every registered
    person's presence minutes and whether they earned a certificate (and why
    not), set the minimum and the template, and start the bulk run.
    """
    webinar, refused = _issuable(
        request,
        "webinar",
        find=lambda: services.webinar_for_issue(webinar_id=webinar_id),
        may=selectors.user_may_issue_webinar,
    )
    if refused:
        return refused
    if request.method == "POST":
        action = request.POST.get("action", "issue")
        try:
            if action == "settings":
                minimum, error = _parse_minimum(request.POST.get("minimum_minutes", ""))
                if error:
                    raise DomainError(error, code="invalid_minimum")
                template = None
                template_id = request.POST.get("template", "")
                if template_id:
                    template = (
                        CertificateTemplate.objects.filter(pk=template_id).first()
                        if template_id.isdigit()
                        else None
                    )
                    if template is None:
                        raise DomainError(
                            _("Choose a template from the list."), code="template"
                        )
                services.webinar_certificate_settings_update(
                    webinar=webinar,
                    actor=request.user,
                    minimum_minutes=minimum,
                    template=template,
                )
                messages.success(request, _("Certificate settings saved."))
                return redirect("certificates:webinar_issue", webinar_id=webinar.pk)
            job_row = services.certificates_issue_for_webinar(
                webinar=webinar, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("certificates:webinar_issue", webinar_id=webinar.pk)
        return redirect("certificates:job", job_id=job_row.pk)
    settings_row = selectors.webinar_certificate_settings(webinar=webinar)
    rows = selectors.webinar_attendance(webinar=webinar)
    return render(
        request,
        "certificates/webinar_issue.html",
        {
            "webinar": webinar,
            "settings_row": settings_row,
            "minimum": selectors.webinar_minimum_minutes(
                webinar=webinar, settings=settings_row
            ),
            "templates": CertificateTemplate.objects.order_by("title"),
            "rows": rows,
            "eligible_count": sum(1 for row in rows if row["eligible"]),
            "jobs": webinar.certificate_jobs.all()[:5],
        },
    )
