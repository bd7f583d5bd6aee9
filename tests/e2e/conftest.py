"""Shared browser fixtures: headless Debian Chromium against a seeded server.

``seeded_live_server`` is the session's Daphne on the demo-seeded SQLite file;
``e2e_browser`` is the session's system Chromium (never ``playwright
install``); ``e2e_page`` opens a fresh page at phone width. Screenshots go to the
git-ignored ``test-artifacts/`` folder via ``screenshot(page, name)``.
"""

import shutil
from pathlib import Path

import pytest

# Registered once for the whole directory, so every module shares one
# session-scoped server and browser (a module that imported them itself would
# get its own copies and start a second Playwright).
from tests.e2e.fixtures_journeys import (  # noqa: F401 - fixtures used by name
    chromium,
    journey_server,
    new_context,
)

CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def seeded_live_server(journey_server):  # noqa: F811
    """The session's seeded Daphne (see ``fixtures_journeys``): the demo
    content comes from the cached seeded SQLite file instead of running
    ``seed_demo`` again for every test (minutes on a loaded machine)."""
    return journey_server


@pytest.fixture
def e2e_browser(chromium):  # noqa: F811
    """The session's Chromium: one Playwright per process (a second sync
    Playwright inside the first one's event loop is refused)."""
    return chromium


@pytest.fixture
def e2e_page(e2e_browser):
    context = e2e_browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
