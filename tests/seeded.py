"""Test classes that share one seeding of the demo, through Django's own
``TestCase.setUpTestData``.

Seeding the demo takes seconds and dozens of tests read it. A class below
seeds once, in ``setUpTestData``: Django holds the seeding in a transaction
around the class, and each test runs in a savepoint inside it, so whatever a
test changes is rolled back before the next one. Per test, the caches are
emptied (nothing a seeding or an earlier test left there is read as if it
were current) and the e-mail outbox starts empty (Django's own). Each class
writes its media into a directory of its own, removed after the class.

``SiteTestCase`` seeds the people and the public site (``lms`` and ``cms``);
``DemoTestCase`` the whole demo, as ``make run`` loads it.

pytest fixtures do not reach ``unittest`` methods as arguments; the Django
equivalents are ``self.client``, ``self.settings(...)``,
``self.captureOnCommitCallbacks(execute=True)``, ``self.assertNumQueries`` and
``assertMaxNumQueries`` below. A parametrized case becomes a loop over
``self.subTest(...)``, which pytest reports case by case.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.db import connections
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext


def seed_full_demo() -> None:
    """The whole demo, as ``make run`` loads it."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


def seed_site() -> None:
    """People (lms) and the public site (cms) of the demo, without other apps."""
    from cms import demo as cms_demo
    from lms import demo as lms_demo

    with open(os.devnull, "w") as quiet:
        command = type("Command", (), {"stdout": quiet})()
        lms_demo.seed(command, {"crowd": 0})
        cms_demo.seed(command, {"crowd": 0})


def clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


class SeededTestCase(TestCase):
    """Base: seeded once per class by ``seed``; see the module's docstring."""

    @staticmethod
    def seed() -> None:
        raise NotImplementedError

    @classmethod
    def setUpClass(cls) -> None:
        media = tempfile.mkdtemp(prefix="wego-seeded-media-")
        media_root = override_settings(MEDIA_ROOT=media)
        media_root.enable()
        cls.addClassCleanup(shutil.rmtree, media, True)
        cls.addClassCleanup(media_root.disable)
        # What an earlier test left in the caches describes rows that are
        # gone now: the seeding must not read it.
        clear_caches()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.seed()

    def setUp(self) -> None:
        super().setUp()
        clear_caches()

    def publish(self, page) -> None:
        """Publish ``page`` as the admin does: the cache purge runs after the commit."""
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()

    @contextmanager
    def assertMaxNumQueries(self, most: int, using: str = "default") -> Iterator:
        """At most ``most`` queries inside the block; the failure lists them."""
        with CaptureQueriesContext(connections[using]) as captured:
            yield captured
        count = len(captured.captured_queries)
        listing = "\n".join(
            f"{n}. {query['sql']}" for n, query in enumerate(captured, start=1)
        )
        self.assertLessEqual(
            count, most, f"{count} queries, at most {most} expected:\n{listing}"
        )


class SiteTestCase(SeededTestCase):
    """People (lms) and the public site (cms) of the demo."""

    seed = staticmethod(seed_site)


class DemoTestCase(SeededTestCase):
    """The whole demo, as ``make run`` loads it."""

    seed = staticmethod(seed_full_demo)
