"""WCAG 3.1.2 (Language of Parts): a page without a translation is served in
English inside the visitor's interface language (``/ko/programmes/`` is
``<html lang="ko">``); its own words carry ``lang="en"`` so that a screen
reader reads them as English, while the interface around them (labels,
buttons) stays unmarked, in the interface language."""

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import translation
from wagtail.models import Locale, Page

from lms.i18n import content_language, locale_ids
from lms.models import User
from tests.seeded import DemoTestCase


def _main(client: Client, path: str) -> tuple[BeautifulSoup, BeautifulSoup]:
    response = client.get(path)
    assert response.status_code == 200, path
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return soup, soup.find("main")


def _lang(element) -> str | None:
    """The language a screen reader uses for ``element``: its own ``lang``
    or its nearest ancestor's."""
    while element is not None:
        if element.has_attr("lang"):
            return element["lang"]
        element = element.parent
    return None


def _without_lang_prefix(path: str) -> str:
    return path.removeprefix("/ko").removeprefix("/fr") or "/"


@pytest.mark.django_db
def test_content_language_is_the_locale_of_the_words_when_not_the_interface_one(
    django_assert_num_queries,
):
    english = Locale.objects.get(language_code="en")
    korean, _ = Locale.objects.get_or_create(language_code="ko")
    root = Page.objects.get(depth=1)  # an English page
    cache.clear()
    locale_ids()  # warmed: what every page view finds in the cache

    with django_assert_num_queries(0):
        with translation.override("ko"):
            assert content_language(root) == "en"
            assert content_language(SimpleNamespace(locale_id=english.id)) == "en"
            assert content_language(SimpleNamespace(locale_id=korean.id)) is None
        with translation.override("en"):
            assert content_language(root) is None
            assert content_language(SimpleNamespace(locale_id=korean.id)) == "ko"
        with translation.override("ko-kr"):  # a variant is its language
            assert content_language(root) == "en"
        with translation.override("fr"):  # no French locale: not the interface's
            assert content_language(root) == "en"
        # Nothing translatable, nothing to say; an unknown locale neither.
        assert content_language(None) is None
        assert content_language("") is None
        assert content_language(SimpleNamespace(locale_id=None)) is None
        assert content_language(SimpleNamespace(locale_id=korean.id + 999)) is None


@pytest.mark.django_db
def test_lang_attr_prints_an_escaped_attribute_or_nothing():
    Locale.objects.get_or_create(language_code="ko")
    cache.clear()
    template = Template("{% load cms_tags %}<h1{% lang_attr page %}>x</h1>")
    root = Page.objects.get(depth=1)
    with translation.override("ko"):
        assert template.render(Context({"page": root})) == '<h1 lang="en">x</h1>'
        assert template.render(Context({"page": None})) == "<h1>x</h1>"
    with translation.override("en"):
        assert template.render(Context({"page": root})) == "<h1>x</h1>"


class ContentLanguageTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from wagtail.rich_text import RichText

        from courses.models import ProgrammePage

        super().setUpTestData()
        # The demo's programmes have no description: give one a body.
        programme = ProgrammePage.objects.live().public().order_by("path").first()
        programme.body = [("paragraph", RichText("<p>Two weeks in Seoul.</p>"))]
        programme.save(clean=False)

    def setUp(self) -> None:
        super().setUp()
        from courses.models import ProgrammePage

        self.programme = ProgrammePage.objects.live().public().order_by("path").first()
        with translation.override("en"):
            self.programme_path = _without_lang_prefix(self.programme.url)

    def test_an_english_listing_in_the_korean_interface_is_marked_english(self):
        soup, main = _main(self.client, "/ko/programmes/")
        assert soup.html["lang"] == "ko"
        h1 = main.find("h1")
        assert h1.get_text(strip=True) == "Programmes"
        assert h1["lang"] == "en"
        intro = main.find(class_="lead")
        assert intro is not None and _lang(intro) == "en"
        # The interface around it is Korean, and unmarked.
        with translation.override("ko"):
            filter_label = translation.gettext("Filter")
        assert filter_label != "Filter"
        button = main.find("form", class_="filters").find("button")
        assert button.get_text(strip=True) == filter_label
        assert _lang(button) == "ko"
        for heading in main.find_all("h2"):
            assert _lang(heading) == "ko", heading
        # A programme's card: its title and summary are its own words.
        card = main.find("li", class_="card")
        assert _lang(card.find("h3")) == "en"
        assert _lang(card) == "ko"  # its badges and dates are the interface's
        assert _lang(card.find("p", class_="muted")) == "ko"

    def test_the_translated_korean_home_page_is_not_marked(self):
        soup, main = _main(self.client, "/ko/")
        assert soup.html["lang"] == "ko"
        h1 = main.find("h1")
        assert h1.get_text(strip=True) == "WeGO 러닝"
        assert not h1.has_attr("lang")
        assert not main.find(class_="lead").has_attr("lang")
        # The English news and offices it lists are marked, each card's words.
        card = main.find("li", class_="news-card")
        assert _lang(card.find(["h2", "h3"])) == "en"
        assert _lang(card.find("time")) == "ko"
        offices = main.find(id="offices-heading").parent
        assert _lang(offices.find("h3")) == "en"
        assert _lang(offices.find("h2")) == "ko"

    def test_nothing_is_marked_in_english(self):
        for path in ("/", "/programmes/", "/news/", "/offices/", self.programme_path):
            with self.subTest(path=path):
                soup, main = _main(self.client, path)
                assert soup.html["lang"] == "en"
                assert main.find(attrs={"lang": True}) is None

    def test_a_french_fallback_page_is_english_inside_the_french_interface(self):
        soup, main = _main(self.client, "/fr/")
        assert soup.html["lang"] == "fr"
        assert main.find("h1")["lang"] == "en"
        news = main.find("li", class_="news-card").find("a")["href"]
        assert news.startswith("/fr/")
        soup, main = _main(self.client, news)
        article = main.find("article", class_="news")
        assert article.find("h1")["lang"] == "en"
        assert article.find(class_="page-body")["lang"] == "en"
        assert _lang(article.find("time")) == "fr"

    def test_the_programme_page_title_hero_and_body_are_marked(self):
        soup, main = _main(self.client, "/ko" + self.programme_path)
        article = main.find("article", class_="programme")
        assert article.find("h1")["lang"] == "en"
        assert article.find("section", class_="programme-body")["lang"] == "en"
        hero = article.find("figure", class_="hero")
        assert hero is None or hero["lang"] == "en"
        assert _lang(article.find("dl") or article) == "ko"

    def test_webinar_listing_and_page_are_marked_in_korean(self):
        _soup, main = _main(self.client, "/ko/webinars/")
        assert main.find("h1")["lang"] == "en"
        card = main.find("li", class_="webinar-card")
        assert _lang(card.find("h3")) == "en"
        assert _lang(card.find("p", class_="muted")) == "ko"  # its time
        _soup, main = _main(self.client, card.find("a")["href"])
        assert main.find("h1")["lang"] == "en"
        about = main.find(id="about-heading")
        if about is not None:
            assert _lang(about) == "ko"
            assert about.find_next_sibling("div")["lang"] == "en"

    def test_shared_fragments_and_cached_pages_are_kept_per_language(self):
        """The same programme's fragment, and the same listing's cached page,
        asked for in English first, are still marked in Korean (and a Korean
        rendering does not leak ``lang="en"`` into English)."""
        member = Client()
        member.force_login(User.objects.get(email="dev.hanoi@wego.example"))
        visitor = Client()
        for client in (member, visitor):
            for first, then in (("", "/ko"), ("/ko", "")):
                with self.subTest(client=client, first=first):
                    cache.clear()
                    for prefix in (first, then):
                        for path in (self.programme_path, "/news/", "/offices/"):
                            _soup, main = _main(client, prefix + path)
                            h1 = main.find("h1")
                            if prefix:
                                assert h1["lang"] == "en", prefix + path
                            else:
                                assert main.find(attrs={"lang": True}) is None, path

    def test_a_shared_fragment_rendered_without_a_request_still_knows_the_language(
        self,
    ):
        from courses.page_context import programme_shared_fragment

        request = RequestFactory().get("/ko" + self.programme_path)
        request.user = AnonymousUser()
        with translation.override("ko"):
            shared = programme_shared_fragment(
                self.programme, request, viewer_timezone=None
            )
        body = BeautifulSoup(shared["hero_body"], "html.parser")
        assert body.find("section", class_="programme-body")["lang"] == "en"
