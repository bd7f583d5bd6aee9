"""Signed-in page bodies shared between visitors, personal parts filled per
request (edge-side includes, done in the application).

Every part of a page that depends on who is looking is rendered through
``{% personal "template.html" %}`` (``cms_tags``): the account links of the
header, messages, the Wagtail user bar, a programme's enrolment box and
timetable, a webinar's registration box. When a signed-in visitor's render
of a page is stored, each of those parts is cut out and the rest is shared;
a later signed-in request for the same address gets the shared body with
only the personal templates rendered for it, without Wagtail's routing and
page render.

Rules, so that nobody ever gets someone else's page or part of it:

* Only GET requests of signed-in users for Wagtail pages (``wagtail_serve``)
  are stored, and only pages whose template is listed in
  ``shareable_templates()``: their personal parts were audited and marked.
  A webinar's live and presenter pages, for example, are not listed.
* A response is stored only if it is a 200 HTML ``TemplateResponse`` for a
  page without view restrictions, set no cookie of its own (the CSRF and
  session cookies come later, per request), did not use the CSP nonce, is
  not private or no-store, holds the header's account, messages and user bar
  parts, and, once the personal parts are cut out, contains no form token
  and neither the visitor's e-mail address nor their name.
* The key is the scheme, host, full path with its query string, the active
  language and the generation that ``cms.services.page_cache_purge`` bumps
  whenever a page is published, unpublished, moved or deleted. Entries live
  ``PAGE_CACHE_SECONDS`` at most, as anonymous pages do, which bounds how
  stale time-dependent parts (a webinar going live) can be.
* Personal parts are filled with a context like the full render's: the
  page's own ``get_context`` (or the route's context function the template
  names) plus the context processors, so CSRF tokens, messages, eligibility
  and enrolment are those of this request.
* The programme page's enrolment box and viewer sections (``visitor_parts()``)
  are also kept per visitor, so a repeated view costs no ``get_context``.
  Their key adds to the page's the visitor's id, a hash of the CSRF secret
  they came with (a log-in rotates it) and the state versions of ``courses.services.cache_versions``: the programme's (its
  enrolments, offers, groups, support slots and bookings, presentations),
  the visitor's (their account, skills, groups, enrolments) and everyone's
  (organisations). The versions are read before the page's context is
  computed, so a change committed meanwhile leaves the copy unreachable.
  The forms' tokens are not kept: each is filled in again from this
  request's secret, as ``{% csrf_token %}`` does.
  Time alone (an enrolment window closing, an offer or a slot passing)
  changes them for at most ``PAGE_CACHE_SECONDS``. Messages are never kept.

The middleware comes last, after sessions, locale, CSRF, authentication,
messages and CSP, so a served entry goes back through all of them: it gets
its CSRF cookie, security headers and CSP exactly as a full render does.
"""

import functools
import hashlib
import pickle  # noqa: S403 - our own cache entries, written below
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from wagtail import hooks

HIT_HEADER = "X-Signed-In-Cache"
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/accounts/", "/static/")

# Page templates whose personal parts all go through ``{% personal %}``: this
# app's; the apps above it register theirs with the ``signed_in_cache_pages``
# hook (``PersonalPages``), as they add home sections with ``home_sections``.
CMS_TEMPLATES = frozenset(
    {
        "cms/home_page.html",
        "cms/news_index_page.html",
        "cms/news_page.html",
        "cms/standard_page.html",
        "cms/office_index_page.html",
        "cms/regional_office_page.html",
    }
)


@dataclass(frozen=True)
class PersonalPages:
    """What an app tells the signed-in cache about its pages.

    ``templates``: page templates whose personal parts were audited and all go
    through ``{% personal %}``. ``visitor_parts``: personal parts that may be
    kept per visitor, under the state versions ``versions(page_pk, user_pk)``
    returns for a page of type ``page_label`` (None: keep nothing); the app
    bumps those versions on every change of what the parts show.
    """

    templates: frozenset[str] = frozenset()
    page_label: str | None = None
    visitor_parts: frozenset[str] = frozenset()
    versions: Callable[[int, int], tuple | None] | None = None


@functools.cache
def _registry() -> tuple[frozenset[str], frozenset[str], dict[str, PersonalPages]]:
    """What the apps registered, read once per process (every signed-in
    request consults it): the shareable templates, the parts kept per visitor,
    and the versioned page types by label."""
    registered = [fn() for fn in hooks.get_hooks("signed_in_cache_pages")]
    templates = CMS_TEMPLATES.union(*(pages.templates for pages in registered))
    parts = frozenset().union(*(pages.visitor_parts for pages in registered))
    versioned = {
        pages.page_label: pages
        for pages in registered
        if pages.page_label is not None and pages.versions is not None
    }
    return templates, parts, versioned


def shareable_templates() -> frozenset[str]:
    return _registry()[0]


def visitor_parts() -> frozenset[str]:
    return _registry()[1]


def _versioned(page) -> PersonalPages | None:
    return _registry()[2].get(page._meta.label)


# The personal parts of ``base.html``: a page without them was not rendered
# through it, and what it shows of the visitor is unknown.
REQUIRED_PARTS = frozenset(
    {"includes/account_nav.html", "includes/messages.html", "includes/userbar.html"}
)
# Any part's marker, this render's or one replayed from elsewhere (a fragment
# cache holding a part would hold someone's personal HTML): never shared.
ANY_MARKER = re.compile(r"<!--[0-9a-f]{24}:\d+[\[\]]-->")
# ``{% csrf_token %}``'s field, its value cut out of kept parts and filled in
# per request (a part's own text is escaped: it cannot hold this).
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
EMPTY_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")(")')
# ``context=`` of ``{% personal %}``: the page's ``get_context``; any other
# value is the dotted path of a ``(request, page) -> dict`` function.
PAGE_CONTEXT = "page"


@dataclass
class Recording:
    """The personal parts of one render that may be stored."""

    key: str
    token: str = field(default_factory=lambda: secrets.token_hex(12))
    parts: list[tuple[str, str]] = field(default_factory=list)
    depth: int = 0
    # (page id, state versions, CSRF secret) before the page's context was
    # computed.
    versions: tuple | None = None

    def open(self, template_name: str, context_source: str) -> int:
        self.parts.append((template_name, context_source))
        return len(self.parts) - 1

    def wrap(self, index: int, html: str) -> str:
        return f"<!--{self.token}:{index}[-->{html}<!--{self.token}:{index}]-->"

    def pattern(self) -> re.Pattern:
        return re.compile(
            rf"<!--{self.token}:(\d+)\[-->(.*?)<!--{self.token}:\1\]-->", re.S
        )


def recording_for(request) -> Recording | None:
    """The recording of ``request``'s render, if it may be stored."""
    return getattr(request, "_signed_in_recording", None)


def _key(request) -> str:
    from .services import page_cache_generation

    raw = "|".join(
        (request.scheme, request.get_host(), request.get_full_path(), get_language())
    )
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    return f"cms:signed-in:{page_cache_generation()}:{digest}"


def _state_versions(request, page):
    pages = _versioned(page)
    if pages is None:
        return None
    return pages.versions(page.pk, request.user.pk)


def _csrf_secret(request) -> str:
    return request.META.get("CSRF_COOKIE") or ""


def _parts_key(request, key: str, versions, secret: str) -> str:
    """The key of this visitor's ``visitor_parts()`` of the page under ``key``
    for the CSRF secret they came with."""
    raw = "|".join(
        (
            key,
            str(request.user.pk),
            hashlib.sha256(secret.encode()).hexdigest(),
            ":".join(map(str, versions)),
        )
    )
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    return f"cms:signed-in-parts:{digest}"


def _store_parts(request, key: str, versions, secret: str, rendered: dict) -> None:
    """Keep this visitor's rendered ``visitor_parts()``, their forms' tokens
    cut out, for the CSRF secret they came with and, when the render gave
    them one (they had no cookie), for that one too."""
    kept = {name: CSRF_FIELD.sub(r"\1\2", html) for name, html in rendered.items()}
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 60)
    cache.set_many(
        {
            _parts_key(request, key, versions, held): kept
            for held in {secret, _csrf_secret(request)}
        },
        seconds,
    )


def _with_tokens(request, html: str) -> str:
    """A kept part with a token of this request in each form, as
    ``{% csrf_token %}`` gives (it also renews the CSRF cookie)."""
    return EMPTY_CSRF_FIELD.sub(lambda m: m[1] + get_token(request) + m[2], html)


@hooks.register("before_serve_page")
def _snapshot_state_versions(page, request, serve_args, serve_kwargs):
    """Read the state versions before the page computes its context (a change
    committed during the render then leaves the stored parts unreachable)."""
    recording = recording_for(request)
    if recording is not None:
        versions = _state_versions(request, page)
        if versions is not None:
            recording.versions = (page.pk, versions, _csrf_secret(request))


def _is_candidate(request) -> bool:
    return (
        request.method == "GET"
        and not request.path.startswith(SKIP_PREFIXES)
        and "HTTP_AUTHORIZATION" not in request.META
        and request.user.is_authenticated
    )


def _part_context(request, page, source: str, cache_: dict) -> dict:
    if source not in cache_:
        if source == PAGE_CONTEXT:
            cache_[source] = page.get_context(request)
        else:
            cache_[source] = import_string(source)(request, page)
    return cache_[source]


def _serve(request, key: str, entry: dict) -> HttpResponse:
    """The stored body with this request's personal parts rendered into it,
    or taken from this visitor's kept ``visitor_parts()``."""
    page = pickle.loads(entry["page"])  # noqa: S301 - written by _finish
    contexts: dict = {}
    versions = kept = None
    secret = _csrf_secret(request)
    kept_parts = visitor_parts()
    if any(name in kept_parts for name, _ in entry["parts"]):
        versions = _state_versions(request, page)
        if versions is not None:
            kept = cache.get(_parts_key(request, key, versions, secret))
    kept = kept or {}
    rendered: dict[str, str] = {}
    chunks = entry["chunks"]
    body = [chunks[0]]
    for (template_name, source), chunk in zip(entry["parts"], chunks[1:], strict=True):
        html = kept.get(template_name)
        if html is not None:
            html = _with_tokens(request, html)
        else:
            if source:
                context = _part_context(request, page, source, contexts)
            else:
                context = {"page": page, "self": page}
            html = render_to_string(template_name, context, request=request)
            if template_name in kept_parts:
                rendered[template_name] = html
        body.append(html.encode())
        body.append(chunk)
    if versions is not None and rendered:
        _store_parts(request, key, versions, secret, {**kept, **rendered})
    response = HttpResponse(b"".join(body))
    for name, value in entry["headers"]:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


def _shareable_page(request, response):
    """The page ``response`` renders, if the response may be shared."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "wagtail_serve":
        return None
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return None
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return None
    if getattr(request, "is_preview", False):
        return None
    if getattr(response, "template_name", None) not in shareable_templates():
        return None
    page = (getattr(response, "context_data", None) or {}).get("page")
    if page is None or not getattr(page, "pk", None) or not page.live:
        return None
    if page.get_view_restrictions().exists():
        return None
    return page


def _holds_nothing_personal(request, shared: str) -> bool:
    if "csrfmiddlewaretoken" in shared:
        return False
    user = request.user
    names = {user.email, user.get_full_name().strip()}
    return not any(len(name) >= 3 and name in shared for name in names)


def _finish(request, response, recording: Recording):
    """Cut the personal parts out of the render, store the rest if it may be
    shared, and give the visitor their page without the markers."""
    if response.streaming or not recording.parts:
        return response
    content = response.content.decode(response.charset)
    pieces = recording.pattern().split(content)
    # split() gives text, (index, inner html), text, …
    texts, found = pieces[0::3], list(zip(pieces[1::3], pieces[2::3], strict=True))
    mine = [texts[0]]
    for (_, inner), text in zip(found, texts[1:], strict=True):
        mine += [inner, text]
    response.content = "".join(mine)
    page = _shareable_page(request, response)
    if page is None:
        return response
    parts = [recording.parts[int(index)] for index, _ in found]
    shared = "".join(texts)
    if (
        len(found) != len(recording.parts)
        or not REQUIRED_PARTS <= {name for name, _ in parts}
        or ANY_MARKER.search(shared)
        or not _holds_nothing_personal(request, shared)
    ):
        return response
    # A fresh copy: the served one may hold what the render computed for
    # this visitor (counts, caches).
    clean = type(page)._default_manager.get(pk=page.pk)
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", HIT_HEADER.lower())
    ]
    entry = {
        "chunks": [text.encode(response.charset) for text in texts],
        "parts": parts,
        "headers": headers,
        "page": pickle.dumps(clean),
    }
    cache.set(recording.key, entry, getattr(settings, "PAGE_CACHE_SECONDS", 60))
    if recording.versions is not None and recording.versions[0] == page.pk:
        kept_parts = visitor_parts()
        mine_parts = {
            name: inner
            for (name, _), (_, inner) in zip(parts, found, strict=True)
            if name in kept_parts
        }
        if mine_parts:
            _page_pk, versions, secret = recording.versions
            _store_parts(request, recording.key, versions, secret, mine_parts)
    response[HIT_HEADER] = "miss"
    return response


class SignedInPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_candidate(request):
            return self.get_response(request)
        key = _key(request)
        entry = cache.get(key)
        if entry is not None:
            return _serve(request, key, entry)
        request._signed_in_cache_key = key
        response = self.get_response(request)
        recording = recording_for(request)
        if recording is not None:
            response = _finish(request, response, recording)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        key = getattr(request, "_signed_in_cache_key", None)
        match = request.resolver_match
        if key is not None and match is not None and match.url_name == "wagtail_serve":
            request._signed_in_recording = Recording(key=key)
