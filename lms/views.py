"""Thin views of the lms app: health, profile, public media."""

import posixpath
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.static import serve

from .forms import ProfileForm
from .health import health
from .i18n import redirect_in_language, user_language
from .services import user_set_language

PUBLIC_MEDIA_DIRS = {"images", "original_images"}


@never_cache
def healthz(request):
    """JSON health of database, channel layer and broker; 503 if one is down."""
    ok, checks = health()
    return JsonResponse(
        {"status": "ok" if ok else "down", **checks}, status=200 if ok else 503
    )


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


@require_POST
def set_language(request):
    """The language form's target (``language``, ``next``): the same page in
    the chosen language, remembered in the language cookie; a signed-in
    person's profile follows the choice, so e-mails and later sign-ins agree.
    ``next`` may already carry a prefix (``/ko/``): it is replaced, not
    doubled."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not next_url.startswith("/"):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
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
    next_url = request.GET.get("next") or request.POST.get("next") or default_next
    if not url_has_allowed_host_and_scheme(
        next_url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        next_url = default_next
    response = redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "lms/profile.html", {"form": form})
