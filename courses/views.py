"""Human pages: programme page context, applying, my programmes, calendars."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import DomainError
from lms.models import User

from . import selectors, services
from .calendar import programme_ics, support_booking_ics, user_feed_ics
from .forms import (
    ApplicationForm,
    NominationForm,
    PresentationForm,
    SupportSlotForm,
)
from .models import (
    Enrolment,
    EnrolmentStatus,
    OfferState,
    ParticipantPresentation,
    ProgrammePage,
    SupportBooking,
    SupportBookingStatus,
    SupportSlot,
    WaitlistOffer,
)
from .services.notifications import endorsement_read_token


def _live_programme(pk: int) -> ProgrammePage:
    page = selectors.public_programme(pk)
    if page is None:
        raise Http404(_("There is no such programme."))
    return page


def _back(request, programme: ProgrammePage | None = None):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if programme is not None:
        return redirect(programme.url)
    return redirect("courses:my_programmes")


@login_required
@require_POST
def programme_apply(request, pk: int):
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
def programme_nominate(request, pk: int):
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


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_withdraw(request, pk: int):
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
def offer_respond(request, pk: int, action: str):
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


@login_required
@require_POST
def presentation_upload(request, pk: int):
    programme = _live_programme(pk)
    enrolment = get_object_or_404(Enrolment, programme=programme, user=request.user)
    form = PresentationForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give a title and choose a PDF file."))
        return redirect(programme.url)
    try:
        services.presentation_upload(
            enrolment=enrolment,
            user=request.user,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, _("Your presentation is shared with the group."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(programme.url)


@login_required
def letter_download(request, pk: int):
    """An applicant's letter of intent: for them, the programme's trainers and
    those who decide on its applications; 404 for anyone else."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("programme"), pk=pk)
    if not enrolment.letter_of_intent or not selectors.user_may_read_application(
        user=request.user, enrolment=enrolment
    ):
        raise Http404
    response = FileResponse(
        enrolment.letter_of_intent.open("rb"),
        content_type="application/pdf",
        filename=f"letter-of-intent-{enrolment.pk}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def presentation_download(request, pk: int):
    presentation = get_object_or_404(
        ParticipantPresentation.objects.select_related("enrolment__programme"), pk=pk
    )
    programme = presentation.enrolment.programme
    visible = selectors.presentations_visible_to(programme=programme, user=request.user)
    if presentation not in visible:
        raise Http404
    return FileResponse(
        presentation.file.open("rb"),
        content_type="application/pdf",
        filename=f"{presentation.title}.pdf",
    )


def programme_calendar(request, pk: int):
    programme = _live_programme(pk)
    response = HttpResponse(
        programme_ics(programme), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}.ics"'
    return response


def calendar_feed(request, token: str):
    """The private feed; the unguessable token in the URL is the credential."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    body = user_feed_ics(user, selectors.calendar_sessions(user=user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def my_programmes(request):
    enrolments = list(selectors.my_enrolments(user=request.user))
    for enrolment in enrolments:
        enrolment.open_offer = next(
            (o for o in enrolment.offers.all() if o.state == OfferState.OFFERED), None
        )
        enrolment.next_session = next(iter(enrolment.programme.upcoming_sessions), None)
        enrolment.completion = selectors.participant_completion(enrolment=enrolment)
    nominations = []
    if selectors.focal_point_organisation(user=request.user) is not None:
        nominations = list(selectors.nominations_by(user=request.user))
    # The feed's address is the same in every language (calendar apps keep it).
    with translation.override(None):
        feed = request.build_absolute_uri(
            reverse("courses:calendar_feed", args=[request.user.calendar_token])
        )
    return render(
        request,
        "courses/my_programmes.html",
        {
            "support_bookings": list(selectors.support_bookings_of(user=request.user)),
            "enrolments": enrolments,
            "nominations": nominations,
            "feed_url": feed,
            "user_zone": request.user.timezone or "UTC",
        },
    )


@require_http_methods(["GET", "POST"])
def endorse(request, token: str):
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


# --- technical-support slots ----------------------------------------------------


@login_required
@require_POST
def support_book(request, pk: int, slot_pk: int):
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
def support_cancel(request, pk: int):
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
def support_booking_calendar(request, pk: int):
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
def support_manage(request, pk: int):
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
def support_slot_remove(request, pk: int):
    slot = get_object_or_404(SupportSlot.objects.select_related("programme"), pk=pk)
    if not selectors.user_can_train(user=request.user, programme=slot.programme):
        raise Http404
    services.support_slot_withdraw(slot=slot, actor=request.user)
    messages.success(request, _("The slot is removed; its bookers are told."))
    return redirect("courses:support_manage", pk=slot.programme_id)
