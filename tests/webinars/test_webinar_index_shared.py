"""The webinar index is the same for every visitor: signed-in visitors get its
live, upcoming and past lists from a shared fragment rendered without them,
current at once after a publish or an unpublish, kept per language, at a
constant cost however many webinars there are."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import translation

from cms.models import RegionalOfficePage
from lms.models import User
from tests.seeded import DemoTestCase
from tests.webinars.factories import webinar_page

pytestmark = pytest.mark.django_db

# The session, the user and the page (its remembered route names it); the
# lists from the fragment (5 queries and about 14 ms before it was shared).
WEBINAR_INDEX_QUERIES = 3


def _main(html: str) -> str:
    return html.split("<main")[1].split("</main>")[0]


def _section(html: str, heading_id: str) -> list[str]:
    """The titles of the cards under one heading of the index."""
    part = _main(html).split(f'id="{heading_id}"')[1].split("</section>")[0]
    return re.findall(r'<h3[^>]*><a href="[^"]+">([^<]+)</a></h3>', part)


class WebinarIndexSharedTests(DemoTestCase):
    def setUp(self):
        super().setUp()
        self.participant = User.objects.get(email="dev.hanoi@wego.example")
        self.client.force_login(self.participant)
        self.office = RegionalOfficePage.objects.get(
            office_kind="eurasia", locale__language_code="en"
        )

    def _webinar(self, slug: str, starts_in: datetime.timedelta, **fields):
        with self.captureOnCommitCallbacks(execute=True):
            return webinar_page(self.office, slug=slug, starts_in=starts_in, **fields)

    def test_every_visitor_gets_the_same_impersonal_index(self):
        staff = User.objects.get(email="admin@wego.example")
        other = Client()
        other.force_login(staff)
        mine = self.client.get("/webinars/").content.decode()
        assert _main(other.get("/webinars/").content.decode()) == _main(mine)
        assert _main(Client().get("/webinars/").content.decode()) == _main(mine)
        for person in (self.participant, staff):
            for personal in (person.email, person.first_name, person.last_name):
                assert personal not in _main(mine), personal
        assert "csrfmiddlewaretoken" not in _main(mine)
        assert _section(mine, "upcoming-heading") or _section(mine, "past-heading")

    def test_the_index_costs_the_same_few_queries_however_many_webinars(self):
        self.client.get("/webinars/")
        with self.assertMaxNumQueries(WEBINAR_INDEX_QUERIES):
            self.client.get("/webinars/")
        for n in range(4):
            self._webinar(f"city-data-{n}", datetime.timedelta(days=10 + n))
        cold = self.client.get("/webinars/").content.decode()
        upcoming = _section(cold, "upcoming-heading")
        for n in range(4):
            assert f"City Data {n}" in upcoming
        with self.assertMaxNumQueries(WEBINAR_INDEX_QUERIES):
            warm = self.client.get("/webinars/").content.decode()
        assert _main(warm) == _main(cold)

    def test_a_published_webinar_shows_at_once_in_its_list_and_leaves_on_unpublish(
        self,
    ):
        self.client.get("/webinars/")  # the lists are kept
        live = self._webinar("smart-mobility-live", datetime.timedelta(minutes=-5))
        past = self._webinar("open-budget-2019", datetime.timedelta(days=-400))
        html = self.client.get("/webinars/").content.decode()
        assert "Smart Mobility Live" in _section(html, "live-heading")
        assert "Open Budget 2019" in _section(html, "past-heading")
        assert "Smart Mobility Live" not in _section(html, "upcoming-heading")
        with self.captureOnCommitCallbacks(execute=True):
            live.unpublish()
            past.unpublish()
        html = self.client.get("/webinars/").content.decode()
        assert "Smart Mobility Live" not in _main(html)
        assert "Open Budget 2019" not in _main(html)

    def test_each_language_has_its_own_index(self):
        english = self.client.get("/webinars/").content.decode()
        korean = self.client.get("/ko/webinars/").content.decode()
        with translation.override("ko"):
            heading = translation.gettext("Past webinars and recordings")
        assert heading != "Past webinars and recordings"
        assert heading in _main(korean) and heading not in _main(english)
        # Links inside the shared lists keep the visitor's language.
        assert re.search(r'<h3[^>]*><a href="/ko/', _main(korean))
        assert not re.search(r'<h3[^>]*><a href="/ko/', _main(english))
