"""WCAG 2.2 AA: axe-core finds no serious or critical violation on key pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _pages():
    from django.apps import apps

    from cms.models import NewsPage

    paths = {
        "home": "/",
        "news-index": "/news/",
        "news-page": NewsPage.objects.get(slug="world-cities-summit-2022").url,
        "search": "/search/?q=Chengdu",
        "office": "/offices/asia-chengdu/",
        "home-ko": "/ko/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
    }
    try:
        programme_model = apps.get_model("courses", "ProgrammePage")
    except LookupError:
        programme_model = None
    if programme_model is not None:
        programme = programme_model.objects.live().first()
        if programme is not None:
            paths["programme"] = programme.url
    return paths


def test_key_pages_have_no_serious_or_critical_axe_violations(
    seeded_live_server, e2e_page
):
    axe = Axe()
    problems = {}
    for name, path in _pages().items():
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
    page.click("a[hreflang=fr]")
    assert page.url.startswith(seeded_live_server.url + "/fr/news/")
    assert page.locator("html").get_attribute("lang") == "fr"
    context.close()
