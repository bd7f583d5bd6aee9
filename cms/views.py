from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from wagtail.models import Locale

from .selectors import SEARCH_MAX_QUERY, SEARCH_TYPES, page_search

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


def _url_in_active_language(page, request, default_locale_id: int) -> tuple[str, str]:
    """A result's link and, for an English fallback, its ``hreflang``.

    A fallback keeps the visitor's language: its address carries the prefix
    (``lms.i18n.LanguageKeepingPage``) and ``/ko`` + its path is served by the
    English page inside the Korean interface (``HomePage.route``).
    """
    url = page.get_url(request=request) or ""
    language = get_language()
    if (
        language
        and language != settings.LANGUAGE_CODE
        and page.locale_id == default_locale_id
    ):
        return url, settings.LANGUAGE_CODE
    return url, ""


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
    results = page_search(query=raw_query, kind=kind)
    type_labels = {
        "newspage": _("News"),
        "programmepage": _("Programme"),
        "webinarpage": _("Webinar"),
    }
    default_locale_id = Locale.get_default().id
    items = []
    for page in results:
        url, hreflang = _url_in_active_language(page, request, default_locale_id)
        items.append(
            {
                "page": page,
                "url": url,
                "hreflang": hreflang,
                "type": type_labels.get(page._meta.model_name, _("Page")),
                "summary": getattr(page, "summary", "") or page.search_description,
            }
        )
    response = render(
        request,
        "cms/search.html",
        {
            "query": raw_query[:SEARCH_MAX_QUERY],
            "kind": kind,
            "types": [(key, SEARCH_TYPE_LABELS[key]) for key in SEARCH_TYPES],
            "results": items,
            "notices": notices,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
