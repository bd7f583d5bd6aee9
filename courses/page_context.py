"""What the programme pages show: computed here, not in the page models.

``ProgrammeIndexPage`` lists programmes through ``programme_index_context``;
``ProgrammePage`` gets the parts that are the same for everyone from the
fragment cache (``programme_shared_fragment``) and the visitor's own state
(enrolment, offer, eligibility, slides, support slots) per request, each
looked up once (``programme_page_context``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from cms.services import fragment_get_or_build

from . import selectors
from .forms import (
    ApplicationForm,
    NominationForm,
    PresentationForm,
    ProgrammeFilterForm,
)
from .models import EnrolmentStatus, ProgrammePage, SessionKind
from .rules import rules_who_may_apply

PAGE_SIZE = 12


# A listing's address longer than this is rendered but not kept (nobody links it).
MAX_KEPT_QUERY = 300


def programme_index_context(request, index=None) -> dict:
    """The filterable, paginated listing for ``ProgrammeIndexPage`` ``index``,
    as ``listing_html``.

    The listing (filter form, cards, pager) is the same for every visitor: a
    GET form, no token, nothing about who is looking. It is rendered without
    the request and kept as a shared fragment per host, index, language and
    filters under the page-cache generation, as the news index is; a listing
    whose filters do not validate is rendered every time and never kept.
    """
    query = request.GET.copy()
    kept_query = urlencode(sorted(query.lists()), doseq=True)
    refused: dict = {}

    def build() -> str | None:
        choices = selectors.programme_filter_choices()
        form = ProgrammeFilterForm(
            request.GET or None, offices=choices["offices"], topics=choices["topics"]
        )
        valid = form.is_valid()
        filters = form.cleaned_data if valid else {}
        when = filters.get("when") or "upcoming"
        programmes = selectors.programme_list(
            office=filters.get("office") or None,
            kind=filters.get("kind") or None,
            topic=filters.get("topic") or None,
            format=filters.get("format") or None,
            is_open=True if filters.get("open") else None,
            when=when,
        )
        page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
        without_page = query.copy()
        without_page.pop("page", None)
        html = render_to_string(
            "courses/includes/programme_index_listing.html",
            {
                "filter_form": form,
                "programmes": page,
                "when": when,
                "query_string": without_page.urlencode(),
            },
        )
        if (request.GET and not valid) or len(kept_query) > MAX_KEPT_QUERY:
            refused["html"] = html
            return None
        return html

    html = fragment_get_or_build(
        "programme-index",
        (request.get_host(), getattr(index, "pk", None), kept_query),
        build,
        request=request,
    )
    return {
        "listing_html": mark_safe(  # noqa: S308 - our own rendered template
            refused["html"] if html is None else html
        )
    }


def programme_shared_fragment(
    programme: ProgrammePage, request, *, viewer_timezone: str | None
) -> dict:
    """The parts of the page that are the same for every visitor.

    The office line, the facts (dates, topics, partners...), the hero image
    and the page body, and the timetable, rendered once per language, viewer time zone and page-cache
    generation (publishing any page makes it unreachable), so that the
    number of sessions, topics and partners costs nothing per request.
    Nothing in it depends on who is looking apart from their time zone.
    """

    def build() -> dict:
        sessions = list(programme.sessions.all())
        shared = {
            "page": programme,
            "office": programme.office,
            "topics": list(programme.topics.all()),
            "partners": list(programme.partners.all()),
            "timetable": selectors.programme_timetable(
                programme=programme, viewer_timezone=viewer_timezone
            ),
            "viewer_timezone": viewer_timezone,
            "who_may_apply": rules_who_may_apply(programme.rules),
        }
        has_presentations = any(
            s.kind == SessionKind.PARTICIPANT_PRESENTATION for s in sessions
        )
        return {
            "office_line": render_to_string(
                "courses/includes/programme_office_line.html", shared
            ),
            "facts": render_to_string("courses/includes/programme_facts.html", shared),
            "hero_body": render_to_string(
                "courses/includes/programme_hero_body.html", shared
            ),
            "timetable": render_to_string(
                "courses/includes/programme_timetable.html", shared
            ),
            "has_presentations": has_presentations,
            # The upload form's fields, unbound: the same for every participant
            # (the form around them, with its CSRF token, is rendered per request).
            "presentation_fields": PresentationForm().as_div()
            if has_presentations
            else "",
        }

    return fragment_get_or_build(
        "programme",
        (programme.pk, programme.live_revision_id, viewer_timezone or ""),
        build,
        request=request,
    )


def programme_page_context(programme: ProgrammePage, request) -> dict:
    """Shared parts from the fragment cache; the visitor's own state (their
    enrolment, offer, eligibility, slides and support slots) per request,
    each looked up once."""
    user = request.user
    viewer_tz = user.timezone if user.is_authenticated else None
    shared = programme_shared_fragment(programme, request, viewer_timezone=viewer_tz)
    viewer = selectors.programme_viewer(programme=programme, user=user)
    enrolment = viewer.enrolment
    eligible, verdicts = (False, [])
    open_offer = selectors.open_offer_of(enrolment=enrolment)
    # Someone who withdrew may apply again, judged as a newcomer.
    may_reapply = enrolment is None or (
        enrolment.status == EnrolmentStatus.WITHDRAWN and not programme.is_past
    )
    if user.is_authenticated and may_reapply:
        eligible, verdicts = selectors.programme_eligibility(
            programme=programme, user=user
        )
    can_apply = user.is_authenticated and may_reapply and eligible and programme.is_open
    nomination_org = (
        selectors.focal_point_organisation(user=user) if programme.is_open else None
    )
    show_slides = shared["has_presentations"] and (
        viewer.is_confirmed or viewer.can_train
    )
    nomination_size = (
        selectors.delegation_size_limit(
            programme=programme, organisation=nomination_org
        )
        if nomination_org is not None
        else 0
    )
    return {
        "shared": shared,
        "viewer_timezone": viewer_tz,
        "eligible": eligible,
        "verdicts": verdicts,
        "enrolment": enrolment,
        "completion": selectors.participant_completion(enrolment=enrolment),
        "open_offer": open_offer,
        "can_apply": can_apply,
        "may_reapply": may_reapply and enrolment is not None,
        "application_form": ApplicationForm(
            programme=programme,
            group_size=selectors.delegation_size_limit(
                programme=programme,
                organisation=user.organisation,
                leaving_out=user,
            ),
        )
        if can_apply
        else None,
        "nomination_org": nomination_org,
        "nomination_form": NominationForm(
            programme=programme,
            organisation=nomination_org,
            size=nomination_size,
        )
        if nomination_size
        else None,
        "nomination_full": selectors.quota_verdict_for(
            programme=programme, organisation=nomination_org
        )
        if nomination_org is not None and not nomination_size
        else None,
        "seats_left": viewer.seats_left,
        "presentations": selectors.cohort_presentations(programme=programme)
        if show_slides
        else [],
        "presentation_form": shared["presentation_fields"]
        if shared["has_presentations"] and viewer.is_confirmed
        else None,
        "login_url": f"{reverse('account_login')}?next={programme.url}",
        **_support_context(programme, user, viewer),
    }


def _support_context(programme: ProgrammePage, user, viewer) -> dict:
    if not (viewer.is_confirmed or viewer.can_train):
        return {"support_slots": None}
    slots = selectors.support_slots_for(programme=programme, user=user)
    if not slots and not viewer.can_train:
        return {"support_slots": None}
    return {
        "support_slots": slots,
        "support_manage": viewer.can_train,
        "support_limit": programme.support_bookings_per_participant,
    }
