"""The office index and an office's page are the same for every visitor:
signed-in visitors get them from shared fragments rendered without them,
current at once after a publish, kept per language, at a constant cost."""

import datetime

import pytest
from django.test import Client
from django.utils import translation

from cms.models import NewsIndexPage, NewsPage, RegionalOfficePage
from lms.models import User
from tests.courses.factories import make_programme
from tests.seeded import DemoTestCase

pytestmark = pytest.mark.django_db

# The session, the user and the page (its remembered route names it); the rest from
# the fragment (16 queries for the Secretariat's page and 6 for the index
# before they were shared).
OFFICE_PAGE_QUERIES = 3
OFFICE_INDEX_QUERIES = 3


def _main(html: str) -> str:
    return html.split("<main")[1].split("</main>")[0]


class OfficePagesSharedTests(DemoTestCase):
    def setUp(self):
        super().setUp()
        self.participant = User.objects.get(email="dev.hanoi@wego.example")
        self.client.force_login(self.participant)
        self.office = RegionalOfficePage.objects.get(
            office_kind="secretariat", locale__language_code="en"
        )

    def test_every_signed_in_visitor_gets_the_same_impersonal_office_pages(self):
        staff = User.objects.get(email="admin@wego.example")
        other = Client()
        other.force_login(staff)
        for url in ("/offices/", self.office.url):
            mine = self.client.get(url).content.decode()
            theirs = other.get(url).content.decode()
            assert _main(mine) == _main(theirs), url
            for person in (self.participant, staff):
                for personal in (person.email, person.first_name, person.last_name):
                    assert personal not in _main(mine), (url, personal)
            assert "csrfmiddlewaretoken" not in _main(mine)
        page = _main(self.client.get(self.office.url).content.decode())
        # What the page lists: the office, its programmes, webinars and news.
        assert "Programmes of this office" in page
        assert "Webinars of this office" in page
        assert "News from this office" in page
        assert page.count('class="card') >= 3
        index = _main(self.client.get("/offices/").content.decode())
        offices = RegionalOfficePage.objects.live().filter(locale__language_code="en")
        assert index.count('<li class="card">') == offices.count()
        for office in offices:
            assert office.title in index

    def test_the_office_pages_cost_the_same_few_queries_however_much_is_listed(self):
        url = self.office.url
        self.client.get(url)
        self.client.get("/offices/")
        with self.assertMaxNumQueries(OFFICE_PAGE_QUERIES):
            self.client.get(url)
        with self.assertMaxNumQueries(OFFICE_INDEX_QUERIES):
            self.client.get("/offices/")

        news_index = NewsIndexPage.objects.get(slug="news")
        for n in range(4):
            item = NewsPage(
                title=f"Secretariat bulletin {n}",
                slug=f"secretariat-bulletin-{n}",
                date=datetime.date(2030, 1, 1) + datetime.timedelta(days=n),
                summary="From the Secretariat",
                office=self.office,
            )
            news_index.add_child(instance=item)
            self.publish(item)
        with self.captureOnCommitCallbacks(execute=True):
            for n in range(3):
                make_programme(office=self.office, title=f"Secretariat course {n}")

        # Each published item shows at once (the fragment is rebuilt once)…
        cold = self.client.get(url).content.decode()
        for n in range(4):
            assert f"Secretariat bulletin {n}" in cold
        # …the office lists its six next programmes, the new ones among them.
        assert "Secretariat course 0" in cold
        with self.assertMaxNumQueries(OFFICE_PAGE_QUERIES):  # …then reused
            warm = self.client.get(url).content.decode()
        assert _main(warm) == _main(cold)

    def test_an_unpublished_office_leaves_the_index_at_once(self):
        africa = RegionalOfficePage.objects.get(
            office_kind="africa", locale__language_code="en"
        )
        assert africa.title in _main(self.client.get("/offices/").content.decode())
        with self.captureOnCommitCallbacks(execute=True):
            africa.unpublish()
        index = _main(self.client.get("/offices/").content.decode())
        assert africa.title not in index
        assert self.client.get(africa.url or "/offices/africa/").status_code == 404

    def test_each_language_has_its_own_office_page(self):
        english = _main(self.client.get(self.office.url).content.decode())
        korean = _main(self.client.get("/ko" + self.office.url).content.decode())
        with translation.override("ko"):
            heading = translation.gettext("News from this office")
        assert heading != "News from this office"
        assert heading in korean and heading not in english
        assert "News from this office" in english
        # Links inside the shared page keep the visitor's language.
        assert 'href="/ko/news/?office=' in korean
        assert 'href="/news/?office=' in english
