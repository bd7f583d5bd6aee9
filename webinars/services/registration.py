"""Registering for a webinar."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.errors import Conflict, NotFound, PermissionDenied

from ..models import Registration, WebinarPage
from ..selectors import webinar_can_view, webinar_eligibility


def webinar_register(*, webinar: WebinarPage, user) -> tuple[Registration, bool]:
    """Register a signed-in person; registering twice returns the same registration.

    A webinar with registration rules (the programmes' rule blocks) admits
    only people who pass every blocking rule; the reasons come back with
    the refusal.

    The confirmation e-mail goes out after commit, once.
    """
    if not user.is_authenticated:
        raise PermissionDenied(
            _("Sign in to register."), code="not_authenticated", status=401
        )
    if not webinar_can_view(webinar=webinar, user=user):
        raise NotFound(_("No such webinar."), code="webinar_not_found")
    if webinar.is_past:
        raise Conflict(_("This webinar is over."), code="webinar_over")
    with transaction.atomic():
        registration = Registration.objects.filter(webinar=webinar, user=user).first()
        if registration is not None:
            return registration, False
        verdicts = webinar_eligibility(webinar=webinar, user=user)
        if any(not v.ok and v.blocking for v in verdicts):
            raise PermissionDenied(
                _("You cannot register for this webinar yet."),
                code="ineligible",
                reasons=[v.as_dict() for v in verdicts],
            )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(webinar=webinar, user=user)
        except IntegrityError:  # a concurrent double click won
            return Registration.objects.get(webinar=webinar, user=user), False

        from ..tasks import send_registration_confirmation

        transaction.on_commit(
            lambda: send_registration_confirmation.delay(registration.pk), robust=True
        )
    return registration, True
