"""Search under the language prefixes: the page's language, English fallback,
and a language switcher that keeps the query."""

import pytest
from wagtail.models import Locale

from cms.models import NewsPage

pytestmark = pytest.mark.django_db

KOREAN_TITLE = "제주 스마트시티 워크숍"


@pytest.fixture
def korean_jeju(site, django_capture_on_commit_callbacks):
    """The Jeju news item translated into Korean (its parents copied too)."""
    english = NewsPage.objects.get(slug="jeju-workshop-2016")
    korean = english.copy_for_translation(
        Locale.objects.get(language_code="ko"), copy_parents=True
    ).specific
    korean.title = KOREAN_TITLE
    korean.summary = "제주에서 열린 첫 번째 스마트시티 워크숍 Jeju"
    with django_capture_on_commit_callbacks(execute=True):
        korean.save_revision().publish()
    return korean


@pytest.mark.parametrize("prefix", ["/ko", "/ru", "/es", "/fr"])
def test_search_works_under_every_language_prefix(client, site, prefix):
    response = client.get(f"{prefix}/search/?q=Chengdu")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{prefix[1:]}"' in html
    assert f'action="{prefix}/search/"' in html
    # No translation of the news: the English page, inside this language's UI.
    assert "The Asia Regional Office opens in Chengdu" in html
    assert f'href="{prefix}/news/' in html
    assert 'hreflang="en"' in html


def test_search_shows_the_translation_of_the_active_language(client, korean_jeju):
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


def test_language_switcher_on_search_keeps_the_query(client, site):
    html = client.get("/search/?q=Chengdu&type=news").content.decode()
    for code in ("ko", "ru", "es", "fr"):
        assert f'href="/{code}/search/?q=Chengdu&amp;type=news" hreflang="{code}"' in (
            html
        )
    korean = client.get("/ko/search/?q=Chengdu").content.decode()
    assert 'href="/search/?q=Chengdu" hreflang="en"' in korean


def test_robots_txt_keeps_crawlers_off_every_language_search(client, db):
    text = client.get("/robots.txt").content.decode()
    for path in ("/search/", "/ko/search/", "/ru/search/", "/es/search/"):
        assert f"Disallow: {path}\n" in text
