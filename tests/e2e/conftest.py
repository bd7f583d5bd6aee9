"""Shared browser fixtures: headless Debian Chromium against a seeded live server.

``seeded_live_server`` is pytest-django's ``live_server`` with the demo content
loaded (in a transactional database, so the server thread sees it);
``e2e_browser`` launches the system Chromium (never ``playwright install``);
``e2e_page`` opens a fresh page at phone width. Screenshots go to the
git-ignored ``test-artifacts/`` folder via ``screenshot(page, name)``.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def _restore_wagtail_initial_rows() -> None:
    """A transactional test's flush also empties the rows Wagtail's data
    migrations created (default locale, root page, root collection)."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


@pytest.fixture
def seeded_live_server(live_server, transactional_db):
    from django.core.management import call_command

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    _restore_wagtail_initial_rows()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


@pytest.fixture
def e2e_browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls made by fixtures in the same thread must not be refused for it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


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
