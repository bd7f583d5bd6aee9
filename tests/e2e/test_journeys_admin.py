"""Real-browser journeys through the Wagtail admin (issue 8, journeys 4 and 5).

Journey 4: a trainer takes a finished workshop from the attendance grid to
issued certificates; the participant downloads the PDF; a visitor verifies it;
the Secretariat revokes it and the visitor sees so. Journey 5: an office
editor adds a programme under their own office and is kept out of another
office's pages. Screenshots of each step go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.fixtures_journeys import build_data, login, shot

pytestmark = pytest.mark.e2e

CODE = re.compile(r"WG(-[0-9A-Z]{4}){5}-[0-9A-Z]")


def _flash(page):
    """Wagtail's message list and the site's messages, whichever the page has."""
    return page.locator(".messages, [role=status], .messages-list, ul.messages")


def _close_date_pickers(page, *, outside):
    """Close Wagtail's date pickers by a click outside them, as a user would.

    A picker opens 100 ms after its field takes focus (200 ms the first time)
    and only then starts listening for a click outside it, so a click made
    sooner is missed: wait out the delay, then click until none is left open.
    """
    pickers = page.locator(".xdsoft_datetimepicker:visible")
    for _attempt in range(5):
        page.wait_for_timeout(300)
        if pickers.count() == 0:
            break
        outside.click()
    expect(pickers).to_have_count(0)


def test_trainer_marks_confirms_issues_and_the_certificate_is_verified_then_revoked(
    new_context,
    journey_server,
):
    workshop = build_data(journey_server, "trainer_workshop")
    assert workshop["statuses"] == ["confirmed", "confirmed"]
    title = workshop["title"]

    # The trainer opens the trainer tools in the admin and finds the workshop.
    trainer = new_context().new_page()
    login(trainer, "trainer@wego.example")
    trainer.goto("/admin/")
    trainer.get_by_role("link", name="Trainer tools").first.click()
    expect(trainer).to_have_url(re.compile(r"/admin/trainer/$"))
    row = trainer.locator("table.listing tbody tr", has_text=title)
    expect(row).to_have_count(1)
    shot(trainer, "j4-01-trainer-tools")
    row.get_by_role("link", name="Attendance grid").click()

    # Attendance grid: everyone present at the first session with one click,
    # then the second session cell by cell, saved from the keyboard.
    grid = trainer.locator("table.trainer-grid")
    expect(grid).to_be_visible()
    grid.get_by_role(
        "button", name=re.compile(r"^All present\s*: Opening the data$")
    ).click()
    expect(trainer.get_by_text("2 attendance marks saved.")).to_be_visible()
    present = trainer.get_by_label("Thi Lan Nguyen at Keeping it open", exact=True)
    absent = trainer.get_by_label("Wanjiru Otieno at Keeping it open", exact=True)
    present.select_option("present")
    absent.select_option("absent")
    save = trainer.get_by_role("button", name="Save changed cells")
    save.focus()
    trainer.keyboard.press("Enter")
    expect(trainer.get_by_text("2 attendance marks saved.")).to_be_visible()
    expect(present).to_have_value("present")
    expect(absent).to_have_value("absent")
    shot(trainer, "j4-02-attendance-saved")

    # Completion: only the participant present at both sessions meets the rule.
    trainer.get_by_role("link", name=re.compile("^Back to ")).click()
    trainer.get_by_role(
        "button", name="Confirm completion for everyone who meets the rule"
    ).click()
    expect(
        trainer.get_by_text("Completion confirmed for 1 participants.")
    ).to_be_visible()
    roster = trainer.locator("table.trainer-roster")
    confirmed = roster.locator("tbody tr", has_text="Confirmed by")
    expect(confirmed).to_have_count(1)
    expect(confirmed).to_contain_text("Thi Lan Nguyen")
    shot(trainer, "j4-03-completion-confirmed")

    # Bulk issuance, and its progress bar up to 100 %.
    trainer.get_by_role("link", name="Issue certificates").click()
    issue_rows = trainer.locator("main table tbody tr")
    expect(issue_rows).to_have_count(1)
    expect(issue_rows.first).to_contain_text("Thi Lan Nguyen")
    expect(issue_rows.first).to_contain_text("not yet issued")
    shot(trainer, "j4-04-issue-page")
    trainer.get_by_role("button", name="Issue certificates now").click()
    progress = trainer.locator("#job-progress")
    expect(progress).to_be_visible()
    expect(trainer.locator("#job .job-total")).to_have_text("1")
    expect(trainer.locator("#job .job-done")).to_have_text("1", timeout=60_000)
    expect(progress).to_have_attribute("value", "1")
    expect(progress).to_have_attribute("max", "1")
    assert progress.evaluate("bar => bar.position") == 1.0
    shot(trainer, "j4-05-issuance-done")
    trainer.get_by_role("link", name="Back to the programme's certificates").click()
    issued = trainer.locator("main table tbody tr").first.locator("code")
    expect(issued).to_have_text(CODE)
    code = issued.inner_text()

    # The participant downloads the PDF from My certificates.
    participant = new_context().new_page()
    login(participant, "dev.hanoi@wego.example")
    participant.goto("/my/certificates/")
    card = participant.locator("li.certificate-card", has_text=title)
    expect(card.locator(".badge")).to_have_text("Valid")
    expect(card.locator("code")).to_have_text(code)
    shot(participant, "j4-06-my-certificates")
    with participant.expect_download() as download_info:
        card.get_by_role("link", name="Download PDF (A4)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF-"), data[:20]
    assert b"%%EOF" in data[-1024:]
    verify_link = card.get_by_label("Verification link").input_value()
    verify_path = urlsplit(verify_link).path
    assert code in verify_path

    # An anonymous visitor opens the verification link: valid.
    visitor = new_context().new_page()
    visitor.goto(verify_path)
    verdict = visitor.locator(".verdict")
    expect(verdict).to_have_class(re.compile("verdict-valid"))
    expect(verdict.locator(".badge")).to_have_text("Valid")
    expect(visitor.locator("dl.facts")).to_contain_text(title)
    shot(visitor, "j4-07-visitor-valid")

    # The Secretariat revokes it in the admin, with a reason.
    staff = new_context().new_page()
    login(staff, "admin@wego.example")
    staff.goto(f"/admin/issued_certificates/?q={code}")
    staff.get_by_role("link", name=code).first.click()
    reason = f"Attendance sheet corrected after an audit {uuid.uuid4().hex[:6]}"
    staff.get_by_role("textbox", name="Reason for revocation").fill(reason)
    shot(staff, "j4-08-staff-revoke-form")
    staff.get_by_role("button", name="Revoke", exact=True).click()
    expect(
        staff.get_by_text(re.compile(f"Certificate '.*{code}.*' revoked"))
    ).to_be_visible()
    shot(staff, "j4-09-staff-revoked")

    # The visitor reloads: revoked, with the reason.
    visitor.reload()
    expect(verdict).to_have_class(re.compile("verdict-revoked"))
    expect(verdict.locator(".badge")).to_have_text("Revoked")
    expect(verdict).to_contain_text(reason)
    shot(visitor, "j4-10-visitor-revoked")
    # The participant's page says so too, and offers no download any more.
    participant.reload()
    expect(card.locator(".badge")).to_have_text("Revoked")
    expect(card.get_by_role("link", name="Download PDF")).to_have_count(0)


def _page_id(server, slug: str) -> int:
    rows = server.sql(
        "SELECT id FROM wagtailcore_page WHERE slug = ? ORDER BY id", (slug,)
    )
    assert rows, slug
    return rows[0][0]


def _refused(page) -> None:
    """Wagtail's refusal: back on the dashboard with a permission message."""
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(
        page.get_by_text("Sorry, you do not have permission to access this area.")
    ).to_be_visible()


def test_office_editor_submits_a_programme_and_cannot_reach_another_office(
    new_context,
    journey_server,
):
    asia = _page_id(journey_server, "asia-chengdu")
    seoul = _page_id(journey_server, "secretariat-seoul")
    seoul_programme = _page_id(journey_server, "egovframe-technical-training")
    offices = _page_id(journey_server, "offices")
    title = f"Chengdu Cybersecurity Week {uuid.uuid4().hex[:6]}"

    editor = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(editor, "editor.chengdu@wego.example")

    # The explorer shows their own office, editable, and never the Secretariat's.
    editor.goto(f"/admin/pages/{offices}/")
    expect(editor.locator(f'a[href="/admin/pages/{asia}/edit/"]').first).to_be_visible()
    expect(editor.locator(f'a[href="/admin/pages/{seoul}/edit/"]')).to_have_count(0)
    expect(editor.locator(f'a[href="/admin/pages/{seoul}/"]')).to_have_count(0)
    shot(editor, "j5-01-explorer-own-office-only")

    # A new programme under their office, from the explorer.
    editor.goto(f"/admin/pages/{asia}/")
    editor.get_by_role("link", name=re.compile("Add child page", re.I)).first.click()
    # Wagtail asks for the page type when the office takes more than one.
    expect(editor).to_have_url(
        re.compile(
            rf"/admin/pages/({asia}/add_subpage|add/courses/programmepage/{asia})/"
        )
    )
    if "add_subpage" in editor.url:
        editor.get_by_role("link", name=re.compile(r"^Programme$", re.I)).click()
    expect(editor).to_have_url(
        re.compile(rf"/admin/pages/add/courses/programmepage/{asia}/")
    )
    editor.locator("#id_title").fill(title)
    editor.locator("#id_starts_on").fill("2027-09-06")
    editor.locator("#id_ends_on").fill("2027-09-10")
    editor.locator("#id_summary").fill("Five days on protecting a city's services.")
    # Wagtail's date pickers can stay over the footer buttons: close them.
    _close_date_pickers(editor, outside=editor.locator("#id_title"))
    shot(editor, "j5-02-new-programme-form")

    # Asia's editors need the Secretariat's approval (the demo's office
    # policy): the action on offer is to submit, not to publish.
    editor.get_by_role("button", name=re.compile("More actions", re.I)).click()
    expect(editor.locator("button[name=action-publish]")).to_have_count(0)
    submit = editor.locator("button[name=action-submit]")
    expect(submit).to_be_visible()
    submit.click()
    expect(editor.get_by_text(re.compile("submitted for moderation"))).to_be_visible()
    shot(editor, "j5-03-submitted")

    editor.goto(f"/admin/pages/{asia}/")
    row = editor.locator("tr", has_text=title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile("in moderation", re.I))
    shot(editor, "j5-04-in-moderation")
    slug = journey_server.sql(
        "SELECT slug, live FROM wagtailcore_page WHERE title = ?", (title,)
    )
    assert slug and slug[0][1] == 0, slug
    # Not live yet: the public page does not exist for a visitor.
    visitor = new_context().new_page()
    response = visitor.goto(f"/offices/asia-chengdu/{slug[0][0]}/")
    assert response.status == 404

    # Another office's pages: refused by URL, whatever the way in.
    for url in (
        f"/admin/pages/{seoul}/edit/",
        f"/admin/pages/add/courses/programmepage/{seoul}/",
        f"/admin/pages/{seoul_programme}/edit/",
        f"/admin/pages/{seoul_programme}/delete/",
    ):
        editor.goto(url)
        _refused(editor)
    shot(editor, "j5-05-other-office-refused")

    # The Secretariat finds the submission on its dashboard and approves it;
    # the programme goes live under the Asia office.
    staff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(staff, "admin@wego.example")
    staff.goto("/admin/")
    expect(staff.get_by_text("Awaiting your review").first).to_be_visible()
    expect(staff.get_by_role("link", name=title).first).to_be_visible()
    shot(staff, "j5-06-secretariat-dashboard")
    page_id = _page_id(journey_server, slug[0][0])
    staff.goto(f"/admin/pages/{page_id}/edit/")
    staff.get_by_role("button", name=re.compile("More actions", re.I)).click()
    # "Approve" (the one without a comment dialog) publishes the page.
    approve = staff.locator(
        "button[data-workflow-action-name=approve]"
        ":not([data-workflow-action-modal-url])"
    )
    expect(approve).to_be_visible()
    approve.click()
    expect(staff.get_by_text(re.compile("has been updated"))).to_be_visible()
    shot(staff, "j5-07-approved")
    assert journey_server.sql(
        "SELECT live FROM wagtailcore_page WHERE id = ?", (page_id,)
    ) == [(1,)]
    response = visitor.goto(f"/offices/asia-chengdu/{slug[0][0]}/")
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    shot(visitor, "j5-08-live-for-visitors")
