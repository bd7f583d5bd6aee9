"""WCAG 2.2 AA: axe-core finds no serious or critical violation on key pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _public_url(server, url_path: str) -> str:
    """A page's public URL from its tree path (the site root is the home page)."""
    (home,) = server.sql(
        "SELECT p.url_path FROM wagtailcore_site s "
        "JOIN wagtailcore_page p ON p.id = s.root_page_id WHERE s.is_default_site = 1"
    )[0]
    return "/" + url_path[len(home) :]


def _pages(server):
    """Read from the server's own database (it runs in another process)."""
    (news,) = server.sql(
        "SELECT url_path FROM wagtailcore_page WHERE slug = ?",
        ("world-cities-summit-2022",),
    )[0]
    paths = {
        "home": "/",
        "news-index": "/news/",
        "news-page": _public_url(server, news),
        "search": "/search/?q=Chengdu",
        "office": "/offices/asia-chengdu/",
        "home-ko": "/ko/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
    }
    programme = server.sql(
        "SELECT p.url_path FROM wagtailcore_page p "
        "JOIN courses_programmepage c ON c.page_ptr_id = p.id "
        "WHERE p.live = 1 ORDER BY p.path LIMIT 1"
    )
    if programme:
        paths["programme"] = _public_url(server, programme[0][0])
    return paths


def test_key_pages_have_no_serious_or_critical_axe_violations(
    seeded_live_server, e2e_page
):
    axe = Axe()
    problems = {}
    for name, path in _pages(seeded_live_server).items():
        response = e2e_page.goto(seeded_live_server.url + path)
        assert response.status < 400, (name, response.status)
        screenshot(e2e_page, f"a11y-{name}")
        result = axe.run(
            e2e_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}
        )
        serious = [
            f"{violation['id']}: {violation['help']} "
            f"({[node['target'] for node in violation['nodes']][:3]})"
            for violation in result.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        if serious:
            problems[name] = serious
    assert problems == {}


def test_pages_work_without_javascript(seeded_live_server, e2e_browser):
    context = e2e_browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(seeded_live_server.url + "/news/")
    page.select_option("#news-tag", "regional-offices")
    page.click("form.filters button[type=submit]")
    assert "tag=regional-offices" in page.url
    assert page.locator("text=The Asia Regional Office opens in Chengdu").count() == 1
    page.click(".menu > summary")  # the header menu is a <details>: no JS needed
    page.click("a[hreflang=fr]")
    assert page.url.startswith(seeded_live_server.url + "/fr/news/")
    assert page.locator("html").get_attribute("lang") == "fr"
    context.close()
