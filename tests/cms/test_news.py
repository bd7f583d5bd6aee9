import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own feed

from cms.models import HomePage, NewsIndexPage, NewsPage, RegionalOfficePage
from tests.seeded import SiteTestCase


def _add_news(index, n, office=None, tags=("bulk",), start=0):
    for i in range(start, start + n):
        page = NewsPage(
            title=f"Bulk news {index.pk}-{i}",
            slug=f"bulk-{index.pk}-{i}",
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            summary="Bulk item",
            office=office,
        )
        index.add_child(instance=page)
        page.tags.set(list(tags))
        page.save_revision().publish()


class NewsTests(SiteTestCase):
    def test_news_index_lists_the_demo_history_newest_first(self):
        html = self.client.get("/news/").content.decode()
        assert "World Cities Summit 2022" in html
        assert "Mayors Forum" in html
        assert html.index("World Cities Summit 2022") < html.index("Mayors Forum")

    def test_news_index_filters_by_tag_and_office(self):
        html = self.client.get("/news/?tag=regional-offices").content.decode()
        assert "opens in Chengdu" in html
        assert "World Cities Summit 2022" not in html
        html = self.client.get("/news/?office=eurasia-ulyanovsk").content.decode()
        assert "Ulyanovsk Region" in html
        assert "opens in Chengdu" not in html

    def test_unknown_filter_or_page_number_gives_a_styled_not_found(self):
        for query in ("tag=nope", "office=atlantis", "page=99", "page=abc"):
            response = self.client.get(f"/news/?{query}")
            assert response.status_code == 404, query
            html = response.content.decode()
            assert "<main" in html
            assert "Traceback" not in html

    def test_news_index_paginates(self):
        index = NewsIndexPage.objects.get(slug="news")
        _add_news(index, 12)
        first = self.client.get("/news/").content.decode()
        assert 'rel="next"' in first
        second = self.client.get("/news/?page=2")
        assert second.status_code == 200
        assert 'rel="prev"' in second.content.decode()

    def test_news_page_shows_hero_picture_in_modern_formats_and_related_news(self):
        response = self.client.get("/news/secretariat-seoul/jeju-workshop-2016/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'type="image/avif"' in html
        assert 'type="image/webp"' in html
        assert "Related news" in html
        assert 'property="og:title"' in html
        assert 'name="description" content="WeGO, the Asian Development Bank' in html

    def test_news_filed_in_an_office_section_belongs_to_that_office(self):
        asia = RegionalOfficePage.objects.get(office_kind="asia")
        eurasia = RegionalOfficePage.objects.get(office_kind="eurasia")
        section = NewsIndexPage.objects.get(office=asia)
        page = NewsPage(title="Filed", slug="filed", office=eurasia)
        section.add_child(instance=page)
        page.refresh_from_db()
        assert page.office_id == asia.pk

    def test_office_page_lists_its_news(self):
        html = self.client.get("/offices/eurasia-ulyanovsk/").content.decode()
        assert "A second regional office opens in the Ulyanovsk Region" in html
        assert "World Cities Summit" not in html

    def test_home_shows_featured_news_first_then_latest(self):
        home = HomePage.objects.get(slug="home", locale__language_code="en")
        home.featured_news = NewsPage.objects.get(
            slug="world-e-government-mayors-forum-2008"
        )
        home.news_count = 2
        home.save_revision().publish()
        html = self.client.get("/").content.decode()
        section = html[html.index('id="news-heading"') :]
        assert section.index("Mayors Forum") < section.index("World Cities Summit")
        assert "Jeju" not in section.split("</section>")[0]

    def test_rss_feed_lists_live_news(self):
        response = self.client.get("/news/feed/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        channel = ET.fromstring(response.content).find("channel")  # noqa: S314
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert titles[0].startswith("WeGO Secretariat engages")
        assert len(titles) == 7

    def test_listing_pages_use_a_constant_number_of_queries(self):
        def count(url):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert self.client.get(url).status_code == 200
            return len(ctx.captured_queries)

        urls = ["/", "/news/", "/news/?tag=bulk", "/offices/asia-chengdu/"]
        # Warm up: renditions are created on first view.
        for url in urls:
            self.client.get(url, HTTP_COOKIE="sessionid=none")
        index = NewsIndexPage.objects.get(slug="news")
        asia = RegionalOfficePage.objects.get(office_kind="asia")
        _add_news(NewsIndexPage.objects.get(office=asia), 2, office=asia)
        for url in urls:
            self.client.get(url, HTTP_COOKIE="sessionid=none")
        before = {url: count(url) for url in urls}
        _add_news(NewsIndexPage.objects.get(office=asia), 8, office=asia, start=2)
        _add_news(index, 5)
        for url in urls:
            with self.assertMaxNumQueries(before[url]):
                self.client.get(url, HTTP_COOKIE="sessionid=none")
