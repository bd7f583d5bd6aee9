"""The results part of ``/search/``: the same for every visitor.

Search covers live, public pages only, so what a query finds depends on the
words, the type, the language and the host, never on who is asking. The list
is rendered once for those and kept as a shared fragment under the page-cache
generation: publishing, unpublishing, moving or deleting a page, or changing a
view restriction, makes every kept list unreachable at once, as for the other
fragments (``cms.services.fragment_get_or_build``).

What it may cost: each kept list is a few kilobytes for ``PAGE_CACHE_SECONDS``.
A visitor sending a new query every time only adds an entry per uncached search,
which costs the server about fifteen milliseconds to build, so the space a flood
can take is bounded by what the server can compute in that time (``docs/architecture.md``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale

from lms.i18n import content_language

from .selectors import page_search, search_terms
from .services import fragment_get_or_build


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


def _render_results(request: HttpRequest, *, terms: str, kind: str) -> str:
    type_labels = {
        "newspage": _("News"),
        "programmepage": _("Programme"),
        "webinarpage": _("Webinar"),
    }
    default_locale_id = Locale.get_default().id
    items = []
    for page in page_search(query=terms, kind=kind):
        url, hreflang = _url_in_active_language(page, request, default_locale_id)
        items.append(
            {
                "title": page.title,
                # An English fallback inside another interface (WCAG 3.1.2).
                "lang": content_language(page),
                "url": url,
                "hreflang": hreflang,
                "type": type_labels.get(page._meta.model_name, _("Page")),
                "summary": getattr(page, "summary", "") or page.search_description,
            }
        )
    # Rendered without the request: nothing of the visitor can reach it.
    return render_to_string("cms/includes/search_results.html", {"results": items})


def search_results_html(request: HttpRequest, *, query: str, kind: str) -> SafeString:
    """The count and list of results for ``query`` and ``kind`` (``""``: all
    types), shared by everyone searching the same words on this host in the
    active language."""
    terms = search_terms(query)
    html = fragment_get_or_build(
        "search",
        (request.get_host(), kind, terms),
        lambda: _render_results(request, terms=terms, kind=kind),
        request=request,
    )
    return mark_safe(html)  # noqa: S308 - our own rendered template
