"""Anonymous pages are cached safely, light, and the right language."""

import re

from django.contrib.staticfiles import finders
from django.test import Client

from cms.models import HomePage, NewsPage
from lms.models import User
from tests.seeded import SiteTestCase

WEIGHT_LIMIT = 100 * 1024
PHONE_WIDTH = 400


class AnonymousPageCacheTests(SiteTestCase):
    def test_anonymous_pages_are_cached_with_public_cache_headers(self):
        first = self.client.get("/news/")
        assert first["X-Page-Cache"] == "miss"
        assert "public" in first["Cache-Control"]
        assert "Cookie" in first["Vary"]
        assert not first.cookies
        second = self.client.get("/news/")
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content

    def test_publishing_a_page_purges_the_anonymous_cache(self):
        self.client.get("/news/")
        assert self.client.get("/news/")["X-Page-Cache"] == "hit"
        page = NewsPage.objects.get(slug="jeju-workshop-2016")
        page.title = "Jeju Workshop, renamed"
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()
        response = self.client.get("/news/")
        assert response["X-Page-Cache"] == "miss"
        assert "Jeju Workshop, renamed" in response.content.decode()

    def test_signed_in_users_never_get_cached_anonymous_html(self):
        anonymous = self.client.get("/")
        assert "Sign in" in anonymous.content.decode()
        user = User.objects.get(email="dev.hanoi@wego.example")
        self.client.force_login(user)
        response = self.client.get("/")
        assert response.get("X-Page-Cache") is None
        assert "Sign out" in response.content.decode()
        # …and the signed-in render is not stored for anonymous visitors.
        other = Client().get("/")
        assert "Sign out" not in other.content.decode()
        assert 'name="csrfmiddlewaretoken"' not in other.content.decode()


def test_responses_setting_a_cookie_or_using_the_csp_nonce_are_never_stored():
    from django.http import HttpResponse

    from cms.middleware import _storable

    class Request:
        resolver_match = type("Match", (), {"url_name": "wagtail_serve"})()
        user = None

    response = HttpResponse("<form></form>", content_type="text/html")
    assert _storable(Request(), response) is True
    response.set_cookie("csrftoken", "abc")  # what {% csrf_token %} leads to
    assert _storable(Request(), response) is False
    with_nonce = Request()
    with_nonce._csp_nonce = "n0nce"
    assert _storable(with_nonce, HttpResponse("x", content_type="text/html")) is False


class LanguageTests(SiteTestCase):
    def test_translated_page_shows_in_its_locale_and_missing_ones_fall_back(self):
        korean = self.client.get("/ko/")
        assert korean.status_code == 200
        html = korean.content.decode()
        assert 'lang="ko"' in html
        assert "WeGO 러닝" in html
        # No Korean news index exists: the English one is served, Korean UI around it.
        fallback = self.client.get("/ko/news/")
        assert fallback.status_code == 200
        assert "World Cities Summit 2022" in fallback.content.decode()
        assert '<html lang="ko"' in fallback.content.decode()
        french = self.client.get("/fr/")
        assert french.status_code == 200
        assert "WeGO Learning" in french.content.decode()
        assert self.client.get("/ko/no-such-page/").status_code == 404

    def test_interface_is_translated_in_every_ui_language(self):
        cases = [
            ("/ko", "본문으로 바로가기", "소식"),
            ("/ru", "Перейти к основному содержанию", "Новости"),
            ("/es", "Ir al contenido principal", "Noticias"),
            ("/fr", "Aller au contenu principal", "Actualités"),
        ]
        for prefix, skip_link, news in cases:
            with self.subTest(prefix=prefix):
                html = Client().get(f"{prefix}/news/").content.decode()
                assert skip_link in html
                assert f">{news}</a>" in html

    def test_language_links_point_to_each_locale(self):
        html = self.client.get("/news/").content.decode()
        for code in ("ko", "ru", "es", "fr"):
            assert f'href="/{code}/news/" hreflang="{code}"' in html
        assert 'href="/news/" hreflang="en"' in html


def _asset_bytes(client, url: str) -> int:
    if url.startswith("/static/"):
        path = finders.find(url.removeprefix("/static/"))
        if path:
            with open(path, "rb") as handle:
                return len(handle.read())
    response = client.get(url)
    assert response.status_code == 200, url
    return len(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def _chosen_candidate(srcset: str) -> str:
    """What a phone ~400 CSS px wide at 1x picks from a srcset."""
    candidates = []
    for part in srcset.split(","):
        bits = part.strip().split()
        width = (
            int(bits[1].rstrip("w")) if len(bits) > 1 and bits[1].endswith("w") else 0
        )
        candidates.append((width, bits[0]))
    candidates.sort()
    for width, url in candidates:
        if width >= PHONE_WIDTH:
            return url
    return candidates[-1][1]


def first_view_weight(client, url: str) -> int:
    """HTML + CSS + images + fonts a phone downloads on a first visit to ``url``."""
    html = client.get(url).content.decode()
    total = len(html.encode())
    assets = set(re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html))
    assets |= set(re.findall(r'<script[^>]+src="([^"]+)"', html))
    for picture in re.findall(r"<picture>(.*?)</picture>", html, re.S):
        sources = re.findall(r'srcset="([^"]+)"', picture)
        if sources:  # the first <source> is AVIF, which phones support
            assets.add(_chosen_candidate(sources[0]))
    outside = re.sub(r"<picture>.*?</picture>", "", html, flags=re.S)
    for tag in re.findall(r"<img[^>]+>", outside):
        srcset = re.search(r'srcset="([^"]+)"', tag)
        src = re.search(r'src="([^"]+)"', tag)
        if srcset:
            assets.add(_chosen_candidate(srcset.group(1)))
        elif src and not src.group(1).startswith("data:"):
            assets.add(src.group(1))
    for asset in assets:
        total += _asset_bytes(client, asset.replace("&amp;", "&"))
    return total


class PageWeightTests(SiteTestCase):
    def test_key_pages_weigh_at_most_100_kb_on_first_view(self):
        news_page = NewsPage.objects.get(slug="world-cities-summit-2022")
        urls = ["/", "/news/", news_page.url]
        from django.apps import apps

        programme_model = apps.get_model("courses", "ProgrammePage")
        programme = programme_model.objects.live().first()
        if programme is not None:
            urls.append(programme.url)
        for url in urls:
            weight = first_view_weight(self.client, url)
            assert weight <= WEIGHT_LIMIT, (url, weight)
        home = HomePage.objects.get(slug="home", locale__language_code="en")
        assert first_view_weight(self.client, home.url) > 1000
