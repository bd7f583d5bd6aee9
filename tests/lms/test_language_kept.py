"""The chosen language stays chosen (issue 17).

From ``/ko/`` every link the site prints keeps the visitor in Korean; the
account pages a participant uses exist in every language; the switcher keeps
the page (``next=/ko/`` never becomes ``/ko/ko/``); the profile's language
takes over after sign-in; sign-up asks for the time zone.
"""

import re
from contextlib import contextmanager
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from certificates.models import Certificate
from lms.models import User
from tests.seeded import DemoTestCase, clear_caches

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Addresses that are not pages of the interface: downloads, machine formats,
# the admin (in the editor's own admin language) and the API.
NOT_PAGES = (
    "/static/",
    "/media/",
    "/api/",
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/news/feed/",
)
DOWNLOADS = (".pdf", ".ics", ".json", ".xml", ".png", ".svg", ".jpg", ".csv")


class _Links(HTMLParser):
    """The site's own links on a page: every ``<a href>`` except the language
    switcher's (which links to the other languages on purpose, with
    ``hreflang``), and every form's ``action``."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "hreflang" not in attributes:
            self.links.append(attributes["href"])
        if tag == "form" and attributes.get("action"):
            self.forms.append(attributes["action"])


def _internal(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if path.startswith(NOT_PAGES) or path.endswith(DOWNLOADS):
        return None
    if "/accounts/logout/" in path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _crawl(client: Client, start: str, limit: int = 160) -> tuple[int, dict]:
    """Follow the site's links breadth first from ``start``; return how many
    pages were read and every link found outside ``start``'s prefix."""
    seen: set[str] = set()
    queue = [start]
    outside: dict[str, str] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302, 400, 403, 404, 410), url
        if response.status_code == 302 or "html" not in response["Content-Type"]:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links + parser.forms:
            target = _internal(url, href)
            if target is None:
                continue
            if not target.startswith(start):
                outside.setdefault(target, url)
            elif href in parser.links and target not in seen:
                # Same programme list with another filter is the same page.
                if "?" not in target or target.split("?")[0] not in seen:
                    queue.append(target)
    return len(seen), outside


class LanguageKeptTests(DemoTestCase):
    @contextmanager
    def _case(self, **params):
        """One case of a parametrized test, started as a test of its own was:
        empty caches, the default language active."""
        with self.subTest(**params):
            clear_caches()
            translation.activate(settings.LANGUAGE_CODE)
            yield

    def test_following_links_from_korean_home_never_leaves_korean(self):
        pages, outside = _crawl(self.client, "/ko/")
        assert pages > 40  # home, programmes, offices, webinars, news, accounts …
        assert outside == {}

    def test_following_links_signed_in_never_leaves_korean(self):
        client = self.client
        user = User.objects.get(email="dev.hanoi@wego.example")
        user.preferred_language = "ko"
        user.save()
        client.force_login(user)
        pages, outside = _crawl(client, "/ko/")
        assert pages > 40
        assert outside == {}
        # The personal pages were among them, in Korean.
        response = client.get("/ko/my/programmes/")
        assert response.status_code == 200
        assert '<html lang="ko"' in response.content.decode()

    def test_korean_profile_gets_korean_pages_after_sign_in(self):
        user = User.objects.get(email="dev.hanoi@wego.example")
        user.preferred_language = "ko"
        user.save()
        client = Client()
        response = client.post(
            "/accounts/login/?next=/my/programmes/",
            {"login": user.email, "password": "wego-demo"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/ko/my/programmes/"
        page = client.get(response["Location"])
        html = page.content.decode()
        assert '<html lang="ko"' in html
        assert "내 프로그램" in html  # "My programmes"
        # The sign-in message on that page is Korean too (it was written in the
        # language of the English log-in page: "Successfully signed in as …").
        assert "Successfully signed in" not in html
        assert "으로 로그인 되었습니다" in html  # allauth's Korean for it
        # Without a next page: the Korean home page.
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": user.email, "password": "wego-demo"}
        )
        assert response["Location"] == "/ko/"

    def test_english_profile_signing_in_on_a_korean_page_gets_english(self):
        client = Client()
        response = client.post(
            "/ko/accounts/login/?next=/ko/my/programmes/",
            {"login": "dev.hanoi@wego.example", "password": "wego-demo"},
        )
        assert response["Location"] == "/my/programmes/"

    def test_account_pages_exist_in_every_language(self):
        for language in LANGUAGES:
            with self._case(language=language):
                self._account_pages_exist_in(language)

    def _account_pages_exist_in(self, language):
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
        anonymous = Client()
        for path in (
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/certificates/verify/",
            f"/certificates/verify/{certificate.code}/",
        ):
            response = anonymous.get(prefix + path)
            assert response.status_code == 200, prefix + path
            assert f'<html lang="{language}"' in response.content.decode(), (
                prefix + path
            )
        signed_in = Client()
        signed_in.force_login(User.objects.get(email="dev.hanoi@wego.example"))
        for path in (
            "/accounts/profile/",
            "/my/programmes/",
            "/my/certificates/",
            "/my/learning/",
        ):
            response = signed_in.get(prefix + path)
            assert response.status_code == 200, prefix + path
            assert f'<html lang="{language}"' in response.content.decode(), (
                prefix + path
            )

    def test_the_qr_address_stays_one_address(self):
        certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
        response = Client().get(f"/ko/certificates/verify/?code={certificate.code}")
        assert response["Location"] == f"/ko/certificates/verify/{certificate.code}/"
        html = Client().get(f"/ko/certificates/verify/{certificate.code}/").content
        # The page is Korean, the address it tells people to share is not.
        assert (
            certificate.get_absolute_url()
            == f"/certificates/verify/{certificate.code}/"
        )
        assert b'<html lang="ko"' in html

    def test_switching_language_keeps_the_page(self):
        for language, next_url, expected in [
            ("ko", "/ko/", "/ko/"),
            ("ko", "/", "/ko/"),
            ("en", "/ko/", "/"),
            (
                "ru",
                "/ko/programmes/?kind=seoul_program",
                "/ru/programmes/?kind=seoul_program",
            ),
            ("fr", "/ko/my/programmes/", "/fr/my/programmes/"),
            ("es", "/api/docs/", "/api/docs/"),
            ("ko", "https://elsewhere.example/", "/ko/"),
        ]:
            with self._case(language=language, next_url=next_url, expected=expected):
                client = Client()  # each case its own visitor, as each test had
                response = client.post(
                    "/i18n/setlang/", {"language": language, "next": next_url}
                )
                assert response.status_code == 302
                assert response["Location"] == expected
                assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language

    def test_switching_language_signed_in_updates_the_profile(self):
        client = self.client
        user = User.objects.get(email="dev.hanoi@wego.example")
        client.force_login(user)
        client.post("/i18n/setlang/", {"language": "es", "next": "/my/programmes/"})
        user.refresh_from_db()
        assert user.preferred_language == "es"

    def test_switcher_links_keep_the_page_and_its_query(self):
        html = self.client.get("/ko/programmes/?kind=seoul_program").content.decode()
        links = dict(re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)"', html))
        by_language = {language: href for href, language in links.items()}
        assert by_language["en"] == "/programmes/?kind=seoul_program"
        assert by_language["ru"] == "/ru/programmes/?kind=seoul_program"
        assert by_language["ko"] == "/ko/programmes/?kind=seoul_program"

    def test_api_addresses_do_not_follow_accept_language(self):
        client = self.client
        body = client.get("/api/v1/programmes/", HTTP_ACCEPT_LANGUAGE="ko").json()
        assert body["results"]
        for programme in body["results"]:
            assert "/ko/" not in programme["url"]
        body = client.get("/api/v1/webinars/", HTTP_ACCEPT_LANGUAGE="ko").json()
        results = body["results"] if isinstance(body, dict) else body
        assert all("/ko/" not in webinar["url"] for webinar in results)
        sitemap = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert "/ko/offices/" not in sitemap


def test_signup_asks_for_the_time_zone(client, db):
    page = client.get("/ko/accounts/signup/").content.decode()
    assert 'name="timezone"' in page
    assert "data-browser-timezone" in page  # filled from the browser by JS
    assert "js/timezone.js" in page
    response = client.post(
        "/ko/accounts/signup/",
        {
            "email": "zone@example.org",
            "password1": "a-long-pass-phrase-42",
            "timezone": "Asia/Seoul",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="zone@example.org")
    assert user.timezone == "Asia/Seoul"
    assert user.preferred_language == "ko"
    assert mail.outbox  # the confirmation e-mail


def test_signup_rejects_an_unknown_time_zone_and_keeps_nothing(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "zone2@example.org",
            "password1": "a-long-pass-phrase-42",
            "timezone": "Mars/Olympus",
        },
    )
    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    assert not User.objects.filter(email="zone2@example.org").exists()
