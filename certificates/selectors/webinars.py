"""Webinar certificates of attendance: settings, minimum presence, who earned one."""

import math

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Certificate,
    WebinarCertificateSettings,
)
from .access import user_may_issue_webinar


def webinar_certificate_settings(*, webinar) -> WebinarCertificateSettings:
    """The webinar's certificate settings (an unsaved default row if none)."""
    return WebinarCertificateSettings.objects.filter(
        webinar_id=webinar.pk
    ).select_related("template").first() or WebinarCertificateSettings(webinar=webinar)


def webinar_minimum_minutes(*, webinar, settings=None) -> int:
    """Minutes of presence a certificate needs: set per webinar, else half its length."""
    settings = settings or webinar_certificate_settings(webinar=webinar)
    if settings.minimum_minutes:
        return settings.minimum_minutes
    return max(1, math.ceil(webinar.duration_minutes / 2))


def webinar_attendee_check(*, webinar, user, minimum: int | None = None) -> dict:
    """Whether one person earned the webinar's certificate, and why (not).

    ``{"user", "minutes", "minimum", "eligible", "code", "reason"}``; the
    minutes are the webinars app's presence record (union of connections).
    """
    from webinars.selectors import presence_minutes, user_is_registered

    minimum = minimum or webinar_minimum_minutes(webinar=webinar)
    name = user.display_name
    result = {"user": user, "minutes": 0, "minimum": minimum}
    if not webinar.is_past:
        return {
            **result,
            "eligible": False,
            "code": "webinar_not_over",
            "reason": _("Certificates are issued once the webinar is over."),
        }
    if not user_is_registered(webinar=webinar, user=user):
        return {
            **result,
            "eligible": False,
            "code": "not_registered",
            "reason": _("%(name)s did not register for this webinar.") % {"name": name},
        }
    minutes = presence_minutes(webinar=webinar, user=user)
    result["minutes"] = minutes
    if minutes < minimum:
        return {
            **result,
            "eligible": False,
            "code": "below_minimum",
            "reason": _(
                "%(name)s attended %(minutes)s minutes; the certificate needs at "
                "least %(minimum)s."
            )
            % {"name": name, "minutes": minutes, "minimum": minimum},
        }
    return {**result, "eligible": True, "code": "", "reason": ""}


def webinar_attendance(*, webinar) -> list[dict]:
    """Every registered person's presence, verdict and certificate, by name."""
    from webinars.models import Registration

    minimum = webinar_minimum_minutes(webinar=webinar)
    issued = {c.user_id: c for c in Certificate.objects.filter(webinar_id=webinar.pk)}
    rows = []
    registrations = (
        Registration.objects.filter(webinar_id=webinar.pk)
        .select_related("user__organisation")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    for registration in registrations:
        row = webinar_attendee_check(
            webinar=webinar, user=registration.user, minimum=minimum
        )
        row["certificate"] = issued.get(registration.user_id)
        rows.append(row)
    return rows


def eligible_webinar_attendees(*, webinar) -> list:
    """The people who met the webinar's minimum presence (bulk issuance)."""
    return [
        row["user"] for row in webinar_attendance(webinar=webinar) if row["eligible"]
    ]


def webinars_may_issue(*, user) -> list:
    """Past webinars whose certificates this person may issue, latest first."""
    from webinars.models import WebinarPage

    webinars = WebinarPage.objects.filter(starts_at__lt=timezone.now()).order_by(
        "-starts_at"
    )
    return [
        w
        for w in webinars
        if w.is_past and user_may_issue_webinar(user=user, webinar=w)
    ]


def user_moderates_any_webinar(*, user) -> bool:
    """Whether the webinar certificates admin list is for this person."""
    from webinars.models import WebinarPage

    if not (user and user.is_authenticated and user.is_active):
        return False
    return any(
        user_may_issue_webinar(user=user, webinar=w)
        for w in WebinarPage.objects.only("pk", "path", "depth")
    )


def webinar_certificate_overview(*, user) -> list[tuple]:
    """(webinar, registered, certificates issued) for the admin list."""
    from django.db.models import Count

    from webinars.models import Registration

    webinars = webinars_may_issue(user=user)
    ids = [w.pk for w in webinars]

    def counts(queryset) -> dict:
        return dict(
            queryset.filter(webinar_id__in=ids)
            .values("webinar_id")
            .annotate(n=Count("pk"))
            .values_list("webinar_id", "n")
        )

    registered = counts(Registration.objects)
    issued = counts(Certificate.objects)
    return [(w, registered.get(w.pk, 0), issued.get(w.pk, 0)) for w in webinars]
