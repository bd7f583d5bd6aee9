"""Reads for the public site: news listings, related news, search.

Every listing fetches its rows with a fixed number of queries (related objects
selected or prefetched, image renditions prefetched), so a page's query count
does not grow with the number of items on it.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from .models import NewsIndexPage, NewsPage, RegionalOfficePage

# Renditions the news templates ask for; prefetching them avoids a query per image.
NEWS_RENDITIONS = (
    # Same spelling and order as the {% picture %} tags in the templates: a
    # prefetch that misses makes Wagtail re-create renditions on every render.
    "format-avif|fill-400x225",
    "format-webp|fill-400x225",
    "format-jpeg|fill-400x225",
    "format-avif|fill-800x450",
    "format-webp|fill-800x450",
    "format-jpeg|fill-800x450",
    "fill-800x450|format-jpeg",
)
# Cards (programmes, offices) and page figures use the news cards' sizes.
CARD_RENDITIONS = NEWS_RENDITIONS[:3]
FIGURE_RENDITIONS = NEWS_RENDITIONS


def images_with_renditions(*specs: str):
    """Images with the given renditions prefetched (for Prefetch("image", …))."""
    return get_image_model().objects.prefetch_renditions(*specs)


def offices_listed(index) -> QuerySet[RegionalOfficePage]:
    """The offices under the office index, each with its card picture."""
    return (
        RegionalOfficePage.objects.child_of(index)
        .live()
        .public()
        .prefetch_related(
            Prefetch("image", queryset=images_with_renditions(*CARD_RENDITIONS))
        )
    )


SEARCH_MAX_QUERY = 200
SEARCH_TYPES = ("news", "programme", "webinar", "page")


def _news_queryset() -> QuerySet[NewsPage]:
    images = get_image_model().objects.prefetch_renditions(*NEWS_RENDITIONS)
    return (
        NewsPage.objects.live()
        .public()
        .select_related("office", "locale")
        .prefetch_related("tags", Prefetch("hero_image", queryset=images))
        .defer_streamfields()
        .order_by("-date", "-pk")
    )


@dataclass
class NewsListing:
    pages: QuerySet
    tag: str = ""
    office: RegionalOfficePage | None = None
    unknown: list[str] = field(default_factory=list)


def news_list(
    *, index: NewsIndexPage, tag: str = "", office_slug: str = ""
) -> NewsListing:
    """Live news under ``index``, newest first, optionally by tag and office.

    Filter values that match nothing known are reported in ``unknown`` rather
    than silently producing an empty list, so the page can say so (404).
    """
    pages = _news_queryset().descendant_of(index)
    listing = NewsListing(pages=pages)
    if tag:
        if NewsPage.tags.through.tag_model().objects.filter(slug=tag).exists():
            listing.tag = tag
            listing.pages = listing.pages.filter(tags__slug=tag).distinct()
        else:
            listing.unknown.append("tag")
    if office_slug:
        office = RegionalOfficePage.objects.live().filter(slug=office_slug).first()
        if office is None:
            listing.unknown.append("office")
        else:
            listing.office = office
            listing.pages = listing.pages.filter(office=office)
    return listing


def news_filter_options(*, index: NewsIndexPage) -> dict:
    """Tags used by live news under ``index`` and the offices that have news."""
    news_ids = NewsPage.objects.live().public().descendant_of(index).values("pk")
    tag_model = NewsPage.tags.through.tag_model()
    tags = (
        tag_model.objects.filter(cms_newspagetag_items__content_object__in=news_ids)
        .distinct()
        .order_by("name")
    )
    offices = (
        RegionalOfficePage.objects.live()
        .filter(locale_id=Locale.get_default().id)
        .order_by("path")
        .only("pk", "title", "slug")
    )
    return {"tags": list(tags), "offices": list(offices)}


def news_latest(*, featured: NewsPage | None = None, limit: int = 3) -> list[NewsPage]:
    """The home page's news: the featured item first (if live), then the newest."""
    if limit <= 0:
        return []
    items = list(_news_queryset()[: limit + 1])
    if featured is not None and featured.live:
        items = [p for p in items if p.pk != featured.pk]
        featured_item = _news_queryset().filter(pk=featured.pk).first()
        if featured_item is not None:
            items.insert(0, featured_item)
    return items[:limit]


def news_for_office(*, office: RegionalOfficePage, limit: int = 5) -> list[NewsPage]:
    """An office page lists the news filed by (or about) that office."""
    return list(_news_queryset().filter(office=office)[:limit])


def news_related(*, page: NewsPage, limit: int = 3) -> list[NewsPage]:
    """News sharing a tag with ``page``, else from the same office, else newest."""
    others = _news_queryset().exclude(pk=page.pk)
    tag_ids = list(page.tags.values_list("pk", flat=True))
    related = []
    if tag_ids:
        related = list(others.filter(tags__in=tag_ids).distinct()[:limit])
    if len(related) < limit and page.office_id:
        seen = [p.pk for p in related]
        related += list(
            others.filter(office_id=page.office_id).exclude(pk__in=seen)[
                : limit - len(related)
            ]
        )
    if len(related) < limit:
        seen = [p.pk for p in related]
        related += list(others.exclude(pk__in=seen)[: limit - len(related)])
    return related


def news_feed_items(*, limit: int = 20) -> list[NewsPage]:
    """The RSS feed: the newest live news, whatever the office."""
    return list(_news_queryset()[:limit])


def _search_models(kind: str) -> list[type[Page]]:
    from django.apps import apps

    mapping = {
        "news": ["cms.NewsPage"],
        "programme": ["courses.ProgrammePage"],
        "webinar": ["webinars.WebinarPage"],
        "page": ["cms.StandardPage", "cms.RegionalOfficePage"],
    }
    names = mapping.get(kind) or [n for names in mapping.values() for n in names]
    models = []
    for name in names:
        try:
            models.append(apps.get_model(name))
        except LookupError:
            continue
    return models


def search_terms(query: str) -> str:
    """The words ``page_search`` looks for in ``query``, space-separated.

    Punctuation is syntax to full-text engines (an unbalanced quote is an
    FTS5 error on SQLite); people search for words, so only those are kept,
    from the first ``SEARCH_MAX_QUERY`` characters. Two queries with the same
    terms find the same pages.
    """
    return " ".join(re.sub(r"[^\w\s]", " ", query[:SEARCH_MAX_QUERY]).split())


def page_search(*, query: str, kind: str = "") -> list[Page]:
    """Live, public pages matching ``query`` among news, programmes, webinars.

    The query is cut to ``SEARCH_MAX_QUERY`` characters first: a 10,000-character
    query cannot make the backend's parser or the database work harder than a
    short one (see CVE-2024-39317), and no real search needs more.
    """
    query = search_terms(query)
    if not query:
        return []
    models = _search_models(kind)
    if not models:
        return []
    from django.contrib.contenttypes.models import ContentType

    content_types = ContentType.objects.get_for_models(*models).values()
    pages = (
        Page.objects.live()
        .public()
        .filter(content_type__in=content_types)
        .select_related("content_type")
    )
    ids = [page.pk for page in pages.search(query, operator="and")[:100]]
    ids = _in_active_locale(ids)[:50]
    # One query per page type, then back into relevance order.
    specific = {p.pk: p for p in Page.objects.filter(pk__in=ids).specific()}
    return [specific[pk] for pk in ids if pk in specific]


def _in_active_locale(ids: list[int]) -> list[int]:
    """Search hits as the visitor's language shows them, in relevance order.

    A hit in any language stands for its page: shown in the active locale's
    live translation when there is one, else in English (the default locale),
    the same fallback page routing uses; each page appears once.
    """
    active, default = Locale.get_active(), Locale.get_default()
    hits = dict(Page.objects.filter(pk__in=ids).values_list("pk", "translation_key"))
    versions = {
        (key, locale_id): pk
        for pk, key, locale_id in Page.objects.live()
        .public()
        .filter(
            translation_key__in=set(hits.values()),
            locale_id__in={active.id, default.id},
        )
        .values_list("pk", "translation_key", "locale_id")
    }
    chosen, seen = [], set()
    for pk in ids:
        key = hits.get(pk)
        if key is None or key in seen:
            continue
        target = versions.get((key, active.id)) or versions.get((key, default.id))
        if target is not None:
            seen.add(key)
            chosen.append(target)
    return chosen
