"""In Chromium: the time printed beside a zone label is that zone's time (issue 15).

The page once printed UTC digits under "Time (Asia/Seoul)". These read the
timetable as a person does (the column heading names the zone, the cell the
time) and compare it with the instant the API gives for the same session.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests.e2e.fixtures_journeys import login, shot

pytestmark = pytest.mark.e2e

SEOUL_2027_PATH = "/offices/secretariat-seoul/seoul-program-2027/"


def _first_session(page, path: str) -> dict:
    """The programme's first session, from the public API (UTC instants)."""
    listing = page.request.get("/api/v1/programmes/").json()
    found = next(p for p in listing["results"] if p["url"].endswith(path))
    detail = page.request.get(f"/api/v1/programmes/{found['id']}/").json()
    return min(detail["sessions"], key=lambda s: s["starts_at"])


def _printed(page, zone: str) -> tuple[str, str]:
    """(column heading, first cell) of the timetable column labelled ``zone``."""
    table = page.locator("section[aria-labelledby=timetable-heading] table").first
    headings = table.locator("thead th").all_inner_texts()
    column = next(i for i, text in enumerate(headings) if f"({zone})" in text)
    cell = table.locator("tbody tr").first.locator("td").nth(column).inner_text()
    return headings[column], cell.strip()


@pytest.mark.parametrize(
    ("language", "prefix", "heading"),
    [("en", "", "Time"), ("ko", "/ko", "시간"), ("ru", "/ru", "Время")],
)
def test_the_timetable_prints_the_labelled_zones_time(
    new_context, language, prefix, heading
):
    context = new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    session = _first_session(page, SEOUL_2027_PATH)
    page.goto(prefix + SEOUL_2027_PATH)
    label, cell = _printed(page, "Asia/Seoul")
    starts = dt.datetime.fromisoformat(session["starts_at"].replace("Z", "+00:00"))
    seoul = starts.astimezone(zoneinfo.ZoneInfo("Asia/Seoul"))
    assert label == f"{heading} (Asia/Seoul)"
    assert cell.startswith(f"{seoul:%H:%M}–"), (cell, seoul)
    if seoul.utcoffset() != dt.timedelta(0):
        assert not cell.startswith(f"{starts.astimezone(dt.UTC):%H:%M}")
    shot(page, f"times-timetable-{language}-390")


def test_a_signed_in_viewer_sees_their_own_time_beside_it(new_context):
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "official.nairobi@wego.example")
    session = _first_session(page, SEOUL_2027_PATH)
    page.goto(SEOUL_2027_PATH)
    starts = dt.datetime.fromisoformat(session["starts_at"].replace("Z", "+00:00"))
    _label, seoul_cell = _printed(page, "Asia/Seoul")
    assert seoul_cell.startswith(
        f"{starts.astimezone(zoneinfo.ZoneInfo('Asia/Seoul')):%H:%M}–"
    )
    table = page.locator("section[aria-labelledby=timetable-heading] table").first
    headings = table.locator("thead th").all_inner_texts()
    mine = [h for h in headings if h.startswith("Your time (")]
    if mine:  # the persona's zone differs from Seoul's
        zone = mine[0].removeprefix("Your time (").removesuffix(")")
        _label, cell = _printed(page, zone)
        local = starts.astimezone(zoneinfo.ZoneInfo(zone))
        assert f"{local:%H:%M}–" in cell, (cell, local)
    shot(page, "times-timetable-viewer-1280")
