"""Every page a visitor, participant and trainer uses fits a 390 px phone and a
1280 px screen, in English and Korean, without sideways scrolling (issue 17).

Screenshots of every visit go to ``test-artifacts/layout-…png``. The compact
header (mark, main sections, a ``<details>`` menu holding search, account and
language) is checked to be short on phones, to work without JavaScript and to
give every target at least 24 × 24 px (WCAG 2.2 AA 2.5.8).
"""

import pytest

from tests.e2e.fixtures_journeys import build_data, login, shot

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)
LANGUAGES = ("en", "ko")


def _path(server, slug: str) -> str:
    (home,) = server.sql(
        "SELECT p.url_path FROM wagtailcore_site s "
        "JOIN wagtailcore_page p ON p.id = s.root_page_id WHERE s.is_default_site = 1"
    )[0]
    (url_path,) = server.sql(
        "SELECT url_path FROM wagtailcore_page WHERE slug = ? AND url_path LIKE ?",
        (slug, home + "%"),
    )[0]
    return "/" + url_path[len(home) :]


def _page_id(server, slug: str) -> int:
    return server.sql("SELECT id FROM wagtailcore_page WHERE slug = ?", (slug,))[0][0]


def _pages(server) -> dict[str, list[str]]:
    egov = _path(server, "egovframe-technical-training")
    seoul_2027 = _path(server, "seoul-program-2027")
    seoul_2016 = _path(server, "seoul-program-2016")
    live = _path(server, "digital-services-live-qa")
    (code,) = server.sql(
        "SELECT code FROM certificates_certificate WHERE status = 'valid' LIMIT 1"
    )[0]
    visitor = [
        "/",
        "/programmes/",
        "/webinars/",
        "/news/",
        "/offices/",
        "/offices/secretariat-seoul/",
        egov,
        seoul_2027,
        live,
        _path(server, "world-cities-summit-2022"),
        "/search/?q=Seoul",
        "/accounts/login/",
        "/accounts/signup/",
        "/certificates/verify/",
        f"/certificates/verify/{code}/",
    ]
    participant = [
        "/my/programmes/",
        "/my/learning/",
        "/my/certificates/",
        "/accounts/profile/",
        egov,
        seoul_2016,
        seoul_2027,
        live,
        live + "live/",
    ]
    trainer = [
        f"/programmes/{_page_id(server, 'egovframe-technical-training')}/support-slots/",
        live + "live/",
    ]
    # Trainer pages outside the language prefix (the admin's own language).
    trainer_unprefixed = [
        "/admin/trainer/",
        f"/certificates/programmes/{_page_id(server, 'seoul-program-2016')}/issue/",
    ]
    return {
        "visitor": visitor,
        "participant": participant,
        "trainer": trainer,
        "trainer_unprefixed": trainer_unprefixed,
    }


PEOPLE = {
    "visitor": None,
    "participant": "dev.hanoi@wego.example",
    "trainer": "trainer@wego.example",
}


def _visit(page, url: str, width: int, name: str) -> list[str]:
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    page.wait_for_load_state()
    # Every picture is there once it is due (lazy ones are loaded now).
    broken = page.evaluate(
        """async () => {
            const images = [...document.images];
            images.forEach(i => { i.loading = 'eager'; });
            await Promise.all(images.map(i => i.decode().catch(() => null)));
            return images.filter(i => !i.naturalWidth).map(i => i.currentSrc || i.src);
        }"""
    )
    shot(page, name)
    problems = [f"{url}: image not shown: {src}" for src in broken]
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide <= width:
        return problems
    culprits = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
        width,
    )
    return [*problems, f"{url} at {width}px is {wide}px wide: {culprits}"]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_no_page_scrolls_sideways(journey_server, new_context, who):
    pages = _pages(journey_server)
    problems = []
    for width in WIDTHS:
        context = new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        if PEOPLE[who]:
            login(page, PEOPLE[who])
        for language in LANGUAGES:
            prefix = "" if language == "en" else f"/{language}"
            for path in pages[who]:
                name = f"layout-{who}-{language}-{width}-{path.strip('/')}"
                problems += _visit(page, prefix + path, width, name)
                assert page.locator("html").get_attribute("lang") == language, path
        if who == "trainer":
            for path in pages["trainer_unprefixed"]:
                name = f"layout-{who}-{width}-{path.strip('/')}"
                problems += _visit(page, path, width, name)
        context.close()
    assert problems == []


def test_compact_header_works_without_javascript_and_has_big_targets(
    journey_server, new_context
):
    context = new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    login(page, "dev.hanoi@wego.example")
    page.goto("/ko/programmes/")
    header = page.locator(".site-header").bounding_box()
    # Mark, menu button and the four main sections: two short rows, not five.
    assert header["height"] <= 110, header
    assert page.locator(".menu-panel").is_hidden()
    page.click(".menu > summary")
    assert page.locator(".menu-panel").is_visible()
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              '.site-header a, .site-header button, .site-header summary')]
            .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width > 0 && (r.width < 24 || r.height < 24))
            .map(([text]) => text)"""
    )
    assert small == []
    shot(page, "layout-menu-open-ko-390")
    # The account and the language choice are inside the menu.
    page.click(".menu-panel a[hreflang=ru]")
    assert page.url.endswith("/ru/programmes/")
    page.click(".menu > summary")
    page.click(".menu-panel a:has-text('Мои программы')")
    assert page.url.endswith("/ru/my/programmes/")
    # The calendar feed address is offered to copy, not printed across the page.
    feed = page.locator("#feed-url")
    assert "/calendar/" in feed.input_value()
    assert feed.bounding_box()["width"] <= 390
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_page_leads_with_the_decision_at_phone_width(
    journey_server, new_context, language
):
    """Dates, format and place, who may apply, the "Can you enrol?" verdict and
    the apply button are on the first 390 × 844 screen; the summary follows."""
    context = new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    egov = _path(journey_server, "egovframe-technical-training")
    prefix = "" if language == "en" else f"/{language}"
    page.goto(prefix + egov)
    # Not signed in: the sign-in button is the action, above the fold.
    assert page.locator(".enrol-box a.button").bounding_box()["y"] < 844 - 44
    # A new eligible official: earlier journeys may have enrolled dev.hanoi.
    official = build_data(journey_server, "eligible_official")
    login(page, official["email"])
    page.goto(prefix + egov)
    shot(page, f"layout-programme-fold-{language}-390")

    def bottom(selector: str) -> float:
        box = page.locator(selector).first.bounding_box()
        return box["y"] + box["height"]

    assert bottom(".facts > div") < 844  # dates
    assert bottom(".fact-who") < 844
    assert bottom(".verdicts") < 844
    assert bottom("a[href='#application-form']") <= 844
    lead = page.locator(".programme > .lead").bounding_box()
    assert lead["y"] > bottom(".enrol-box h3")  # the summary comes after
    context.close()
