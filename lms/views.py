"""Thin views of the lms app: health, profile, public media."""

import logging
import posixpath
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.static import serve

from .forms import ProfileForm
from .health import health
from .i18n import redirect_in_language, user_language
from .services import user_set_language

logger = logging.getLogger(__name__)

PUBLIC_MEDIA_DIRS = {"images", "original_images"}


@never_cache
def healthz(request):
    """JSON health of database, channel layer and broker; 503 if one is down."""
    ok, checks = health()
    if not ok:
        logger.warning("healthz: %s", checks)
    return JsonResponse(
        {"status": "ok" if ok else "down", **checks}, status=200 if ok else 503
    )


# --- Errors: JSON {code, detail} under /api/, the site's pages elsewhere -------


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _json_error(status_code: int, code: str, detail: str):
    from .api import json_error

    return json_error(status_code, code, detail)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any address under /api/ that no endpoint answers (any method, never CSRF-checked)."""
    return _json_error(404, "not_found", _("Not found."))


def bad_request(request, exception=None):
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _json_error(
                413,
                "too_large",
                _("The request body is too large: at most %(size)d bytes.")
                % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
            )
        return _json_error(400, "bad_request", _("The request is not valid."))
    if isinstance(exception, RequestDataTooBig):
        response = defaults.bad_request(request, exception)
        response.status_code = 413
        return response
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json_error(
            403,
            "permission_denied",
            _("You do not have permission to perform this action."),
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json_error(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json_error(
            500,
            "server_error",
            _("Something went wrong on our side. Please try again later."),
        )
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return _json_error(
            403,
            "csrf_failed",
            _(
                "CSRF check failed: a signed-in browser session must send the "
                "X-CSRFToken header; API clients use Authorization: Token."
            ),
        )
    return django_csrf_failure(request, reason)


def public_media(request, path: str):
    """Serve a public image file from MEDIA_ROOT (read at request time).

    The normalised path must still be inside the public image folders, so
    ``images/../documents/…`` can't reach private uploads.
    """
    normalised = posixpath.normpath(path)
    if (
        normalised.startswith("..")
        or normalised.split("/", 1)[0] not in PUBLIC_MEDIA_DIRS
    ):
        raise Http404
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)


def _safe_next(request, default: str) -> str:
    """``next`` from the form or the query when it stays on this site (a path
    on this host, not ``//elsewhere``), otherwise ``default``."""
    next_url = request.POST.get("next") or request.GET.get("next") or default
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return next_url


@require_POST
def set_language(request):
    """The language form's target (``language``, ``next``): the same page in
    the chosen language, remembered in the language cookie; a signed-in
    person's profile follows the choice, so e-mails and later sign-ins agree.
    ``next`` may already carry a prefix (``/ko/``): it is replaced, not
    doubled."""
    response = HttpResponseRedirect(_safe_next(request, "/"))
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        redirect_in_language(response, language)
        if request.user.is_authenticated and user_language(request.user) != language:
            user_set_language(user=request.user, language=language)
    return response


def admin_login(request, default_next: str = "/admin/"):
    """The Wagtail and Django admin log-ins send people to the site's sign-in.

    Their own forms check the password alone; the site's form asks for the
    second factor and applies the one lock-out policy (``lms.signin``).
    """
    next_url = _safe_next(request, default_next)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "lms/profile.html", {"form": form})
