"""Thin views of the lms app: health, profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .forms import ProfileForm
from .health import health


@never_cache
def healthz(request):
    """JSON health of database, channel layer and broker; 503 if one is down."""
    ok, checks = health()
    return JsonResponse(
        {"status": "ok" if ok else "down", **checks}, status=200 if ok else 503
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "lms/profile.html", {"form": form})
