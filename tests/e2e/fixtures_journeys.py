"""Fixtures for the browser journeys: one seeded Daphne, one headless Chromium.

Import them explicitly in a journey module (``from tests.e2e.fixtures_journeys
import *``). The server is session-scoped and runs in its own process on its
own SQLite file, so journeys must not rely on rollback: each test that creates
people uses unique e-mail addresses.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path

import pytest

from tests.reliability.servers import PYTHON, ROOT, Daphne, base_env, seeded_sqlite

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "wego-demo"

__all__ = [
    "journey_server",
    "chromium",
    "new_context",
    "login",
    "shot",
    "unique_email",
    "read_mail",
    "build_data",
    "PASSWORD",
]


class JourneyServer:
    def __init__(
        self, daphne: Daphne, mail_dir: Path, db_path: Path, env: dict | None = None
    ):
        self.daphne = daphne
        self.mail_dir = mail_dir
        self.db_path = db_path
        self.env = env or daphne.env

    @property
    def url(self) -> str:
        return self.daphne.url

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Read the server's database directly (read-only checks)."""
        import sqlite3

        with sqlite3.connect(
            f"file:{self.db_path}?mode=ro", uri=True, timeout=10
        ) as db:
            return db.execute(query, params).fetchall()


@pytest.fixture(scope="session")
def journey_server(tmp_path_factory):
    """Daphne on a migrated, demo-seeded SQLite file; e-mail written to files."""
    base = tmp_path_factory.mktemp("journeys")
    db_path = seeded_sqlite(base / "db.sqlite3", media=base / "media")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    env = base_env(
        DATABASE_URL=f"sqlite:///{db_path}",
        WEGO_MAIL_DIR=str(mail_dir),
        MEDIA_ROOT=str(base / "media"),
    )
    daphne = Daphne(env, log=base / "daphne.log")
    daphne.start()
    try:
        yield JourneyServer(daphne, mail_dir, db_path, env)
    finally:
        daphne.stop()


@pytest.fixture(scope="session")
def chromium():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(chromium, journey_server):
    """A factory of fresh browser contexts (closed at the end of the test)."""
    contexts = []

    def make(**kwargs):
        kwargs.setdefault("base_url", journey_server.url)
        context = chromium.new_context(**kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def unique_email(prefix: str = "newcomer") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.org"


def login(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=login]) [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"log-in failed for {email}"


def shot(page, name: str) -> None:
    """A screenshot of this step under test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)


def read_mail(server: JourneyServer, to: str, deadline: float = 15) -> str:
    """The newest message written by the server's file e-mail backend for ``to``."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = []
        for path in sorted(
            server.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime
        ):
            text = path.read_text(errors="replace")
            for message in text.split("-" * 79):
                if f"To: {to}" in message:
                    found.append(message)
        if found:
            return found[-1]
        time.sleep(0.25)
    raise AssertionError(f"no e-mail to {to} within {deadline}s")


def build_data(server: JourneyServer, builder: str) -> dict:
    """Run a ``tests.e2e.journey_data`` builder against the server's database.

    The builders go through the services, as the demo seed does; each call
    makes new rows (named with a fresh stamp), so journeys stay independent.
    """
    import json
    import subprocess

    stamp = uuid.uuid4().hex[:8]
    result = subprocess.run(
        [PYTHON, "-m", "tests.e2e.journey_data", builder, stamp],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{builder} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
