"""The results part of ``/search/``: the same for every visitor.

Search covers live, public pages only, so what a query finds depends on the
words, the type, the language and the host, never on who is asking. The list
is rendered once for those and kept as a shared fragment under the page-cache
generation: publishing, unpublishing, moving or deleting a page, or changing a
view restriction, makes every kept list unreachable at once, as for the other
fragments (``cms.services.shared_page_html``).

What it may cost: each kept list is a few kilobytes for ``PAGE_CACHE_SECONDS``.
A visitor sending a new query every time only adds an entry per uncached search,
which costs the server about fifteen milliseconds to build, so the space a flood
can take is bounded by what the server can compute in that time (``docs/architecture.md``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lms.i18n import content_language

from .selectors import page_search, search_terms
from .services import shared_page_html


def _results(request: HttpRequest, *, terms: str, kind: str) -> list[dict]:
    type_labels = {
        "newspage": _("News"),
        "programmepage": _("Programme"),
        "webinarpage": _("Webinar"),
    }
    return [
        {
            "title": page.title,
            # Search shows a page in the active language or, without a
            # translation, in English: then its link keeps the visitor's
            # language prefix (``lms.i18n.LanguageKeepingPage``) and says what
            # it leads to (``hreflang``), and its words say what they are
            # (``lang``, WCAG 3.1.2).
            "lang": content_language(page),
            "url": page.get_url(request=request) or "",
            "type": type_labels.get(page._meta.model_name, _("Page")),
            "summary": getattr(page, "summary", "") or page.search_description,
        }
        for page in page_search(query=terms, kind=kind)
    ]


def search_results_html(request: HttpRequest, *, query: str, kind: str) -> SafeString:
    """The count and list of results for ``query`` and ``kind`` (``""``: all
    types), shared by everyone searching the same words on this host in the
    active language."""
    terms = search_terms(query)
    return shared_page_html(
        request,
        "search",
        "cms/includes/search_results.html",
        lambda: {"results": _results(request, terms=terms, kind=kind)},
        kind,
        terms,
    )
