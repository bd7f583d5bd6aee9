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

The English words of such a fallback page are marked as English inside the
Korean interface (``content_language``, ``{% lang_attr %}`` in ``cms_tags``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant

from lms import request_memo
from lms.request_memo import remembered

logger = logging.getLogger(__name__)


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


LOCALE_IDS_KEY = "lms:locale-ids"
LOCALE_IDS_SECONDS = 3600


def locale_ids() -> dict[str, int]:
    """Every Wagtail locale's id by language code.

    Wagtail looks the active locale up by its code on every page view (to
    find the home page in the visitor's language); the table changes only when
    an administrator adds or removes a language, which forgets this at once
    (``forget_locale_ids``). Kept in the shared cache (without it, asked of
    the database) and read once per request (``lms.request_memo``).
    """
    return remembered(LOCALE_IDS_KEY, _read_locale_ids)


def _read_locale_ids() -> dict[str, int]:
    from django.core.cache import cache
    from wagtail.models import Locale

    try:
        found = cache.get(LOCALE_IDS_KEY)
    except Exception:  # noqa: BLE001 - the cache is away: ask the database
        found = None
    if found is None:
        found = dict(Locale.objects.values_list("language_code", "id"))
        try:
            cache.set(LOCALE_IDS_KEY, found, LOCALE_IDS_SECONDS)
        except Exception:  # noqa: BLE001 - not kept is only a miss next time
            logger.warning("could not keep the locale ids", exc_info=True)
    return found


def forget_locale_ids(**kwargs) -> None:
    """Signal receiver: a locale was saved or deleted (now and after commit)."""
    from django.core.cache import cache
    from django.db import transaction

    def forget() -> None:
        request_memo.forget(LOCALE_IDS_KEY)
        try:
            cache.delete(LOCALE_IDS_KEY)
        except Exception:  # noqa: BLE001 - it expires on its own
            logger.warning("could not forget the locale ids", exc_info=True)

    forget()
    transaction.on_commit(forget)


def active_locale_id() -> int | None:
    """The id of the active language's Wagtail locale, as
    ``Locale.get_active()`` finds it, or None when there is none."""
    from wagtail.coreutils import get_supported_content_language_variant

    try:
        code = get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return None
    return locale_ids().get(code)


def content_language(obj: object) -> str | None:
    """The language code of ``obj``'s own words when they are not in the
    interface language, else None.

    Pages missing in a language are served in its interface in English
    (``HomePage.route``): ``/ko/programmes/`` is ``<html lang="ko">`` around
    an English title and intro. The elements holding such words carry
    ``lang="en"`` (WCAG 3.1.2, Language of Parts) so that screen readers do
    not read them with Korean pronunciation. ``obj`` is anything with a
    Wagtail ``locale_id`` (a page, a translatable snippet); None, or an object
    without a locale, gives None. No query: the locale table comes from
    ``locale_ids``.
    """
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None or locale_id == active_locale_id():
        return None
    for code, known_id in locale_ids().items():
        if known_id == locale_id:
            return code
    # A locale added since the table was kept: its code is unknown here, and
    # a wrong one would be worse than none.
    return None


class LanguageKeepingPage:
    """Mixin for every page type: an English page's address carries the
    active interface language's prefix (``/ko/offices/…``), where it is served
    in that language. Translated pages already reverse in their own language.

    ``localized_draft`` (and so Wagtail's ``localized``) is Wagtail's own,
    with the active locale's id taken from ``locale_ids`` instead of a query.
    """

    @property
    def localized_draft(self):
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return self
        locale_id = active_locale_id()
        if locale_id is None or locale_id == self.locale_id:
            return self
        return self.get_translation_or_none(locale_id) or self

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
