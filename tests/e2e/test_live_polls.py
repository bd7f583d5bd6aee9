"""Live polls as attendees and a moderator meet them (issue 14, item 6).

Two attendees watch the live page in their own browsers; the moderator opens
a poll with the page's form. Without a refresh the poll appears on both
pages, one answers it, and the other sees the count change; no poll that was
on either page goes away.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.fixtures_journeys import login, shot

pytestmark = pytest.mark.e2e

LIVE_PATH = "/offices/secretariat-seoul/digital-services-live-qa/live/"
LIVE_WAIT_MS = 5_000


def _watch(context, email: str):
    page = context.new_page()
    login(page, email)
    page.goto(LIVE_PATH)
    expect(page.locator("#qa-status")).to_have_attribute("data-state", "live")
    # Set once: still there at the end means the page never reloaded.
    page.evaluate("window.__notReloaded = true")
    return page


def _poll_ids(page) -> list[str]:
    return page.locator("#qa-poll-list .qa-poll").evaluate_all(
        "boxes => boxes.map(b => b.dataset.poll)"
    )


def _poll(page, question: str):
    return page.locator("#qa-poll-list .qa-poll").filter(has_text=question)


def _open_poll(moderator, question: str, answers: list[str], multiple=False):
    moderator.fill("#poll-question", question)
    moderator.fill("#poll-options", "\n".join(answers))
    if multiple:
        moderator.check("#poll-multiple")
    moderator.get_by_role("button", name="Open the poll", exact=True).click()
    moderator.wait_for_load_state()
    expect(moderator.locator(".messages")).to_contain_text("The poll is open.")


def test_a_poll_opened_appears_in_both_browsers_and_is_answered_live(new_context):
    ana = _watch(new_context(), "dev.addis@wego.example")
    ben = _watch(
        new_context(viewport={"width": 390, "height": 844}),
        "official.nairobi@wego.example",
    )
    before = {"ana": _poll_ids(ana), "ben": _poll_ids(ben)}

    moderator = new_context().new_page()
    login(moderator, "trainer@wego.example")
    moderator.goto(LIVE_PATH)
    tag = uuid.uuid4().hex[:6]
    question = f"Which service should go online first? {tag}"
    _open_poll(moderator, question, ["Building permits", "Parking fines", "Tax"])

    for page in (ana, ben):
        poll = _poll(page, question)
        expect(poll).to_be_visible(timeout=LIVE_WAIT_MS)
        # Answerable at once: one choice (radio buttons), every answer at 0 votes.
        expect(poll.get_by_role("radio")).to_have_count(3)
        expect(poll.locator("[data-option]", has_text="0 votes")).to_have_count(3)
        expect(page.locator("#qa-poll-notice")).to_contain_text(question)
    shot(ben, "qa14-05-poll-appeared-phone")

    poll = _poll(ana, question)
    poll.get_by_label("Parking fines").check()
    poll.get_by_role("button", name="Answer", exact=True).click()
    # Ana's page turns the form into the results, with her answer marked.
    expect(poll.locator(".qa-my-choice")).to_contain_text(
        "Parking fines", timeout=LIVE_WAIT_MS
    )
    expect(poll.locator(".qa-my-choice")).to_contain_text("1 vote")
    expect(poll.locator(".qa-my-choice")).to_contain_text("Your answer")
    expect(poll.get_by_role("radio")).to_have_count(0)
    expect(poll.locator(".qa-poll-voters")).to_have_text("1 person answered")

    # Ben sees the count change and can still answer.
    theirs = _poll(ben, question)
    expect(
        theirs.locator("p", has_text="Parking fines").locator("[data-option]")
    ).to_have_text("1 vote", timeout=LIVE_WAIT_MS)
    expect(theirs.get_by_role("radio")).to_have_count(3)
    expect(theirs.locator(".qa-poll-voters")).to_have_text("1 person answered")
    shot(ana, "qa14-06-poll-answered")

    # A second poll, several answers allowed: Ben picks two, Ana sees both counts.
    second = f"Which data sets does your city publish? {tag}"
    _open_poll(moderator, second, ["Budget", "Transport", "Air quality"], multiple=True)
    mine = _poll(ben, second)
    expect(mine.get_by_role("checkbox")).to_have_count(3, timeout=LIVE_WAIT_MS)
    mine.get_by_label("Budget").check()
    mine.get_by_label("Air quality").check()
    mine.get_by_role("button", name="Answer", exact=True).click()
    expect(mine.locator(".qa-my-choice")).to_have_count(2, timeout=LIVE_WAIT_MS)
    seen = _poll(ana, second)
    for label in ("Budget", "Air quality"):
        expect(seen.locator("p", has_text=label).locator("[data-option]")).to_have_text(
            "1 vote", timeout=LIVE_WAIT_MS
        )
    expect(
        seen.locator("p", has_text="Transport").locator("[data-option]")
    ).to_have_text("0 votes")

    # Every poll either page had is still there, and the two new ones, newest first.
    for name, page in (("ana", ana), ("ben", ben)):
        ids = _poll_ids(page)
        assert len(ids) == len(before[name]) + 2, (name, ids, before[name])
        assert set(before[name]) <= set(ids), name
        assert ids == sorted(ids, key=int, reverse=True), ids
        assert page.evaluate("window.__notReloaded === true"), name
    # The first poll is still answered on Ana's page, open on Ben's.
    expect(_poll(ana, question).locator(".qa-my-choice")).to_have_count(1)
    expect(_poll(ben, question).get_by_role("radio")).to_have_count(3)
    shot(ben, "qa14-07-two-polls-phone")
