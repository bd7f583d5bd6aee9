"""Revoking a certificate (the Secretariat), with a reason; the holder is told."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, PermissionDenied

from ..models import (
    Certificate,
    CertificateStatus,
)
from ..selectors import (
    user_is_secretariat,
)

logger = logging.getLogger(__name__)


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
        from ..tasks import notify_certificate_revoked

        certificate_id = certificate.pk
        transaction.on_commit(
            lambda: notify_certificate_revoked.delay(certificate_id), robust=True
        )
    return certificate
