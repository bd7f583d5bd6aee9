"""Human pages of a webinar (Wagtail routes): overview, live Q&A, presenter, .ics.

Every page works without JavaScript: forms post here and redirect back
(post/redirect/get); ``static/webinars/qa.js`` only makes the live page live.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from lms.errors import DomainError
from lms.links import page_url

from . import services
from .models import QUESTION_MAX_LENGTH, WebinarPage
from .selectors import (
    qa_snapshot,
    user_can_moderate,
    user_is_registered,
    webinar_can_view,
    webinar_eligibility,
)

SORTS = ("top", "new")


def _live_url(page) -> str:
    return page.url + page.reverse_subpage("live")


def _context(request, page, **extra) -> dict:
    user = request.user
    registered = user_is_registered(webinar=page, user=user)
    verdicts = (
        webinar_eligibility(webinar=page, user=user)
        if user.is_authenticated and not registered
        else []
    )
    return {
        "verdicts": verdicts,
        "eligible": not any(not v.ok and v.blocking for v in verdicts),
        "page": page,
        "self": page,
        "registered": registered,
        "moderator": user_can_moderate(webinar=page, user=user),
        "live_url": _live_url(page),
        "register_url": page.url + page.reverse_subpage("register"),
        "ics_url": page.ics_url,
        "present_url": page.url + page.reverse_subpage("present"),
        **extra,
    }


def webinar_overview(request, page):
    return TemplateResponse(
        request, "webinars/webinar_page.html", _context(request, page)
    )


def webinar_register_view(request, page):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    try:
        created = services.webinar_register(webinar=page, user=request.user)[1]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(page.url)
    if created:
        messages.success(
            request, _("You are registered. A confirmation e-mail is on its way.")
        )
    else:
        messages.info(request, _("You were already registered."))
    return redirect(_live_url(page) if page.is_live else page.url)


def webinar_ics(request, pk):
    """The webinar as a calendar entry, times in UTC (calendars convert them)."""
    page = WebinarPage.objects.live().public().filter(pk=pk).first()
    if page is None:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//WeGO Learning//Webinars//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"webinar-{page.pk}@wego-learning")
    event.add("summary", page.title)
    event.add("dtstart", page.starts_at.astimezone(datetime.UTC))
    event.add("dtend", page.ends_at.astimezone(datetime.UTC))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    url = page_url(page)
    event.add("url", url)
    event.add("location", url + page.reverse_subpage("live"))
    event.add(
        "description",
        _("Live webinar of WeGO Learning. Join: %(url)s")
        % {"url": url + page.reverse_subpage("live")},
    )
    calendar.add_component(event)
    response = HttpResponse(
        calendar.to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.ics"'
    return response


def _js_strings() -> dict:
    """The live page script's words, translated on the server."""
    return {
        "connecting": _("Connecting…"),
        "live": _("Live: new questions appear as they are asked."),
        "reconnecting": _("Connection lost; reconnecting…"),
        "unavailable": _("Q&A unavailable: refresh the page to see new questions."),
        "closed_signed_out": _(
            "Live updates stopped: you are signed out. Sign in again to follow the Q&A live."
        ),
        "closed_no_access": _(
            "Live updates stopped: you do not have access to this Q&A."
        ),
        "closed_not_found": _("Live updates stopped: this webinar is not available."),
        "anonymous": _("Anonymous"),
        "anonymous_to_attendees": _("anonymous to attendees"),
        "vote": _("Vote"),
        "unvote": _("Remove my vote"),
        "votes_one": _("1 vote"),
        "votes_many": _("%(n)s votes"),
        "attendees": _("%(n)s connected"),
        "pinned": _("Pinned"),
        "answered": _("Answered"),
        "answer": _("Answer"),
        "pending": _("Waiting for approval"),
        "hidden": _("Hidden"),
        "approve": _("Approve"),
        "hide": _("Hide"),
        "restore": _("Restore"),
        "pin": _("Pin"),
        "unpin": _("Unpin"),
        "mark_answered": _("Mark answered"),
        "answer_placeholder": _("Written answer (optional)"),
        "no_questions": _("No questions yet."),
        "poll_opened": _("A new poll is open: %(question)s"),
        "poll_answer": _("Answer"),
        "poll_closed": _("Closed"),
        "poll_close": _("Close the poll"),
        "poll_choose_one": _("Choose one answer"),
        "poll_choose_many": _("Choose one or more answers"),
        "poll_your_answer": _("Your answer"),
        "poll_voters_one": _("1 person answered"),
        "poll_voters_many": _("%(n)s people answered"),
    }


def _qa_context(request, page) -> dict:
    sort = request.GET.get("sort")
    sort = sort if sort in SORTS else "top"
    snapshot = qa_snapshot(webinar=page, user=request.user)
    questions = snapshot["questions"]
    if sort == "new":
        questions = sorted(questions, key=lambda q: q["created_at"], reverse=True)
    pinned = next((q for q in questions if q["pinned"]), None)
    return {
        "questions": questions,
        "pinned": pinned,
        "sort": sort,
        "last_event_id": snapshot["last_event_id"],
        # What the page shows, for qa.js to start from (events are changes to it).
        "qa_state": {
            "questions": snapshot["questions"],
            "polls": snapshot["polls"],
            "last_event_id": snapshot["last_event_id"],
        },
        "attendees": snapshot["attendees"],
        "polls": snapshot["polls"],
        "max_length": QUESTION_MAX_LENGTH,
        "js_strings": _js_strings(),
    }


def webinar_live(request, page):
    if not webinar_can_view(webinar=page, user=request.user):
        raise Http404
    context = _context(request, page, **_qa_context(request, page))
    context["show_stream"] = bool(
        page.stream_url
        and page.is_live
        and (context["registered"] or context["moderator"])
    )
    response = TemplateResponse(request, "webinars/webinar_live.html", context)
    add_never_cache_headers(response)  # questions change by the second
    return response


def webinar_present(request, page):
    if not user_can_moderate(webinar=page, user=request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    context = _context(request, page, **_qa_context(request, page))
    visible = [q for q in context["questions"] if q["status"] == "visible"]
    context["top"] = [q for q in visible if not q["pinned"] and not q["answered"]][:5]
    response = TemplateResponse(request, "webinars/webinar_present.html", context)
    add_never_cache_headers(response)
    return response


def _post_action(request, page, action):
    """Run a form action, show its error as a message, and go back to the live page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(_live_url(page))
    try:
        notice = action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if notice:
            messages.success(request, notice)
    sort = request.POST.get("sort")
    suffix = f"?sort={sort}" if sort in SORTS else ""
    return redirect(_live_url(page) + suffix)


def live_ask(request, page):
    def action():
        question = services.question_ask(
            webinar=page,
            user=request.user,
            text=request.POST.get("text", ""),
            anonymous=request.POST.get("anonymous") == "on",
        )
        if question.status == "pending":
            return _(
                "Thank you! Your question will appear once a moderator approves it."
            )
        return _("Your question is posted.")

    return _post_action(request, page, action)


def live_vote(request, page):
    def action():
        service = (
            services.question_unvote
            if request.POST.get("action") == "unvote"
            else services.question_vote
        )
        service(
            webinar=page, user=request.user, question_id=request.POST.get("question")
        )

    return _post_action(request, page, action)


def live_moderate(request, page):
    def action():
        services.question_moderate(
            webinar=page,
            user=request.user,
            question_id=request.POST.get("question"),
            action=request.POST.get("action", ""),
            answer_text=request.POST.get("answer_text", ""),
        )

    return _post_action(request, page, action)


def live_settings(request, page):
    def action():
        services.qa_settings_update(
            webinar=page,
            user=request.user,
            asking_open=request.POST.get("asking_open") == "on",
            premoderation=request.POST.get("premoderation") == "on",
        )
        return _("Q&A settings saved.")

    return _post_action(request, page, action)


def live_polls(request, page):
    def action():
        what = request.POST.get("action")
        if what == "create":
            services.poll_create(
                webinar=page,
                user=request.user,
                question=request.POST.get("question", ""),
                options=request.POST.get("options", "").splitlines(),
                multiple=request.POST.get("multiple") == "on",
            )
            return _("The poll is open.")
        if what == "close":
            services.poll_close(
                webinar=page, user=request.user, poll_id=request.POST.get("poll")
            )
            return _("The poll is closed.")
        services.poll_vote(
            webinar=page,
            user=request.user,
            poll_id=request.POST.get("poll"),
            option_ids=request.POST.getlist("option"),
        )
        return _("Thank you for answering.")

    return _post_action(request, page, action)
