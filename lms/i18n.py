"""The visitor's language stays in every address the site prints.

Human pages live under ``i18n_patterns`` with English unprefixed: ``/ko/…`` is
the Korean interface. Pages that exist only in English (most of them) are
served inside the Korean interface at ``/ko`` + their English path
(``HomePage.route`` falls back to the English tree), so a link printed on a
``/ko/`` page must carry the prefix too, or one click drops the visitor back to
English. Wagtail reverses a page's address in the *page's* language, hence
``LanguageKeepingPage``; hand-written links use ``LANG_PREFIX``.

Machine-facing addresses (the REST API, the sitemap, the RSS feed) are printed
in the default language whatever the client's ``Accept-Language``
(``in_default_language``), so that they never change with who asks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant


def active_language_prefix() -> str:
    """``"/ko"`` inside the Korean interface, ``""`` in the default language."""
    language = translation.get_language()
    if not language:
        return ""
    try:
        language = get_supported_language_variant(language)
    except LookupError:
        return ""
    if language == settings.LANGUAGE_CODE:
        return ""
    return f"/{language}"


def strip_language_prefix(path: str) -> str:
    """``/ko/programmes/`` → ``/programmes/``; ``/ko`` → ``/``; others unchanged."""
    for code, _name in settings.LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1 :] or "/"
    return path


def path_in_language(path: str, language: str) -> str:
    """The same site-relative ``path`` in ``language``'s interface.

    Any prefix it carries is dropped first, so ``/ko/`` asked for in Korean is
    ``/ko/`` (Django's ``translate_url`` resolves ``/ko/`` in English as the
    Wagtail page ``ko/`` and answers ``/ko/ko/``). Addresses outside the
    language patterns (``/api/…``) are returned as they are.
    """
    from django.urls import Resolver404, resolve, reverse

    if not path.startswith("/") or path.startswith("//"):
        return path
    bare, _sep, query = path.partition("?")
    bare = strip_language_prefix(bare)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(bare)
        except Resolver404:
            match = None
    if match is None:
        return path
    try:
        with translation.override(language):
            translated = reverse(
                match.namespace + ":" + match.url_name
                if match.namespace
                else match.url_name,
                args=match.args,
                kwargs=match.kwargs,
            )
    except Exception:  # noqa: BLE001 - an unnamed or odd route: keep it as it is
        return path
    return translated + (f"?{query}" if query else "")


class LanguageKeepingPage:
    """Mixin for every page type: an English page's address carries the
    active interface language's prefix (``/ko/offices/…``), where it is served
    in that language. Translated pages already reverse in their own language."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if not parts or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        prefix = active_language_prefix()
        # Pages of other locales reverse with their own prefix already; only
        # default-language ones come back unprefixed (checked on the path, not
        # ``self.locale``, which would cost a query per link).
        if prefix and strip_language_prefix(page_path) == page_path:
            page_path = prefix + page_path
        return site_id, root_url, page_path


def in_default_language(view: Callable) -> Callable:
    """Run a machine-facing view in the default language (stable addresses)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(
                response, "is_rendered", True
            ):
                response.render()
            return response

    return wrapped


def language_prefix(request) -> dict:
    """Context processor: ``LANG_PREFIX`` for hand-written links
    (``href="{{ LANG_PREFIX }}/programmes/"``)."""
    return {"LANG_PREFIX": active_language_prefix()}


def user_language(user) -> str | None:
    """The interface language ``user`` chose in their profile, if the site has it."""
    chosen = (getattr(user, "preferred_language", "") or "").strip()
    return chosen if chosen in dict(settings.LANGUAGES) else None


def redirect_in_language(response, language: str) -> None:
    """Point a redirect to a page of this site at the same page in ``language``
    and remember the choice in the language cookie."""
    location = response.get("Location", "")
    if location.startswith("/") and not location.startswith("//"):
        response["Location"] = path_in_language(location, language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def on_user_logged_in(sender, request, user, response=None, **kwargs) -> None:
    """After a sign-in on the site, the profile's language takes over: the
    page the person lands on (and every link on it) is in that language."""
    language = user_language(user)
    if response is None or language is None or response.status_code not in (301, 302):
        return
    redirect_in_language(response, language)
    # What the rest of this request says (allauth's "Successfully signed in"
    # message, added right after this signal) is shown on the page in that
    # language, so it is written in it too.
    translation.activate(language)
    request.LANGUAGE_CODE = language
