"""Technical-support slots: booking and cancelling, trainers publishing them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import DomainError

from .. import selectors, services
from ..calendar import support_booking_ics
from ..forms import SupportSlotForm
from ..models import SupportBooking, SupportBookingStatus, SupportSlot
from .base import _back, _live_programme


@login_required
@require_POST
def support_book(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponseBase:
    programme = _live_programme(pk)
    slot = get_object_or_404(SupportSlot, pk=slot_pk, programme=programme)
    try:
        services.support_slot_book(slot=slot, user=request.user)
        messages.success(
            request,
            _("Your support slot is booked; a confirmation is on its way by e-mail."),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, programme)


@login_required
@require_POST
def support_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    booking = get_object_or_404(
        SupportBooking.objects.select_related("slot__programme"),
        pk=pk,
        enrolment__user=request.user,
    )
    try:
        services.support_booking_cancel(booking=booking, user=request.user)
        messages.success(request, _("Your support booking is cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, booking.slot.programme)


@login_required
def support_booking_calendar(request: HttpRequest, pk: int) -> HttpResponseBase:
    booking = get_object_or_404(
        SupportBooking.objects.select_related("slot__programme"),
        pk=pk,
        enrolment__user=request.user,
        status=SupportBookingStatus.BOOKED,
    )
    response = HttpResponse(
        support_booking_ics(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="technical-support-{booking.pk}.ics"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def support_manage(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Trainers publish and remove the programme's support slots."""
    programme = _live_programme(pk)
    if not selectors.user_can_train(user=request.user, programme=programme):
        raise Http404
    form = SupportSlotForm(
        request.POST or None, initial={"timezone": programme.timezone}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.support_slot_publish(
                programme=programme,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                timezone_name=data["timezone"],
                capacity=data["capacity"],
                video_link=data["video_link"],
                note=data["note"],
            )
            messages.success(request, _("The slot is published."))
            return redirect(request.path)
        except DomainError as exc:
            # On the form, beside what was typed, so it can be corrected.
            form.add_error(None, exc.message)
    slots = (
        SupportSlot.objects.filter(programme=programme)
        .prefetch_related("bookings__enrolment__user")
        .order_by("starts_at")
    )
    return render(
        request,
        "courses/support_manage.html",
        {"programme": programme, "slots": slots, "form": form},
    )


@login_required
@require_POST
def support_slot_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    slot = get_object_or_404(SupportSlot.objects.select_related("programme"), pk=pk)
    if not selectors.user_can_train(user=request.user, programme=slot.programme):
        raise Http404
    services.support_slot_withdraw(slot=slot, actor=request.user)
    messages.success(request, _("The slot is removed; its bookers are told."))
    return redirect("courses:support_manage", pk=slot.programme_id)
