"""Search finds live, public pages only, so its results are the same for
everyone: they are rendered once per words, type, language and host, shared by
every visitor, current at once after a publish or an unpublish, at a constant
cost however many pages match."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import translation

from cms.models import NewsIndexPage, NewsPage
from lms.models import User
from tests.seeded import DemoTestCase

pytestmark = pytest.mark.django_db

# The session and the user; the results from the shared fragment (14 queries
# for "Seoul" before it was shared).
SEARCH_QUERIES = 3


def _results(html: str) -> str:
    """The results part of a search page: its count and its list."""
    main = html.split("<main")[1].split("</main>")[0]
    return main[main.index("</form>") :]


def _titles(html: str) -> list[str]:
    return re.findall(r"<h3[^>]*><a [^>]*>([^<]+)</a></h3>", _results(html))


class SearchSharedTests(DemoTestCase):
    def setUp(self):
        super().setUp()
        self.participant = User.objects.get(email="dev.hanoi@wego.example")
        self.client.force_login(self.participant)

    def _news(self, title: str, slug: str) -> NewsPage:
        item = NewsPage(
            title=title,
            slug=slug,
            date=datetime.date(2030, 1, 1),
            summary="A bulletin of the Secretariat",
        )
        NewsIndexPage.objects.get(slug="news").add_child(instance=item)
        return item

    def test_every_visitor_gets_the_same_impersonal_results(self):
        staff = User.objects.get(email="admin@wego.example")
        other = Client()
        other.force_login(staff)
        anonymous = Client()
        for url in ("/search/?q=Seoul", "/search/?q=Jeju&type=news"):
            mine = self.client.get(url).content.decode()
            assert _titles(mine), url
            assert _results(other.get(url).content.decode()) == _results(mine), url
            assert _results(anonymous.get(url).content.decode()) == _results(mine)
            for person in (self.participant, staff):
                for personal in (person.email, person.first_name, person.last_name):
                    assert personal not in _results(mine), (url, personal)
            assert "csrfmiddlewaretoken" not in _results(mine)
        # The query typed stays the visitor's own, in the form above the results.
        html = other.get("/search/?q=Seoul").content.decode()
        assert 'name="q" value="Seoul"' in html

    def test_a_search_costs_the_same_few_queries_however_many_pages_match(self):
        self.client.get("/search/?q=Seoul")
        with self.assertMaxNumQueries(SEARCH_QUERIES):
            warm = self.client.get("/search/?q=Seoul").content.decode()
        assert len(_titles(warm)) >= 3
        # The same words with other punctuation find the same pages, from the
        # same kept list.
        with self.assertMaxNumQueries(SEARCH_QUERIES):
            punctuated = self.client.get("/search/?q=Seoul!").content.decode()
        assert _titles(punctuated) == _titles(warm)
        for n in range(5):
            self.publish(self._news(f"Seoul bulletin {n}", f"seoul-bulletin-{n}"))
        cold = self.client.get("/search/?q=Seoul").content.decode()
        for n in range(5):
            assert f"Seoul bulletin {n}" in _titles(cold)
        assert len(_titles(cold)) == len(_titles(warm)) + 5
        with self.assertMaxNumQueries(SEARCH_QUERIES):
            again = self.client.get("/search/?q=Seoul").content.decode()
        assert _results(again) == _results(cold)

    def test_a_published_page_is_found_at_once_and_an_unpublished_one_is_gone(self):
        assert _titles(self.client.get("/search/?q=Zanzibar").content.decode()) == []
        item = self._news("Zanzibar e-Government forum", "zanzibar-forum")
        self.publish(item)
        found = self.client.get("/search/?q=Zanzibar").content.decode()
        assert _titles(found) == ["Zanzibar e-Government forum"]
        assert "1 result<" in found
        with self.captureOnCommitCallbacks(execute=True):
            item.unpublish()
        gone = self.client.get("/search/?q=Zanzibar").content.decode()
        assert _titles(gone) == []
        assert "0 results" in gone

    def test_each_language_and_type_has_its_own_results(self):
        english = self.client.get("/search/?q=Seoul").content.decode()
        korean = self.client.get("/ko/search/?q=Seoul").content.decode()
        with translation.override("ko"):
            programme = translation.gettext("Programme")
        assert programme != "Programme"
        assert f'<p class="muted">{programme}</p>' in _results(korean)
        assert '<p class="muted">Programme</p>' in _results(english)
        assert f'<p class="muted">{programme}</p>' not in _results(english)
        # Links found in Korean keep the visitor's language.
        assert 'href="/ko/' in _results(korean)
        assert 'href="/ko/' not in _results(english)
        # English pages found in Korean say they are English; Korean ones do not.
        assert '<h3 lang="en"><a href="/ko/' in _results(korean)
        assert 'lang="en"' not in _results(english)
        news_only = self.client.get("/search/?q=Seoul&type=news").content.decode()
        assert set(_titles(news_only)) < set(_titles(english))
        assert '<p class="muted">Programme</p>' not in _results(news_only)
