"""Calendars: a programme's iCalendar file and a person's private feed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from lms.models import User

from .. import selectors
from ..calendar import programme_ics, user_feed_ics
from .base import _live_programme


def programme_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _live_programme(pk)
    response = HttpResponse(
        programme_ics(programme), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}.ics"'
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed; the unguessable token in the URL is the credential."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    body = user_feed_ics(user, selectors.calendar_sessions(user=user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
