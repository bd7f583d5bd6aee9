"""Search under the language prefixes: the page's language, English fallback,
and a language switcher that keeps the query."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from wagtail.models import Locale

from cms.models import NewsPage
from tests.seeded import SiteTestCase, clear_caches

pytestmark = pytest.mark.django_db

KOREAN_TITLE = "제주 스마트시티 워크숍"


class SearchLanguageTests(SiteTestCase):
    def _korean_jeju(self):
        """The Jeju news item translated into Korean (its parents copied too)."""
        english = NewsPage.objects.get(slug="jeju-workshop-2016")
        korean = english.copy_for_translation(
            Locale.objects.get(language_code="ko"), copy_parents=True
        ).specific
        korean.title = KOREAN_TITLE
        korean.summary = "제주에서 열린 첫 번째 스마트시티 워크숍 Jeju"
        with self.captureOnCommitCallbacks(execute=True):
            korean.save_revision().publish()
        return korean

    def test_search_works_under_every_language_prefix(self):
        for prefix in ["/ko", "/ru", "/es", "/fr"]:
            with self.subTest(prefix=prefix):
                # Each case as a test of its own: empty caches, default
                # language, a fresh client.
                clear_caches()
                translation.activate(settings.LANGUAGE_CODE)
                client = Client()
                response = client.get(f"{prefix}/search/?q=Chengdu")
                assert response.status_code == 200
                html = response.content.decode()
                assert f'<html lang="{prefix[1:]}"' in html
                assert f'action="{prefix}/search/"' in html
                # No translation of the news: the English page, inside this
                # language's UI.
                assert "The Asia Regional Office opens in Chengdu" in html
                assert f'href="{prefix}/news/' in html
                assert 'hreflang="en"' in html

    def test_search_shows_the_translation_of_the_active_language(self):
        self._korean_jeju()
        client = self.client
        korean = client.get("/ko/search/?q=Jeju").content.decode()
        assert KOREAN_TITLE in korean
        assert "First Jeju Workshop on Smart City and e-Government" not in korean
        assert korean.count(KOREAN_TITLE) == 1

        english = client.get("/search/?q=Jeju").content.decode()
        assert "First Jeju Workshop on Smart City and e-Government" in english
        assert KOREAN_TITLE not in english

        # A language with no translation falls back to the English page.
        russian = client.get("/ru/search/?q=Jeju").content.decode()
        assert "First Jeju Workshop on Smart City and e-Government" in russian
        assert KOREAN_TITLE not in russian

    def test_language_switcher_on_search_keeps_the_query(self):
        client = self.client
        html = client.get("/search/?q=Chengdu&type=news").content.decode()
        for code in ("ko", "ru", "es", "fr"):
            assert (
                f'href="/{code}/search/?q=Chengdu&amp;type=news" hreflang="{code}"'
                in html
            )
        korean = client.get("/ko/search/?q=Chengdu").content.decode()
        assert 'href="/search/?q=Chengdu" hreflang="en"' in korean


def test_robots_txt_keeps_crawlers_off_every_language_search(client, db):
    text = client.get("/robots.txt").content.decode()
    for path in ("/search/", "/ko/search/", "/ru/search/", "/es/search/"):
        assert f"Disallow: {path}\n" in text
