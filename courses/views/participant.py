"""A participant's pages and files: my programmes, presentations, letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.errors import DomainError

from .. import selectors, services
from ..forms import PresentationForm
from ..models import Enrolment, OfferState, ParticipantPresentation
from .base import _live_programme


@login_required
@require_POST
def presentation_upload(request: HttpRequest, pk: int) -> HttpResponseBase:
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
def letter_download(request: HttpRequest, pk: int) -> HttpResponseBase:
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
def presentation_download(request: HttpRequest, pk: int) -> HttpResponseBase:
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


@login_required
def my_programmes(request: HttpRequest) -> HttpResponseBase:
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
