"""Full-page cache for anonymous visitors of the public site.

Rules, so that nobody ever gets someone else's page:

* Only requests without a session cookie, a messages cookie or an
  ``Authorization`` header are served from or stored in the cache: a signed-in
  user always gets a fresh render.
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
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

CACHEABLE_VIEWS = {"wagtail_serve", "news_feed"}
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/accounts/", "/static/")
HIT_HEADER = "X-Page-Cache"


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


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_anonymous_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return cached
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
