"""Template tags of the public site layout."""

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


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
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


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
