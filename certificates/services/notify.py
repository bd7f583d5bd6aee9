"""E-mails to the holder: the certificate issued, and its revocation (each once)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from lms.emails import branded_email, render_plain_text
from lms.links import base_url

from ..models import (
    Certificate,
)


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


def _send_to_holder(certificate, subject, kind: str, **context) -> None:
    """Send the holder the ``certificates/email/<kind>.txt`` message in their
    language, under the fixed Message-ID of this certificate and kind."""
    language = _holder_language(certificate)
    context = {"certificate": certificate, **context, **_holder_links(certificate)}
    with translation.override(language):
        subject = str(subject) % {"programme": certificate.programme_title}
        body = render_plain_text(f"certificates/email/{kind}.txt", context)
    branded_email(
        subject,
        body,
        [certificate.user.email],
        language=language,
        message_key=f"certificate-{certificate.code}-{kind}",
    ).send()


def certificate_notify(*, certificate_id: int) -> bool:
    """E-mail the holder a link to their certificate, once, in their language.

    The row is locked while sending and stamped in the same transaction, so a
    second delivery of the task finds it stamped and sends nothing. A process
    killed between the send and that commit sends again on the next delivery:
    the same message (a fixed Message-ID), which mail clients show once.
    """
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("user")
            .get(pk=certificate_id)
        )
        if certificate.emailed_at or certificate.is_revoked:
            return False
        _send_to_holder(
            certificate,
            gettext_lazy("Your certificate for %(programme)s"),
            "issued",
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
        _send_to_holder(
            certificate,
            gettext_lazy("Your certificate for %(programme)s was revoked"),
            "revoked",
            contact_email=_secretariat_contact(),
        )
        certificate.revocation_emailed_at = timezone.now()
        certificate.save(update_fields=["revocation_emailed_at"])
    return True
