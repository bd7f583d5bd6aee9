"""Where a path leads, and which view restrictions apply, without asking the
database every time.

Wagtail finds the page for ``/offices/secretariat-seoul/seoul-program-2016/``
one level at a time: for each level a child lookup and a query for its
specific page, eight queries for a programme before anything is rendered; then
two more for view restrictions. Both answers are the same for every visitor
and change only when pages are published, unpublished, moved or deleted, or a
restriction changes, which is exactly what bumps the page-cache generation
(``cms.services.page_cache_generation``). So, under that generation:

* ``route_cached`` remembers where a path under a home page ended: the
  specific model, the page id, its ``url_path`` and how many path components
  that page took (never a Page object). On a hit the page is loaded by id and
  ``url_path`` (one query; an id that now names another page is a miss) and
  routes the rest of the path itself (a routable page's sub-route), so what
  a page's own ``route`` decides is decided as before. Misses, 404s and
  previews are never stored.
* ``restrictions_may_apply`` says whether any view restriction could apply to
  a page: the paths of restricted pages and whether any alias exists are read
  once per generation; a page under no restricted path, in a site without
  aliases (an alias takes its source's restrictions), needs no query.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

ROUTE_KEY = "cms:route:{generation}:{root}:{digest}"
RESTRICTIONS_KEY = "cms:restricted-paths:{generation}"
# Routes with more components than this are not remembered (nobody links them).
MAX_COMPONENTS = 12


def _seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 60) * 10


def route_cached(root, request, path_components: list[str], route: Callable):
    """``route(request, path_components)`` for the home page ``root``, from
    the remembered destination when there is one (see the module docstring)."""
    from .services import page_cache_generation

    if (
        not path_components
        or len(path_components) > MAX_COMPONENTS
        or getattr(request, "is_preview", False)
    ):
        return route(request, path_components)
    raw = "/".join(path_components)
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    key = ROUTE_KEY.format(
        generation=page_cache_generation(), root=root.pk, digest=digest
    )
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is away: route as Wagtail does
        logger.warning("route cache unreachable", exc_info=True)
        found = None
    if found is not None:
        label, pk, url_path, consumed = found
        model = apps.get_model(label)
        page = model._default_manager.filter(
            pk=pk, url_path=url_path, live=True
        ).first()
        if page is not None and consumed <= len(path_components):
            return page.route(request, path_components[consumed:])
    result = route(request, path_components)
    page = result[0]
    consumed = page.depth - root.depth
    if 0 < consumed <= len(path_components):
        try:
            cache.set(
                key, (page._meta.label, page.pk, page.url_path, consumed), _seconds()
            )
        except Exception:  # noqa: BLE001
            logger.warning("route cache unreachable", exc_info=True)
    return result


def _restricted_paths() -> tuple[tuple[str, ...], bool]:
    from wagtail.models import Page, PageViewRestriction

    from .services import page_cache_generation

    key = RESTRICTIONS_KEY.format(generation=page_cache_generation())
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001
        found = None
    if found is None:
        paths = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
        aliases = Page.objects.filter(alias_of__isnull=False).exists()
        found = (paths, aliases)
        try:
            cache.set(key, found, _seconds())
        except Exception:  # noqa: BLE001
            logger.warning("restriction cache unreachable", exc_info=True)
    return found


def restrictions_may_apply(page) -> bool:
    """False when no view restriction can apply to ``page`` (no query then)."""
    paths, aliases = _restricted_paths()
    if not paths:
        return False
    if aliases or page.alias_of_id is not None:
        return True
    return any(page.path.startswith(path) for path in paths)


class CachedViewRestrictions:
    """Page mixin: ``get_view_restrictions`` answers from the cached paths when
    none can apply, and asks Wagtail otherwise."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        if not restrictions_may_apply(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
