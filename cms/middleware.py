"""Full-page cache for anonymous visitors of the public site.

Rules, so that nobody ever gets someone else's page:

* Only requests without a session cookie, a messages cookie or an
  ``Authorization`` header are served from or stored in the cache. Signed-in
  visitors get every page rendered for their own request; no HTML rendered
  for one visitor is ever stored for another.
* Only Wagtail page responses (``wagtail_serve``) and the news feed are stored,
  and only if they are 200, HTML/XML, set no cookie (a ``{% csrf_token %}``
  sets the CSRF cookie, so pages with forms are never stored), did not use the
  CSP nonce, and are not marked private.
* The key is the host, the full path with its query string (the language is in
  the path) and a generation number that ``cms.services.page_cache_purge``
  bumps whenever any page is published, unpublished, moved or deleted.
* Entries live ``PAGE_CACHE_SECONDS`` (60 s by default) at most, which bounds
  how stale time-dependent parts (a webinar going live) can be.

It sits right after WhiteNoise so it sees the final response, cookies and
security headers included, and can answer before sessions and auth run.

Requests it does not answer (signed-in visitors, misses) get the Wagtail site
and its ``SiteSettings`` from the cache instead of two queries each time
(``_prime_site``). The entry is keyed by host, port, the same generation and
a fingerprint of the three models' fields, and saving or deleting a site or
the site settings bumps the generation (``cms.signals``). It holds plain
column values, never pickled instances: those of the site, of its root page
in its own class, the home page (Wagtail routes from
``site.root_page.localized.specific`` without loading it again), and of the
settings (``lms.model_values``); each request rebuilds its own instances with
``Model.from_db``. Nothing in it is about the visitor. With the cache
unreachable, the site and settings come from the database.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

from lms.model_values import fingerprint, from_values, values_of

CACHEABLE_VIEWS = {"wagtail_serve", "news_feed"}
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/accounts/", "/static/")
HIT_HEADER = "X-Page-Cache"
SITE_KEY = "cms:site:{schema}:{generation}:{hostname}:{port}"

logger = logging.getLogger(__name__)


def _is_anonymous_request(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(SKIP_PREFIXES)
    )


def _key(request) -> str:
    from .services import page_cache_generation

    raw = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    return f"cms:page:{page_cache_generation()}:{digest}"


def _storable(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in CACHEABLE_VIEWS:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(("text/html", "application/rss+xml")):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _site_key(hostname: str, port: str) -> str:
    from wagtail.models import Page, Site

    from .models import SiteSettings
    from .services import page_cache_generation

    return SITE_KEY.format(
        schema=fingerprint(Site, Page, SiteSettings),
        generation=page_cache_generation(),
        hostname=hostname,
        port=port,
    )


def _prime_site(request) -> None:
    """Put the request's Wagtail site (root page loaded) and its settings on
    the request, from the cache when possible, as ``Site.find_for_request`` and
    ``SiteSettings.for_request`` would have: they reuse what they find there."""
    from django.apps import apps
    from django.http.request import split_domain_port
    from wagtail.models import Site

    from .models import SiteSettings

    if request.path.startswith(SKIP_PREFIXES) or hasattr(request, "_wagtail_site"):
        return
    try:
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
    except Exception:  # noqa: BLE001 - a bad Host header is Django's to reject
        return
    key = _site_key(hostname, port)
    try:
        entry = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is away: ask the database
        logger.warning("site cache unreachable", exc_info=True)
        entry = None
    site = site_settings = None
    if entry is not None:
        try:
            site_values, (root_label, root_schema, root_values), settings_values = entry
            root_model = apps.get_model(root_label)
            if fingerprint(root_model) != root_schema:
                raise ValueError(f"{root_label} has other fields now")
            site = from_values(Site, site_values)
            site.root_page = from_values(root_model, root_values)
            site_settings = from_values(SiteSettings, settings_values)
        except (TypeError, ValueError, LookupError):  # not this schema's: a miss
            logger.warning("site entry %s in another shape", key, exc_info=True)
            site = None
    if site is None:
        site = Site.find_for_request(request)
        if site is None:
            return
        site_settings = SiteSettings.for_site(site)
        # The root page in its own class (the home page), which Wagtail's
        # routing asks for on every request (``root_page.localized.specific``).
        root = site.root_page.specific
        site.root_page = root
        try:
            entry = (
                values_of(site),
                (root._meta.label, fingerprint(type(root)), values_of(root)),
                values_of(site_settings),
            )
            cache.set(key, entry, getattr(settings, "PAGE_CACHE_SECONDS", 60))
        except Exception:  # noqa: BLE001 - not kept is only a miss next time
            logger.warning("could not keep the site", exc_info=True)
    site_settings.site = site
    request._wagtail_site = site
    site_settings._request = request
    setattr(request, SiteSettings.get_cache_attr_name(), site_settings)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_anonymous_request(request):
            _prime_site(request)
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return cached
        _prime_site(request)
        response = self.get_response(request)
        if _storable(request, response):
            seconds = getattr(settings, "PAGE_CACHE_SECONDS", 60)
            patch_cache_control(response, public=True, max_age=seconds)
            patch_vary_headers(response, ("Cookie",))
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, response, seconds)
            response[HIT_HEADER] = "miss"
        return response
