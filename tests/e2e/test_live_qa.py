"""The live Q&A page and the presenter view as people meet them (issue 14).

Headless Chromium against the session's seeded Daphne: several people in
their own browser contexts, every change made the way they make it (the
page's buttons, over the socket), every check on what the page shows.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.fixtures_journeys import login, shot

pytestmark = pytest.mark.e2e

WEBINAR = "/offices/secretariat-seoul/digital-services-live-qa/"
LIVE_PATH = WEBINAR + "live/"
PRESENT_PATH = WEBINAR + "present/"
LIVE_WAIT_MS = 5_000


def _open(context, email: str, path: str = LIVE_PATH):
    page = context.new_page()
    login(page, email)
    page.goto(path)
    expect(page.locator("#qa-status")).to_have_attribute("data-state", "live")
    return page


def _items(page):
    return page.locator("#qa-questions li.qa-question")


def _question(page, text: str):
    return _items(page).filter(has_text=text)


def test_live_page_and_presenter_keep_what_they_were_rendered_with(new_context):
    moderator = _open(new_context(), "admin@wego.example")
    seeded = "Which open data sets should a city publish first if its budget is small?"
    first_pin = _question(moderator, seeded)
    if first_pin.get_by_role("button", name="Unpin", exact=True).count() == 0:
        first_pin.get_by_role("button", name="Pin", exact=True).click()
    moderator.locator("h1").click()
    expect(first_pin.locator(".badge-warn", has_text="Pinned")).to_be_visible(
        timeout=LIVE_WAIT_MS
    )

    presenter = _open(new_context(), "trainer@wego.example", PRESENT_PATH)
    expect(presenter.locator("#qa-pinned .qa-text")).to_have_text(seeded)
    top_before = presenter.locator("#qa-top li").count()

    watcher = _open(new_context(), "dev.tashkent@wego.example")
    before = _items(watcher).locator(".qa-text").all_text_contents()
    assert len(before) >= 3, before
    shot(watcher, "qa14-01-watcher-rendered")

    asker = _open(new_context(), "dev.quezon@wego.example")
    text = f"How do you keep a city app usable offline? {uuid.uuid4().hex[:8]}"
    asker.fill("#qa-text", text)
    asker.get_by_role("button", name="Ask", exact=True).click()
    expect(_question(watcher, text)).to_be_visible(timeout=LIVE_WAIT_MS)
    # Every question the page was opened with is still there, and one more.
    expect(_items(watcher)).to_have_count(len(before) + 1)
    for seen in before:
        expect(_question(watcher, seen)).to_have_count(1)
    # The presenter still shows the pinned question after someone else's event.
    expect(presenter.locator("#qa-pinned .qa-text")).to_have_text(seeded)
    expect(presenter.locator("#qa-top li")).to_have_count(min(5, top_before + 1))

    voted = asker.locator("#qa-questions li.qa-question").filter(
        has=asker.get_by_role("button", name="Vote", exact=True)
    )
    target = voted.first.locator(".qa-text").text_content()
    voted.first.get_by_role("button", name="Vote", exact=True).click()
    asker.locator("h1").click()
    expect(
        _question(asker, target).get_by_role("button", name="Remove my vote")
    ).to_be_visible(timeout=LIVE_WAIT_MS)
    expect(_items(watcher)).to_have_count(len(before) + 1)
    expect(presenter.locator("#qa-pinned .qa-text")).to_have_text(seeded)

    _question(moderator, text).get_by_role("button", name="Pin", exact=True).click()
    moderator.locator("h1").click()
    expect(
        _question(watcher, text).locator(".badge-warn", has_text="Pinned")
    ).to_be_visible(timeout=LIVE_WAIT_MS)
    expect(_items(watcher)).to_have_count(len(before) + 1)
    for seen in before:
        expect(_question(watcher, seen)).to_have_count(1)
    # Pinning one unpins the other: the presenter shows the new one.
    expect(presenter.locator("#qa-pinned .qa-text")).to_have_text(
        text, timeout=LIVE_WAIT_MS
    )
    expect(_question(watcher, seeded).locator(".badge-warn")).to_have_count(0)
    shot(watcher, "qa14-02-watcher-after-events")
    shot(presenter, "qa14-03-presenter-after-events")


def test_a_signed_out_page_stops_retrying_and_says_why(new_context):
    context = new_context()
    page = _open(context, "dev.pokhara@wego.example")
    reconnects = []
    page.on("websocket", lambda ws: reconnects.append(ws.url))

    other = context.new_page()
    other.goto("/accounts/logout/")
    other.locator("main form [type=submit]").first.click()
    other.wait_for_load_state()

    status = page.locator("#qa-status")
    expect(status).to_have_attribute("data-state", "refused", timeout=LIVE_WAIT_MS)
    expect(status).to_contain_text("you are signed out")
    # 4401 is final: no reconnection in the seconds a back-off would have used.
    page.wait_for_timeout(4_000)
    assert reconnects == []
    shot(page, "qa14-04-signed-out")
