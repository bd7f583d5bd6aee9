from cms.models import NewsIndexPage, NewsPage, StandardPage
from tests.seeded import SiteTestCase


class SearchAndInputTests(SiteTestCase):
    def test_search_finds_news_by_words_in_its_text(self):
        response = self.client.get("/search/?q=Jeju")
        assert response.status_code == 200
        html = response.content.decode()
        assert "First Jeju Workshop on Smart City and e-Government" in html
        assert "World Cities Summit" not in html

    def test_search_type_filter_limits_results(self):
        html = self.client.get("/search/?q=Chengdu&type=news").content.decode()
        assert "The Asia Regional Office opens in Chengdu" in html
        html = self.client.get("/search/?q=Chengdu&type=page").content.decode()
        assert "The Asia Regional Office opens in Chengdu" not in html
        assert "Asia Regional Office" in html

    def test_search_handles_empty_and_very_long_queries(self):
        empty = self.client.get("/search/?q=")
        assert empty.status_code == 200
        assert "result" not in empty.content.decode().split("<main", 1)[1]
        long_query = ('"' * 50 + "x" * 3000 + " OR ") * 3
        response = self.client.get("/search/", {"q": long_query})
        assert response.status_code == 200
        assert "shortened" in response.content.decode()
        assert len(response.content) < 30_000

    def test_unknown_search_type_is_rejected_with_a_message(self):
        response = self.client.get("/search/?q=Chengdu&type=__class__")
        assert response.status_code == 400
        assert "Unknown type of result" in response.content.decode()

    def test_search_never_returns_drafts(self):
        index = NewsIndexPage.objects.get(slug="news")
        draft = NewsPage(title="Zanzibar secret draft", slug="zanzibar", live=False)
        index.add_child(instance=draft)
        draft.save_revision()
        html = self.client.get("/search/?q=Zanzibar").content.decode()
        assert "0 results" in html
        assert "Zanzibar secret draft" not in html

    def test_draft_content_never_leaks(self):
        index = NewsIndexPage.objects.get(slug="news")
        draft = NewsPage(title="Unreleased plan", slug="unreleased", live=False)
        index.add_child(instance=draft)
        draft.save_revision()
        # A live page with unpublished changes keeps showing the published text.
        live = NewsPage.objects.get(slug="jeju-workshop-2016")
        live.title = "Changed draft title"
        live.save_revision()

        assert self.client.get("/news/unreleased/").status_code == 404
        assert "Unreleased plan" not in self.client.get("/news/").content.decode()
        assert "Changed draft title" not in self.client.get(live.url).content.decode()
        api = self.client.get(
            "/api/v2/pages/?type=cms.NewsPage&fields=title&limit=20"
        ).json()
        titles = [item["title"] for item in api["items"]]
        assert "Unreleased plan" not in titles
        assert "Changed draft title" not in titles
        assert self.client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
        sitemap = self.client.get("/sitemap.xml").content.decode()
        assert "unreleased" not in sitemap
        assert "jeju-workshop-2016" in sitemap

    def test_rich_text_and_blocks_cannot_inject_scripts(self):
        index = NewsIndexPage.objects.get(slug="news")
        page = NewsPage(
            title="<script>alert(1)</script>",
            slug="xss",
            summary='"><script>alert(2)</script>',
            body=[
                {
                    "type": "paragraph",
                    "value": '<p><a href="javascript:alert(3)">x</a>'
                    "<script>alert(4)</script>"
                    '<img src="x" onerror="alert(5)"></p>',
                },
                {"type": "heading", "value": {"text": "<script>alert(6)</script>"}},
                {
                    "type": "quote",
                    "value": {"text": "<script>alert(7)</script>", "attribution": "x"},
                },
            ],
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        page_about = StandardPage.objects.get(slug="about")
        page_about.body = [
            {"type": "button", "value": {"label": "go", "url": "javascript:alert(8)"}}
        ]
        page_about.save_revision().publish()
        for url in (page.url, "/news/", "/news/feed/", page_about.url):
            html = self.client.get(url).content.decode()
            main = html.split("<main", 1)[-1]
            assert "<script>alert" not in main, url
            assert "javascript:" not in main, url
            assert "onerror=" not in main, url

    def test_robots_and_sitemap_are_served(self):
        robots = self.client.get("/robots.txt").content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in robots
        assert "Disallow: /admin/" in robots
        sitemap = self.client.get("/sitemap.xml")
        assert sitemap.status_code == 200
        assert (
            "/news/secretariat-seoul/world-cities-summit-2022/"
            in sitemap.content.decode()
        )
