"""Webinars: issuing certificates of attendance, and their settings."""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lms.errors import Conflict, DomainError, PermissionDenied

from ..models import (
    Certificate,
    WebinarCertificateSettings,
)
from ..pdf import second_language
from ..selectors import (
    user_may_issue_webinar,
    webinar_attendee_check,
    webinar_certificate_settings,
)
from .issue import _enqueue_render, _ensure, _existing_for

logger = logging.getLogger(__name__)


def _require_webinar_issuer(*, actor, webinar) -> None:
    if actor is None or not user_may_issue_webinar(user=actor, webinar=webinar):
        raise PermissionDenied(
            _(
                "Only the webinar's hosts, its office's editors and the Secretariat "
                "issue its certificates."
            ),
            code="not_moderator",
        )


def _webinar_partners(webinar) -> list[str]:
    """The webinar series' partner, the co-organiser its certificates name."""
    series = webinar.series
    partner = series.partner if series is not None else None
    return [partner.name] if partner is not None else []


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
        "partner_names": _webinar_partners(webinar),
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
