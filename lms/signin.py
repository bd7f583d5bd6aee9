"""One sign-in policy for every door: the second factor and the lock-out.

The doors are the site's sign-in form (allauth, which asks for the second
factor in a stage of its own), the Wagtail and Django admin log-ins (both
send people to the site's form, see ``lms.views.admin_login``) and
``POST /api/v1/auth/token/``. Every one of them checks the password through
``django.contrib.auth.authenticate``, where django-axes counts failures per
account (and per account and address) and refuses a locked account whichever
door it comes through. A wrong second-factor code counts as a failure of the
same account, and a locked account is refused the code step too.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import User
from .services import SECRETARIAT_GROUP, TRAINERS_GROUP

# The second factors a person types: an authenticator app's code or a
# recovery code (WebAuthn keys cannot be typed).
_TYPED_FACTORS = ("totp", "recovery_codes")


def _credentials(email: str) -> dict:
    # axes reads the account from these (lms.security.axes_username).
    return {"email": (email or "").strip().lower()}


def signin_is_locked(request: HttpRequest, email: str) -> bool:
    """Whether the account is locked out after repeated failures (any door)."""
    return not AxesProxyHandler.is_allowed(request, _credentials(email))


def signin_record_failure(request: HttpRequest, email: str) -> None:
    """Count a failed sign-in of this account (a wrong password or code)."""
    user_login_failed.send(
        sender=__name__, credentials=_credentials(email), request=request
    )


def signin_record_success(request: HttpRequest, user: User) -> None:
    """A door that does not call ``login()`` (the token API) ends the count."""
    AxesProxyHandler.user_logged_in(sender=__name__, request=request, user=user)


def signin_retry_after() -> int:
    """Seconds a locked account waits at most (the lock-out's cool-off)."""
    cool_off = get_cool_off()
    return int(cool_off.total_seconds()) if cool_off else 0


def locked_out_message() -> str:
    return _(
        "Sign-in for this account is paused for a few minutes after repeated "
        "failures. Please wait and try again, or reset your password."
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked account: JSON under /api/, a page elsewhere."""
    if request.path_info.startswith("/api/"):
        from .api import json_error

        return json_error(
            429,
            "locked_out",
            locked_out_message(),
            retry_after=signin_retry_after(),
        )
    response: HttpResponse = render(request, "lms/locked_out.html", status=429)
    return response


# --- The second factor ---------------------------------------------------------


def second_factor_enabled(user: User) -> bool:
    """Whether the account has an authenticator app (so sign-in needs a code)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def second_factor_verify(user: User, code: str) -> bool:
    """Whether ``code`` is the authenticator's current code or an unused recovery code.

    A code is good once: allauth remembers used TOTP codes for their period
    and strikes recovery codes off.
    """
    from allauth.mfa.models import Authenticator

    code = (code or "").strip()
    if not code:
        return False
    for authenticator in Authenticator.objects.filter(
        user=user, type__in=_TYPED_FACTORS
    ).order_by("type"):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


def second_factor_role(user: User) -> bool:
    """Staff, trainers and editors: the people the Secretariat can make use two-factor."""
    if user.is_staff or user.is_superuser:
        return True
    names = list(user.groups.values_list("name", flat=True))
    return any(
        name in (SECRETARIAT_GROUP, TRAINERS_GROUP) or name.startswith("Editors: ")
        for name in names
    )


def second_factor_setup_required(user: User) -> bool:
    """Whether this person must set up an authenticator before anything else.

    Only when ``REQUIRE_TWO_FACTOR`` is on, for staff, trainers and editors.
    """
    return (
        bool(getattr(settings, "REQUIRE_TWO_FACTOR", False))
        and user.is_authenticated
        and second_factor_role(user)
        and not second_factor_enabled(user)
    )
