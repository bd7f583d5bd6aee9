"""Editors' side (the Series snippet) and the home/office page sections."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Series
from .selectors import webinar_listing


class SeriesViewSet(SnippetViewSet):
    model = Series
    icon = "list-ul"
    menu_label = _("Webinar series")
    list_display = ["name", "partner"]
    search_fields = ["name"]


register_snippet(SeriesViewSet)


@hooks.register("home_sections")
def home_webinars(request, page):
    """The home page shows webinars live now and the next three upcoming."""
    listing = webinar_listing()
    if not listing["live"] and not listing["upcoming"]:
        return None
    return {
        "template": "webinars/includes/home_section.html",
        "live": listing["live"],
        "upcoming": listing["upcoming"][:3],
    }


@hooks.register("office_sections")
def office_webinars(request, page):
    """An office page lists its own webinars: live, upcoming, recent past."""
    listing = webinar_listing(office=page)
    if not any(listing.values()):
        return None
    return {
        "template": "webinars/includes/office_section.html",
        "live": listing["live"],
        "upcoming": listing["upcoming"],
        "past": listing["past"][:5],
    }
