"""Thin views of the lms app: health, profile, public media."""

import posixpath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.static import serve

from .forms import ProfileForm
from .health import health

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


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "lms/profile.html", {"form": form})
