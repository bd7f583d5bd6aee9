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
