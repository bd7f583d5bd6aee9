"""Wagtail's read-only pages API (/api/v2/) for partners mirroring content."""

from cms.models import NewsPage
from tests.seeded import SiteTestCase


class PagesApiTests(SiteTestCase):
    def test_pages_api_lists_live_news_with_requested_fields(self):
        response = self.client.get(
            "/api/v2/pages/?type=cms.NewsPage&fields=date,summary"
        )
        assert response.status_code == 200
        data = response.json()
        titles = {item["title"] for item in data["items"]}
        assert "First Jeju Workshop on Smart City and e-Government" in titles
        assert data["meta"]["total_count"] == len(data["items"])
        assert all("date" in item and "summary" in item for item in data["items"])

    def test_pages_api_never_shows_drafts(self):
        client = self.client
        page = NewsPage.objects.get(slug="jeju-workshop-2016")
        page.unpublish()
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
        titles = {
            item["title"]
            for item in client.get("/api/v2/pages/?type=cms.NewsPage").json()["items"]
        }
        assert "First Jeju Workshop on Smart City and e-Government" not in titles

    def test_pages_api_errors_use_the_api_error_shape(self):
        client = self.client
        bad = client.get("/api/v2/pages/?colour=blue")
        assert bad.status_code == 400
        assert bad.json()["code"] == "invalid"
        assert "colour" in bad.json()["detail"]
        unknown_type = client.get("/api/v2/pages/?type=cms.Nothing")
        assert unknown_type.status_code == 400
        assert set(unknown_type.json()) == {"code", "detail", "request_id"}
        missing = client.get("/api/v2/pages/999999/")
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"

    def test_pages_api_search_ignores_punctuation(self):
        response = self.client.get('/api/v2/pages/?search="Jeju')
        assert response.status_code == 200
        titles = {item["title"] for item in response.json()["items"]}
        assert "First Jeju Workshop on Smart City and e-Government" in titles
