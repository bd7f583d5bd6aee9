"""Shared fixtures and the rules for which tests run in which CI pass.

Tests marked ``postgres`` or ``redis`` need the real services and run in CI's
second pass; on the embedded defaults they are deselected (not skipped), and
under ``WEGO_REAL_SERVICES=1`` an unreachable service fails the run.
"""

import inspect
import os
import shutil
from pathlib import Path

import pytest
import pytest_asyncio
from django.conf import settings

from tests.factories import OrganisationFactory, UserFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    is_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(settings.REDIS_URL)
    keep, drop = [], []
    for item in items:
        if item.get_closest_marker("postgres") and not is_postgres:
            drop.append(item)
        elif item.get_closest_marker("redis") and not has_redis:
            drop.append(item)
        elif (
            item.get_closest_marker("e2e") and not CHROMIUM and not os.environ.get("CI")
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    for item in items:
        _restore_migration_data_after(item)


def _restore_migration_data_after(item) -> None:
    """Transactional tests flush every table when they end, which also wipes
    rows the migrations created (Wagtail's root page and locales, content
    types, permissions). Serialized rollback puts them back, so the next test
    on the same worker starts from the migrated database."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if marker is not None:
        transaction, reset_sequences, databases, serialized, available_apps = (
            validate_django_db(marker)
        )
    else:
        transaction = "transactional_db" in fixtures or "live_server" in fixtures
        reset_sequences, databases, serialized, available_apps = (
            False,
            None,
            False,
            None,
        )
    item.wego_transactional = transaction
    if transaction and not serialized:
        item.add_marker(
            pytest.mark.django_db(
                transaction=True,
                reset_sequences=reset_sequences,
                databases=databases,
                serialized_rollback=True,
                available_apps=available_apps,
            ),
            append=False,
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, reload the migrated data at once,
    so the non-transactional tests that follow on this worker find it too."""
    yield
    if _SHARED.key is not None and (
        _shared_seeding_key(nextitem) is not _SHARED.key or _SHARED.lost()
    ):
        # The next test does not share this seeding, or this test closed the
        # connection that held it: drop it before the next test sets up.
        from pytest_django.plugin import blocking_manager_key

        _SHARED.stop(item.config.stash[blocking_manager_key])
    if not getattr(item, "wego_transactional", False) or nextitem is None:
        # After the session's last test the test databases are already gone
        # and the connections point at the real ones: reload nothing there.
        return
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Create the test databases as pytest-django does; before they are
    dropped, end the sessions other threads left open on PostgreSQL (a
    ``sync_to_async`` executor thread keeps its own connection), which would
    otherwise make ``DROP DATABASE`` fail with "being accessed by other users"."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


def pytest_sessionstart(session):
    if os.environ.get("WEGO_REAL_SERVICES"):
        import redis

        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), (
            "WEGO_REAL_SERVICES=1 but DATABASE_URL is not PostgreSQL"
        )
        assert settings.REDIS_URL, "WEGO_REAL_SERVICES=1 but REDIS_URL is not set"
        # The test settings keep in-process layers in memory: ask Redis itself.
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        except redis.RedisError as exc:
            raise AssertionError(f"Redis unreachable: {exc}") from exc


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open(request, monkeypatch):
    """A test that is not transactional runs inside one transaction; channels'
    ``database_sync_to_async`` calls ``close_old_connections``, which closes a
    connection left outside autocommit. On PostgreSQL that kills the test's
    transaction (SQLite's in-memory test database ignores ``close()``), so
    in-process socket tests there keep the connection open (the consumers'
    own wrapper, ``lms.db``, does the same cleanup)."""
    if getattr(request.node, "wego_transactional", True):
        return
    import channels.db

    import lms.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda **kwargs: None)
    monkeypatch.setattr(lms.db, "close_old_connections", lambda **kwargs: None)


@pytest.fixture(autouse=True)
def _qa_rooms_settle(request):
    """After an asyncio test, let the Q&A readers it woke return before
    pytest-asyncio closes the loop: the loop's close cancels what is left and
    waits for it, and a cancellation swallowed inside a Redis read (pass 2)
    made that wait endless (``webinars.rooms.settle``)."""
    if inspect.iscoroutinefunction(getattr(request.node, "function", None)):
        request.getfixturevalue("_qa_rooms_settled")


@pytest_asyncio.fixture
async def _qa_rooms_settled():
    yield
    from webinars import rooms

    assert await rooms.settle(), "a Q&A reader or background task did not finish"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language, as every request does: a
    ``/ko/`` request leaves Korean active in the thread (LocaleMiddleware does
    not reset it), and page addresses and ``reverse()`` follow the active
    language, so a test after it would otherwise build ``/ko/…`` addresses."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


def seed_full_demo() -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def seed_site() -> None:
    """People (lms) and the public site (cms) of the demo, without other apps."""
    from cms import demo as cms_demo
    from lms import demo as lms_demo

    command = type("Cmd", (), {"stdout": open(os.devnull, "w")})()  # noqa: SIM115
    lms_demo.seed(command, {"crowd": 0})
    cms_demo.seed(command, {"crowd": 0})


# Seeding fixtures -> the seeding they ask for. Seeding the demo takes seconds,
# and dozens of tests ask for it in a row; consecutive tests that ask for the
# same one share a single seeding, kept in an outer transaction that each
# test's own transaction nests in (as Django's ``setUpTestData``), so whatever
# a test changes is rolled back before the next one. The cache, the e-mail
# outbox and the media files the seeding left are given back to every test.
SEEDINGS = {"demo": seed_full_demo, "full_demo": seed_full_demo, "site": seed_site}

# What may be set up before a shared seeding: the suite-wide environment
# (pytest-django's and this file's autouse fixtures and what they use) and
# fixtures that touch neither the database nor the settings. Anything else
# (another conftest's autouse fixture, a factory fixture, ``db`` itself) makes
# the test seed on its own, inside its own transaction, as before.
_SAFE_BEFORE_SEEDING = {
    "_dj_autoclear_mailbox",
    "_django_clear_site_cache",
    "_django_db_marker",
    "_django_isolate_apps",
    "_django_set_urlconf",
    "_django_setup_unittest",
    "_fail_for_invalid_template_variable",
    "_keep_the_test_transaction_open",
    "_live_server_helper",
    "_default_language",
    "_qa_rooms_settle",
    "_media_and_cache",
    "_pw_trace_api_requests",
    "_session_faker",
    "_template_string_if_invalid_marker",
    "client",
    "django_capture_on_commit_callbacks",
    "django_db_blocker",
    "django_db_createdb",
    "django_db_keepdb",
    "django_db_modify_db_settings",
    "django_db_modify_db_settings_parallel_suffix",
    "django_db_modify_db_settings_tox_suffix",
    "django_db_modify_db_settings_xdist_suffix",
    "django_db_setup",
    "django_db_use_migrations",
    "django_test_environment",
    "delete_output_dir",
    "event_loop_policy",
    "monkeypatch",
    "pytestconfig",
    "settings",
    "tmp_path",
    "tmp_path_factory",
    "worker_id",
}


def _setup_order(item) -> list[str]:
    """The order in which pytest sets up the item's fixtures (dependencies
    first, then the fixture, following ``item.fixturenames``)."""
    definitions = item._fixtureinfo.name2fixturedefs
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in definitions:
            return
        seen.add(name)
        for argname in definitions[name][-1].argnames:
            visit(argname)
        order.append(name)

    for name in item.fixturenames:
        visit(name)
    return order


def _shared_seeding_key(item):
    """The seeding ``item`` may share with its neighbours, or None."""
    if item is None or getattr(item, "wego_transactional", True):
        return None
    if item.get_closest_marker("django_isolate_apps"):
        return None
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        from pytest_django.fixtures import validate_django_db

        # A plain ``django_db`` marker asks for what ``db`` gives.
        if validate_django_db(marker) != (False, False, None, False, None):
            return None
    if "playwright" in item.fixturenames:
        return None
    wanted = {SEEDINGS[name] for name in SEEDINGS if name in item.fixturenames}
    if len(wanted) != 1:
        return None
    order = _setup_order(item)
    if "_shared_seeding" not in order:
        return None
    before = order[: order.index("_shared_seeding")]
    if not set(before) <= _SAFE_BEFORE_SEEDING:
        return None
    return wanted.pop()


class _SharedSeeding:
    def __init__(self):
        self.key = None
        self.atomics = []
        self.cache = None
        self.outbox = []
        self.media = None

    def start(self, key, blocker, media_copy) -> None:
        from django.conf import settings as django_settings
        from django.core import mail
        from django.core.cache import cache
        from django.db import connections, transaction

        with blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                atomic.__enter__()
                self.atomics.append(atomic)
            self.key = key
            outbox_before = len(mail.outbox)
            key()
        self.outbox = list(mail.outbox[outbox_before:])
        self.cache = (cache._cache.copy(), cache._expire_info.copy())
        media = Path(django_settings.MEDIA_ROOT)
        if media.exists():
            shutil.copytree(media, media_copy, dirs_exist_ok=True)
        self.media = media_copy

    def lost(self) -> bool:
        """Whether a test closed a connection holding the seeding (a request
        through the WSGI handler does, on PostgreSQL)."""
        from django.db import connections

        return any(
            connections[atomic.using].closed_in_transaction
            or connections[atomic.using].connection is None
            for atomic in self.atomics
        )

    def give_back(self) -> None:
        """Restore, for a later test, what the seeding left outside the
        database."""
        from django.conf import settings as django_settings
        from django.core import mail
        from django.core.cache import cache

        mail.outbox.extend(self.outbox)
        entries, expiry = self.cache
        cache._cache.update(entries)
        cache._expire_info.update(expiry)
        if self.media.exists():
            shutil.copytree(self.media, django_settings.MEDIA_ROOT, dirs_exist_ok=True)

    def stop(self, blocker) -> None:
        from django.db import transaction

        with blocker.unblock():
            while self.atomics:
                atomic = self.atomics.pop()
                transaction.set_rollback(True, using=atomic.using)
                atomic.__exit__(None, None, None)
        if self.media is not None:
            shutil.rmtree(self.media, ignore_errors=True)
        self.key = None
        self.cache = self.media = None
        self.outbox = []


_SHARED = _SharedSeeding()


@pytest.fixture(autouse=True)
def _django_db_marker(request) -> None:
    """pytest-django's own, but a test that shares a seeding gets its database
    from the seeding fixture's ``db`` (set up after the seeding) instead."""
    marker = request.node.get_closest_marker("django_db")
    if marker and _shared_seeding_key(request.node) is None:
        request.getfixturevalue("_django_db_helper")


@pytest.fixture(scope="session")
def _shared_seeding_session(django_db_setup, django_db_blocker):
    yield _SHARED
    if _SHARED.key is not None:
        _SHARED.stop(django_db_blocker)


@pytest.fixture
def _shared_seeding(request, django_db_blocker, tmp_path_factory):
    """Set up before ``db``: seed (or reuse) the shared seeding the test asks
    for; yields whether the test gets it (else it seeds on its own)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.db import connections

    key = _shared_seeding_key(request.node)
    if key is None or not isinstance(caches["default"], LocMemCache):
        yield False
        return
    state = request.getfixturevalue("_shared_seeding_session")
    depth = len(state.atomics)
    assert all(
        len(connections[alias].atomic_blocks) == depth for alias in connections
    ), "a shared seeding must be set up before the test's transaction"
    if state.key is None:
        state.start(key, django_db_blocker, tmp_path_factory.mktemp("seeded-media"))
        request.node.wego_seeded_here = True
    else:
        assert state.key is key
    yield True


def use_seeding(shared: bool, request, seed) -> None:
    """Body of a seeding fixture: ``shared`` (from ``_shared_seeding``) says
    whether the test shares a seeding; the test that made it has it as it was
    left, the others get back what it left outside the database."""
    if not shared:
        seed()
    elif not getattr(request.node, "wego_seeded_here", False):
        _SHARED.give_back()


@pytest.fixture
def demo(_shared_seeding, db, request):
    """The full demo content, as ``make run`` loads it."""
    use_seeding(_shared_seeding, request, seed_full_demo)
