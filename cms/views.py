from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control

from .search_results import search_results_html
from .selectors import SEARCH_MAX_QUERY, SEARCH_TYPES

SEARCH_TYPE_LABELS = {
    "news": gettext_lazy("News"),
    "programme": gettext_lazy("Programmes"),
    "webinar": gettext_lazy("Webinars"),
    "page": gettext_lazy("Other pages"),
}


@cache_control(public=True, max_age=86400)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /calendar/",
        "Disallow: /search/",
        *(
            f"Disallow: /{code}/search/"
            for code, _name in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        ),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def search(request):
    """``/search/?q=&type=``: live news, programmes, webinars and pages."""
    raw_query = request.GET.get("q", "")
    kind = request.GET.get("type", "")
    notices = []
    status = 200
    if kind and kind not in SEARCH_TYPES:
        notices.append(_("Unknown type of result; showing every type."))
        kind = ""
        status = 400
    if len(raw_query) > SEARCH_MAX_QUERY:
        notices.append(
            _("Your search was shortened to its first %(n)s characters.")
            % {"n": SEARCH_MAX_QUERY}
        )
    response = render(
        request,
        "cms/search.html",
        {
            "query": raw_query[:SEARCH_MAX_QUERY],
            "kind": kind,
            "types": [(key, SEARCH_TYPE_LABELS[key]) for key in SEARCH_TYPES],
            "results_html": search_results_html(request, query=raw_query, kind=kind)
            if raw_query[:SEARCH_MAX_QUERY]
            else "",
            "notices": notices,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
