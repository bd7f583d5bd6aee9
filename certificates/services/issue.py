"""Issuing one programme certificate: the snapshot, the row, the idempotent core.

Issuance is driven only by the participant's own trainer-confirmed completion
(``Enrolment.completed_at``), never by a bulk action alone (PITFALLS 9). The
database allows one certificate per person and programme (or webinar); an
existing certificate is reused, a revoked one is not replaced.
"""

import logging
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, ProgrammePage
from lms.errors import Conflict, DomainError, PermissionDenied

from ..codes import generate_code
from ..credentials import STATUS_LIST_SIZE
from ..models import (
    Certificate,
    CertificateTemplate,
)
from ..pdf import second_language
from ..selectors import (
    user_may_issue,
)

logger = logging.getLogger(__name__)


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
        "partner_names": [p.name for p in programme.partners.all().order_by("name")],
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


def _enqueue_render(*, certificate_id: int, job_id: int | None = None) -> None:
    from ..tasks import render_certificate_pdf as task

    transaction.on_commit(
        lambda: task.delay(certificate_id, job_id=job_id), robust=False
    )


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
