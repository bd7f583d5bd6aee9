"""Changes to certificates: issue, render and store the PDF, notify, revoke.

Issuance is driven only by the participant's own trainer-confirmed completion
(``Enrolment.completed_at``), never by a bulk action alone (PITFALLS 9). The
database allows one certificate per person and programme, and every step is
written so that a task delivered twice, or re-run after a crash, does the work
once: an existing certificate is reused, a PDF already stored is not rendered
again, an e-mail already sent is not sent again.
"""

import functools
import logging
import os
import secrets
import tempfile
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Enrolment, ProgrammePage
from lms.emails import render_plain_text
from lms.errors import Conflict, DomainError, PermissionDenied
from lms.links import base_url

from .codes import generate_code
from .credentials import STATUS_LIST_SIZE
from .models import (
    Certificate,
    CertificateStatus,
    CertificateTemplate,
    IssuanceJob,
    JobState,
    WebinarCertificateSettings,
)
from .pdf import render_certificate_pdf, second_language
from .selectors import (
    issuable_enrolments,
    issuable_webinar_attendees,
    user_is_secretariat,
    user_may_issue,
    user_may_issue_webinar,
    webinar_attendee_check,
    webinar_certificate_settings,
)

logger = logging.getLogger(__name__)
MAX_JOB_ATTEMPTS = 3


def _require_issuer(*, actor, programme) -> None:
    if actor is None or not user_may_issue(user=actor, programme=programme):
        raise PermissionDenied(
            _("Only the programme's trainers and the Secretariat issue certificates."),
            code="not_trainer",
        )


def _programme_hours(programme) -> Decimal | None:
    """Scheduled hours of the sessions that count toward completion."""
    seconds = 0
    for session in programme.sessions.all():
        if session.counts_toward_completion and session.ends_at > session.starts_at:
            seconds += (session.ends_at - session.starts_at).total_seconds()
    if not seconds:
        return None
    return Decimal(seconds / 3600).quantize(Decimal("0.1"))


def _template_for(programme) -> CertificateTemplate | None:
    return (
        CertificateTemplate.objects.filter(is_default=True).order_by("pk").first()
        or CertificateTemplate.objects.order_by("pk").first()
    )


def _snapshot(enrolment) -> dict:
    programme = enrolment.programme
    user = enrolment.user
    organisation = user.organisation
    office = programme.office
    trainers = ", ".join(
        t.display_name for t in programme.trainers.all().order_by("last_name")
    )
    return {
        "holder_name": user.get_full_name() or user.email,
        "holder_email": user.email,
        "organisation_name": (
            enrolment.organisation_name or (organisation.name if organisation else "")
        ),
        "organisation_country": organisation.country if organisation else "",
        "programme_title": programme.title,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "hours": _programme_hours(programme),
        "office_name": office.title if office else "",
        "trainer_names": trainers[:500],
        "language": second_language(user.preferred_language),
    }


def _free_status_index() -> int:
    """A random unused bit in the status list (random, so order is not leaked)."""
    used = set(Certificate.objects.values_list("status_list_index", flat=True))
    if len(used) >= STATUS_LIST_SIZE:
        raise DomainError(_("The revocation list is full."), code="status_list_full")
    while True:
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if index not in used:
            return index


def _existing_for(
    *, user_id: int, programme_id: int | None = None, webinar_id: int | None = None
) -> Certificate | None:
    """The person's certificate for a programme or for a webinar, if any."""
    if webinar_id is not None:
        return Certificate.objects.filter(
            user_id=user_id, webinar_id=webinar_id
        ).first()
    return Certificate.objects.filter(
        user_id=user_id, programme_id=programme_id
    ).first()


def _existing(enrolment) -> Certificate | None:
    return _existing_for(user_id=enrolment.user_id, programme_id=enrolment.programme_id)


def _create(*, lookup: dict, fields: dict, actor) -> tuple[Certificate, bool]:
    """Insert the certificate row; a concurrent twin wins and is returned instead.

    ``lookup`` names the person and the programme or webinar (the unique
    constraint's columns); ``fields`` is the rest of the row.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=generate_code(),
                    issued_at=timezone.now(),
                    issued_by=actor,
                    status_list_index=_free_status_index(),
                    **fields,
                )
                return certificate, True
        except IntegrityError:
            existing = _existing_for(**lookup)
            if existing is not None:
                return existing, False
            # A colliding status index (or, never in practice, code): try again.
    raise DomainError(_("Could not allocate a certificate."), code="allocation")


def _ensure(*, lookup: dict, fields, actor) -> tuple[Certificate, bool]:
    """The shared idempotent core for programmes and webinars.

    An existing valid certificate is returned as is; a revoked one is not
    replaced (re-issuing after a revocation is a decision someone must take
    explicitly, not a side effect of a bulk run). ``fields`` is called only
    when a row is to be created.
    """
    existing = _existing_for(**lookup)
    if existing is not None:
        if existing.is_revoked:
            raise Conflict(
                _("This certificate was revoked; it is not issued again."),
                code="certificate_revoked",
                certificate=existing.code,
            )
        return existing, False
    return _create(lookup=lookup, fields=fields(), actor=actor)


def certificate_ensure(*, enrolment, actor) -> tuple[Certificate, bool]:
    """The enrolment's certificate, created if missing: the idempotent core.

    Refuses enrolments without trainer-confirmed completion, and refuses to
    replace a revoked certificate. Returns ``(certificate, created)``.
    """
    enrolment = Enrolment.objects.select_related("user__organisation", "programme").get(
        pk=enrolment.pk
    )
    if enrolment.completed_at is None:
        raise DomainError(
            _("%(name)s has no confirmed completion of this programme.")
            % {"name": enrolment.user.display_name},
            code="not_completed",
        )
    return _ensure(
        lookup={"user_id": enrolment.user_id, "programme_id": enrolment.programme_id},
        fields=lambda: {
            "user": enrolment.user,
            "programme": enrolment.programme,
            "enrolment": enrolment,
            "template": _template_for(enrolment.programme),
            **_snapshot(enrolment),
        },
        actor=actor,
    )


@transaction.atomic
def certificate_issue(*, enrolment, actor) -> Certificate:
    """Issue one participant's certificate (trainers of the programme and staff).

    Only after trainer-confirmed completion; never twice (409
    ``already_issued``); a revoked one is not silently re-issued (409
    ``certificate_revoked``). The PDF is rendered and the participant e-mailed
    by a task after commit.
    """
    _require_issuer(actor=actor, programme=enrolment.programme)
    existing = _existing(enrolment)
    if existing is not None and not existing.is_revoked:
        raise Conflict(
            _("A certificate was already issued for this programme."),
            code="already_issued",
        )
    certificate, _created = certificate_ensure(enrolment=enrolment, actor=actor)
    _enqueue_render(certificate_id=certificate.pk)
    logger.info(
        "certificate issued code=%s user=%s programme=%s by=%s",
        certificate.code,
        certificate.user_id,
        certificate.programme_id,
        actor.pk,
    )
    return certificate


# --- webinars: certificates of attendance ------------------------------------------


def _require_webinar_issuer(*, actor, webinar) -> None:
    if actor is None or not user_may_issue_webinar(user=actor, webinar=webinar):
        raise PermissionDenied(
            _(
                "Only the webinar's hosts, its office's editors and the Secretariat "
                "issue its certificates."
            ),
            code="not_moderator",
        )


def _webinar_snapshot(*, webinar, user, minutes: int) -> dict:
    from webinars.selectors import webinar_office

    organisation = user.organisation
    office = webinar_office(webinar=webinar)
    day = webinar.local_starts_at.date()
    return {
        "holder_name": user.get_full_name() or user.email,
        "holder_email": user.email,
        "organisation_name": organisation.name if organisation else "",
        "organisation_country": organisation.country if organisation else "",
        "programme_title": webinar.title,
        "starts_on": day,
        "ends_on": day,
        "hours": Decimal(webinar.duration_minutes / 60).quantize(Decimal("0.1")),
        "office_name": office.title if office else "",
        "trainer_names": ", ".join(webinar.speaker_list)[:500],
        "language": second_language(user.preferred_language),
        "minutes_attended": minutes,
    }


def webinar_certificate_ensure(*, webinar, user, actor) -> tuple[Certificate, bool]:
    """A webinar attendee's certificate, created if missing (idempotent).

    Refused, with the reason, before the webinar is over, for someone not
    registered, and for an attendee below the webinar's minimum presence.
    """
    check = webinar_attendee_check(webinar=webinar, user=user)
    if not check["eligible"]:
        raise DomainError(check["reason"], code=check["code"])
    return _ensure(
        lookup={"user_id": user.pk, "webinar_id": webinar.pk},
        fields=lambda: {
            "user": user,
            "webinar": webinar,
            "template": webinar_certificate_settings(webinar=webinar).template,
            **_webinar_snapshot(webinar=webinar, user=user, minutes=check["minutes"]),
        },
        actor=actor,
    )


@transaction.atomic
def webinar_certificate_issue(*, webinar, user, actor) -> Certificate:
    """Issue one attendee's certificate (the webinar's moderators).

    409 ``already_issued`` when it exists; 400 ``below_minimum``,
    ``not_registered`` or ``webinar_not_over`` with the reason otherwise.
    """
    _require_webinar_issuer(actor=actor, webinar=webinar)
    existing = _existing_for(user_id=user.pk, webinar_id=webinar.pk)
    if existing is not None and not existing.is_revoked:
        raise Conflict(
            _("A certificate was already issued for this webinar."),
            code="already_issued",
        )
    certificate, _created = webinar_certificate_ensure(
        webinar=webinar, user=user, actor=actor
    )
    _enqueue_render(certificate_id=certificate.pk)
    logger.info(
        "certificate issued code=%s user=%s webinar=%s by=%s",
        certificate.code,
        certificate.user_id,
        certificate.webinar_id,
        actor.pk,
    )
    return certificate


@transaction.atomic
def webinar_certificate_settings_update(
    *, webinar, actor, minimum_minutes: int | None, template
) -> WebinarCertificateSettings:
    """Set a webinar's minimum presence and template (its moderators)."""
    _require_webinar_issuer(actor=actor, webinar=webinar)
    if minimum_minutes is not None and not 0 < minimum_minutes <= 24 * 60:
        raise DomainError(
            _("The minimum presence is between 1 and 1440 minutes."),
            code="invalid_minimum",
        )
    row, _created = WebinarCertificateSettings.objects.update_or_create(
        webinar=webinar,
        defaults={
            "minimum_minutes": minimum_minutes,
            "template": template,
            "updated_by": actor,
        },
    )
    return row


def _enqueue_render(*, certificate_id: int, job_id: int | None = None) -> None:
    from .tasks import render_certificate_pdf as task

    transaction.on_commit(
        lambda: task.delay(certificate_id, job_id=job_id), robust=False
    )


@transaction.atomic
def certificates_issue_for_programme(*, programme, actor) -> IssuanceJob:
    """Start a bulk issuance job for everyone with confirmed completion.

    The job row is the progress record the page and the API poll; the task
    that does the work is enqueued after commit.
    """
    _require_issuer(actor=actor, programme=programme)
    job = IssuanceJob.objects.create(
        programme=programme,
        requested_by=actor,
        total=issuable_enrolments(programme=programme).count(),
    )
    from .tasks import issue_programme_certificates

    transaction.on_commit(
        lambda: issue_programme_certificates.delay(job.pk), robust=True
    )
    return job


@transaction.atomic
def certificates_issue_for_webinar(*, webinar, actor) -> IssuanceJob:
    """Start a bulk job for every attendee who met the webinar's minimum.

    The same job row, task and per-certificate rendering as programmes.
    """
    _require_webinar_issuer(actor=actor, webinar=webinar)
    if not webinar.is_past:
        raise DomainError(
            _("Certificates are issued once the webinar is over."),
            code="webinar_not_over",
        )
    job = IssuanceJob.objects.create(
        webinar=webinar,
        requested_by=actor,
        total=len(issuable_webinar_attendees(webinar=webinar)),
    )
    from .tasks import issue_programme_certificates

    transaction.on_commit(
        lambda: issue_programme_certificates.delay(job.pk), robust=True
    )
    return job


def _job_items(job) -> list[tuple[dict, int, object]]:
    """(error key, user id, ensure-callable) per person the job issues to."""
    if job.webinar_id:
        webinar = job.webinar
        return [
            (
                {"user": user.pk},
                user.pk,
                functools.partial(
                    webinar_certificate_ensure,
                    webinar=webinar,
                    user=user,
                    actor=job.requested_by,
                ),
            )
            for user in issuable_webinar_attendees(webinar=webinar)
        ]
    return [
        (
            {"enrolment": enrolment.pk},
            enrolment.user_id,
            functools.partial(
                certificate_ensure, enrolment=enrolment, actor=job.requested_by
            ),
        )
        for enrolment in issuable_enrolments(programme=job.programme)
    ]


def _already_issued(job, user_ids: list[int]) -> int:
    """How many of these people hold a valid certificate of the job's subject."""
    return Certificate.objects.filter(
        status=CertificateStatus.VALID, user_id__in=user_ids, **job.subject_lookup
    ).count()


def job_run(*, job_id: int) -> IssuanceJob:
    """Run a bulk job: ensure each certificate, then have its PDF rendered.

    Safe to run again after a crash: certificates already issued are reused,
    PDFs already stored are counted without rendering. Deliveries are counted
    in our own row; after ``MAX_JOB_ATTEMPTS`` the job is marked failed rather
    than looping forever (a poison job must not keep a worker busy).
    """
    with transaction.atomic():
        job = IssuanceJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        if job.attempts >= MAX_JOB_ATTEMPTS:
            job.state = JobState.FAILED
            job.finished_at = timezone.now()
            job.errors = [*job.errors, {"detail": "gave up after repeated crashes"}]
            job.save(update_fields=["state", "finished_at", "errors"])
            logger.error(
                "certificate job %s failed after %s attempts", job.pk, job.attempts
            )
            return job
        items = _job_items(job)
        if job.started_at is None:
            # Counted once, before this run creates anything: a resumed run
            # keeps the first count, so "new" stays what this run added.
            job.already_issued = _already_issued(job, [u for _k, u, _e in items])
        job.attempts += 1
        job.state = JobState.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.total = len(items)
        job.done = 0
        job.errors = []
        job.save()

    errors = []
    for key, _user_id, ensure in items:
        try:
            with transaction.atomic():
                certificate, _created = ensure()
                if certificate.pdf and certificate.emailed_at:
                    _job_progress(job_id=job.pk)
                else:
                    # Missing PDF, or a crash between storing it and the
                    # e-mail: the task does what is left, once.
                    _enqueue_render(certificate_id=certificate.pk, job_id=job.pk)
        except DomainError as exc:
            errors.append({**key, "code": exc.code, "detail": exc.message})
    with transaction.atomic():
        IssuanceJob.objects.filter(pk=job.pk).update(errors=errors)
        _job_maybe_finish(job_id=job.pk)
    job.refresh_from_db()
    return job


def _job_progress(*, job_id: int) -> None:
    """Recount the job's stored PDFs (not +1: a re-delivered task, or two
    deliveries racing after a worker was killed, must not count twice, and
    one killed after storing its PDF must still be counted)."""
    job = IssuanceJob.objects.select_for_update().get(pk=job_id)
    stored = (
        Certificate.objects.filter(status=CertificateStatus.VALID, **job.subject_lookup)
        .exclude(pdf="")
        .count()
    )
    IssuanceJob.objects.filter(pk=job_id).update(done=min(stored, job.total))
    _job_maybe_finish(job_id=job_id)


@transaction.atomic
def job_resume(*, job, actor) -> IssuanceJob:
    """Run an unfinished (or failed) job again, e.g. after its worker died.

    Deliveries lost with a killed worker come back only after the broker's
    visibility timeout (hours); resuming re-enqueues the job now. Whatever
    exists is reused, so nothing is issued, stored or e-mailed twice.
    """
    job = IssuanceJob.objects.select_for_update().get(pk=job.pk)
    if job.webinar_id:
        _require_webinar_issuer(actor=actor, webinar=job.webinar)
    else:
        _require_issuer(actor=actor, programme=job.programme)
    if job.state == JobState.DONE:
        raise Conflict(_("This issuance run has finished."), code="job_done")
    job.state = JobState.QUEUED
    job.attempts = 0
    job.finished_at = None
    job.save(update_fields=["state", "attempts", "finished_at"])
    from .tasks import issue_programme_certificates

    transaction.on_commit(
        lambda: issue_programme_certificates.delay(job.pk), robust=True
    )
    logger.warning("certificate job %s resumed by %s", job.pk, actor.pk)
    return job


def _job_maybe_finish(*, job_id: int) -> None:
    job = IssuanceJob.objects.select_for_update().get(pk=job_id)
    if job.state == JobState.RUNNING and job.done + len(job.errors) >= job.total:
        job.state = JobState.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "finished_at"])


def _store_pdf(*, name: str, data: bytes) -> str:
    """Write the file so that the final name only ever holds a complete PDF.

    On the file system: a temporary file in the same directory, flushed and
    fsynced, then ``os.replace`` (atomic), overwriting any orphan a crashed
    attempt may have left. Other storages: their ``save`` after deleting an
    orphan. Either way the database points at the file only afterwards.
    """
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        if default_storage.exists(name):
            default_storage.delete(name)
        return default_storage.save(name, ContentFile(data))
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return name


def certificate_render(*, certificate_id: int) -> bool:
    """Render and store the PDF unless stored already; True if rendered now."""
    certificate = Certificate.objects.select_related("template").get(pk=certificate_id)
    if certificate.pdf and default_storage.exists(certificate.pdf.name):
        return False
    data = render_certificate_pdf(certificate)
    name = _store_pdf(name=f"certificates/pdf/{certificate.code}.pdf", data=data)
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk).update(pdf=name)
    return bool(updated)


def _secretariat_contact() -> str:
    """The contact address the site settings name (where a holder may ask)."""
    from wagtail.models import Site

    from cms.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site).contact_email if site else ""


def _holder_language(certificate) -> str:
    return certificate.user.preferred_language or settings.LANGUAGE_CODE


def _holder_links(certificate) -> dict:
    base = base_url()
    return {
        "verify_url": f"{base}{certificate.get_absolute_url()}",
        "pdf_url": f"{base}{certificate.pdf_url}",
        "my_url": f"{base}/my/certificates/",
    }


def certificate_notify(*, certificate_id: int) -> bool:
    """E-mail the holder a link to their certificate, once, in their language.

    The row is locked while sending and stamped in the same transaction, so a
    second delivery of the task finds it stamped and sends nothing.
    """
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("user")
            .get(pk=certificate_id)
        )
        if certificate.emailed_at or certificate.is_revoked:
            return False
        context = {"certificate": certificate, **_holder_links(certificate)}
        with translation.override(_holder_language(certificate)):
            subject = _("Your certificate for %(programme)s") % {
                "programme": certificate.programme_title
            }
            body = render_plain_text("certificates/email/issued.txt", context)
        send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[certificate.user.email],
        )
        certificate.emailed_at = timezone.now()
        certificate.save(update_fields=["emailed_at"])
    return True


def certificate_revocation_notify(*, certificate_id: int) -> bool:
    """Tell the holder their certificate was revoked, and why, once.

    In the holder's language, with the reason as the Secretariat wrote it and
    where to ask. Stamped in the same transaction as the send, so a
    re-delivered task sends nothing.
    """
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("user")
            .get(pk=certificate_id)
        )
        if not certificate.is_revoked or certificate.revocation_emailed_at:
            return False
        context = {
            "certificate": certificate,
            "contact_email": _secretariat_contact(),
            **_holder_links(certificate),
        }
        with translation.override(_holder_language(certificate)):
            subject = _("Your certificate for %(programme)s was revoked") % {
                "programme": certificate.programme_title
            }
            body = render_plain_text("certificates/email/revoked.txt", context)
        send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[certificate.user.email],
        )
        certificate.revocation_emailed_at = timezone.now()
        certificate.save(update_fields=["revocation_emailed_at"])
    return True


def certificate_publish(*, certificate_id: int, job_id: int | None = None) -> None:
    """The task body: PDF, then the e-mail, then the job's progress."""
    certificate_render(certificate_id=certificate_id)
    certificate_notify(certificate_id=certificate_id)
    if job_id is not None:
        with transaction.atomic():
            _job_progress(job_id=job_id)


def certificate_pdf_ensure(*, certificate) -> Certificate:
    """Render now if the PDF is missing (lazy path for downloads)."""
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db(fields=["pdf"])
    return certificate


@transaction.atomic
def certificate_revoke(
    *, certificate, actor, reason: str, notify: bool = True
) -> Certificate:
    """Revoke a certificate (the Secretariat only), with a reason; logged.

    The verify page, the API and the published status list read the row, so
    the revocation shows everywhere at once. The holder is e-mailed the
    reason after commit (``certificate_revocation_notify``), unless
    ``notify`` is off (demo history, made up, is not mailed to anyone).
    """
    if not user_is_secretariat(actor):
        raise PermissionDenied(
            _("Only the Secretariat revokes certificates."), code="not_staff"
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking."), code="reason_required")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise Conflict(
            _("This certificate is already revoked."), code="already_revoked"
        )
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoked_reason = reason[:2000]
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"]
    )
    logger.warning(
        "certificate revoked code=%s by=%s reason=%r",
        certificate.code,
        actor.pk,
        certificate.revoked_reason,
    )
    if notify:
        from .tasks import notify_certificate_revoked

        certificate_id = certificate.pk
        transaction.on_commit(
            lambda: notify_certificate_revoked.delay(certificate_id), robust=True
        )
    return certificate


def programme_for_issue(*, programme_id: int) -> ProgrammePage:
    programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if programme is None:
        from lms.errors import NotFound

        raise NotFound(_("No such programme."))
    return programme


def webinar_for_issue(*, webinar_id: int):
    from webinars.models import WebinarPage

    webinar = WebinarPage.objects.filter(pk=webinar_id).first()
    if webinar is None:
        from lms.errors import NotFound

        raise NotFound(_("No such webinar."))
    return webinar
