"""Template tags of the public site layout."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_urlconf, translate_url
from django.utils.html import format_html
from django.utils.translation import get_language

from lms.i18n import content_language

register = template.Library()


def _translated_url(path: str, code: str) -> str:
    """``translate_url`` resolves and reverses the path on every call (several
    URL resolutions per language on every page view); its answer depends only
    on the path, the active language (locale prefixes resolve in it) and the
    URLconf, so it is remembered under those (nothing personal)."""
    return _translated_url_cached(path, code, get_language(), get_urlconf())


@lru_cache(maxsize=4096)
def _translated_url_cached(path: str, code: str, active: str, urlconf) -> str:
    return translate_url(path, code)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per UI language to the current address in that language.

    Plain links rather than a POST form: they work without JavaScript, need
    no CSRF token (so anonymous pages stay cacheable) and can be crawled.
    Wagtail pages missing in a language fall back to English (HomePage.route).
    """
    request = context.get("request")
    path = "/"
    if request is not None:
        # Keep the query (filters) but not a huge one: five copies of a
        # 10,000-character search would bloat every page.
        path = request.get_full_path()
        if len(path) > 300:
            path = request.path
    current = context.get("LANGUAGE_CODE") or settings.LANGUAGE_CODE
    return [
        {
            "code": code,
            "name": name,
            "url": _translated_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def page_description(page) -> str:
    """What a page says of itself in link previews: its search description,
    else its summary (the page types that have one), else "".

    A template's ``{{ page.summary }}`` on a page type without that field
    costs Django a ``dir()`` of the whole page class to tell a missing
    attribute from a failing property, on every view of the home page.
    """
    if page is None or page == "":
        return ""
    return getattr(page, "search_description", "") or getattr(page, "summary", "") or ""


@register.simple_tag
def lang_attr(obj) -> str:
    """`` lang="en"`` on an element holding ``obj``'s own words (its title,
    summary, body) when they are not in the interface language, else "".

    ``<h1{% lang_attr page %}>{{ page.title }}</h1>``: an English page served
    in the Korean interface (it has no Korean translation) gets
    ``<h1 lang="en">``, so that a screen reader reads it as English (WCAG
    3.1.2). It depends only on ``obj`` and the active language, so it may be
    used inside fragments cached per language. Interface strings (labels,
    buttons) stay unmarked: they are in the interface language.
    """
    code = content_language(obj)
    if not code:
        return ""
    return format_html(' lang="{}"', code)


_CLEANER = None


@register.filter
def safe_richtext(value):
    """Render rich text after passing it through Wagtail's whitelist again.

    The admin editor already strips scripts, event handlers and ``javascript:``
    links when an editor saves; content that reaches the database another way
    (imports, the shell, a future API) gets the same treatment here.
    """
    global _CLEANER  # noqa: PLW0603 - one converter, built lazily
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
    from wagtail.rich_text import RichText

    if _CLEANER is None:
        _CLEANER = EditorHTMLConverter()
    source = value.source if isinstance(value, RichText) else str(value or "")
    return RichText(_CLEANER.to_database_format(source)).__html__()


@register.filter
def safe_url(value) -> str:
    """The address if it is http(s), mailto or site-relative; otherwise '#'."""
    url = str(value or "").strip()
    if url.lower().startswith(("http://", "https://", "mailto:")) or (
        url.startswith("/") and not url.startswith("//")
    ):
        return url
    return "#"


def _may_access_admin(user) -> bool:
    """Whether ``user`` holds Wagtail's ``access_admin``, directly or through a
    group: one EXISTS query, where ``has_perm`` loads every permission the user
    has (two queries), remembered for ``PAGE_CACHE_SECONDS``.

    It only decides whether the user bar shows, on every page view of every
    signed-in visitor; the admin checks permissions itself, so a change of
    groups may take that long to show or hide the bar.
    """
    from django.contrib.auth.models import Permission
    from django.core.cache import cache
    from django.db.models import Q

    key = f"cms:admin-access:{user.pk}"
    allowed = cache.get(key)
    if allowed is None:
        allowed = (
            Permission.objects.filter(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
        cache.set(key, allowed, getattr(settings, "PAGE_CACHE_SECONDS", 60))
    return allowed


@register.simple_tag(takes_context=True)
def site_userbar(context) -> str:
    """Wagtail's user bar, asked for only when the visitor may use the admin.

    Anonymous visitors and members without admin access get nothing without
    Wagtail's permission lookups; everybody else gets ``{% wagtailuserbar %}``
    exactly as before.
    """
    from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    if not user.is_superuser and not _may_access_admin(user):
        return ""
    return wagtailuserbar(context)


class SharedFragmentNode(template.Node):
    """``{% shared_fragment "name" %}…{% endshared_fragment %}``: a part of
    the page that is the same for every visitor (the header's brand and
    navigation, the footer), rendered once per language, host and page-cache
    generation (``cms.services.fragment_get_or_build``) and reused by every
    signed-in page view.

    It is rendered *without the visitor*: ``user`` is anonymous, and
    ``request``, ``csrf_token``, ``perms`` and ``messages`` are hidden from it,
    so nothing personal can be stored in it even by mistake; what is personal
    (the account menu, the CSRF form) stays outside the tag.
    """

    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        from django.contrib.auth.models import AnonymousUser
        from django.utils.safestring import mark_safe

        from ..services import fragment_get_or_build

        request = context.get("request")
        host = request.get_host() if request is not None else ""

        def build() -> str:
            with context.push(
                request=None,
                user=AnonymousUser(),
                csrf_token="",
                perms="",
                messages=(),
            ):
                return str(self.nodelist.render(context))

        parts = (host, context.get("LANG_PREFIX", ""))
        return mark_safe(  # noqa: S308 - rendered by the template engine, escaped there
            fragment_get_or_build(f"chrome:{self.name}", parts, build, request=request)
        )


@register.tag
def shared_fragment(parser, token) -> SharedFragmentNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            "{% shared_fragment %} takes one quoted name"
        )
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(bits[1][1:-1], nodelist)
