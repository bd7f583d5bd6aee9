"""Helpers the course pages share: the live programme, where to go back to."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import selectors
from ..models import ProgrammePage


def _live_programme(pk: int) -> ProgrammePage:
    page = selectors.public_programme(pk)
    if page is None:
        raise Http404(_("There is no such programme."))
    return page


def _back(
    request: HttpRequest, programme: ProgrammePage | None = None
) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if programme is not None:
        return redirect(programme.url)
    return redirect("courses:my_programmes")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
