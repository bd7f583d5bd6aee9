"""Enrolment actions: applying, nominating, withdrawing, answering offers, endorsing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import DomainError

from .. import selectors, services
from ..forms import ApplicationForm, NominationForm
from ..models import Enrolment, EnrolmentStatus, WaitlistOffer
from ..services.notifications import endorsement_read_token
from .base import _back, _live_programme, _safe_next


@login_required
@require_POST
def programme_apply(request: HttpRequest, pk: int) -> HttpResponseBase:
    programme = _live_programme(pk)
    form = ApplicationForm(request.POST, request.FILES, programme=programme)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect(programme.url)
    try:
        enrolment = services.enrolment_apply(
            programme=programme,
            user=request.user,
            answers=form.answers(),
            letter=form.cleaned_data.get("letter_of_intent"),
            colleagues=form.cleaned_data.get("colleagues") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(programme.url)
    if enrolment.group_id:
        count = enrolment.group.members.count()
        if enrolment.status == EnrolmentStatus.CONFIRMED:
            messages.success(
                request,
                _("Your delegation of %(n)s has confirmed seats.") % {"n": count},
            )
        elif enrolment.status == EnrolmentStatus.WAITLISTED:
            messages.info(
                request,
                _(
                    "Your delegation of %(n)s waits together from number %(pos)s "
                    "on the waitlist."
                )
                % {"n": count, "pos": enrolment.waitlist_position},
            )
        else:
            messages.success(
                request,
                _("Your delegation's applications were received."),
            )
    elif enrolment.status == EnrolmentStatus.CONFIRMED:
        messages.success(request, _("Your seat is confirmed."))
    elif enrolment.status == EnrolmentStatus.WAITLISTED:
        messages.info(
            request,
            _("All seats are taken: you are number %(n)s on the waitlist.")
            % {"n": enrolment.waitlist_position},
        )
    else:
        messages.success(
            request, _("Application received; we will e-mail you the decision.")
        )
    return redirect(programme.url)


def _nominated_message(enrolments: list[Enrolment]) -> str:
    names = ", ".join(e.user.email for e in enrolments)
    status = enrolments[0].status
    if status == EnrolmentStatus.CONFIRMED:
        return _("Nominated %(list)s: their seats are confirmed.") % {"list": names}
    if status == EnrolmentStatus.WAITLISTED:
        return _(
            "Nominated %(list)s: they wait together from number %(pos)s on the "
            "waitlist."
        ) % {"list": names, "pos": enrolments[0].waitlist_position}
    return _(
        "Nominated %(list)s: their applications were received; we will e-mail "
        "them the decision."
    ) % {"list": names}


@login_required
@require_http_methods(["GET", "POST"])
def programme_nominate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A city's focal point nominates its officials; refusals stay in the form."""
    programme = _live_programme(pk)
    organisation = selectors.focal_point_organisation(user=request.user)
    if organisation is None:
        raise Http404
    size = selectors.delegation_size_limit(
        programme=programme, organisation=organisation
    )
    form = NominationForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        organisation=organisation,
        size=size,
    )
    if request.method == "POST" and form.is_valid():
        # The service re-checks the quota under the seat lock, whatever
        # the form offered.
        try:
            enrolments = services.enrolment_nominate(
                programme=programme,
                nominator=request.user,
                emails=form.cleaned_data["emails"],
                answers=form.answers(),
            )
        except DomainError as exc:
            problems = exc.extra.get("colleagues") or {}
            for email, problem in problems.items():
                form.add_error("emails", f"{email}: {problem}")
            if not problems:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _nominated_message(enrolments))
            return redirect(programme.url)
    return render(
        request,
        "courses/nominate.html",
        {
            "programme": programme,
            "organisation": organisation,
            "form": form if size else None,
            "full": None
            if size
            else selectors.quota_verdict_for(
                programme=programme, organisation=organisation
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    """GET: the confirmation page (what withdrawing means); POST: withdraw.

    Works without JavaScript: the programme page and My programmes link
    here, and only the button on this page withdraws.
    """
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("programme", "group"),
        pk=pk,
        user=request.user,
    )
    if request.method == "POST":
        try:
            services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
            messages.success(request, _("You have withdrawn your application."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return _back(request)
    programme = enrolment.programme
    colleagues = []
    if enrolment.group_id:
        colleagues = [
            e
            for e in selectors.delegation_members(enrolment=enrolment)
            if e.pk != enrolment.pk
        ]
    return render(
        request,
        "courses/withdraw_confirm.html",
        {
            "enrolment": enrolment,
            "programme": programme,
            "refusal": selectors.withdrawal_refusal(enrolment=enrolment),
            "holds_seat": enrolment.status in Enrolment.HOLDS_SEAT,
            "colleagues": colleagues,
            "next": _safe_next(request) or programme.url,
        },
    )


@login_required
@require_POST
def offer_respond(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    offer = get_object_or_404(WaitlistOffer, pk=pk, enrolment__user=request.user)
    try:
        if action == "accept":
            services.offer_accept(offer=offer, user=request.user)
            messages.success(request, _("Your seat is confirmed."))
        else:
            services.offer_decline(offer=offer, user=request.user)
            messages.info(request, _("You declined the seat; thank you for saying."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request)


@require_http_methods(["GET", "POST"])
def endorse(request: HttpRequest, token: str) -> HttpResponseBase:
    """The focal point's page, reached from the signed link in their e-mail."""
    try:
        enrolment_id, email = endorsement_read_token(token)
    except signing.BadSignature as exc:
        raise Http404 from exc
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("programme", "user", "organisation"),
        pk=enrolment_id,
    )
    if request.method == "POST":
        try:
            services.enrolment_endorse(
                enrolment=enrolment,
                endorser_email=email,
                endorse=request.POST.get("decision") == "endorse",
                actor=request.user if request.user.is_authenticated else None,
            )
            messages.success(request, _("Thank you: your answer was recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request.path)
    return render(
        request,
        "courses/endorse.html",
        {
            "enrolment": enrolment,
            "pending": enrolment.status == EnrolmentStatus.PENDING_ENDORSEMENT,
            "members": selectors.delegation_members(enrolment=enrolment),
        },
    )
