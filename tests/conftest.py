"""Shared fixtures and the rules for which tests run in which CI pass.

Tests marked ``postgres`` or ``redis`` need the real services and run in CI's
second pass; on the embedded defaults they are deselected (not skipped), and
under ``WEGO_REAL_SERVICES=1`` an unreachable service fails the run.
"""

import inspect
import os
import shutil

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
def _media_and_cache(request):
    """Each test writes media into its own directory and starts with empty
    caches; a seeded class (``tests.seeded``) keeps one media directory for
    its seeding and its tests, and empties the caches itself."""
    from tests.seeded import SeededTestCase

    if isinstance(request.instance, SeededTestCase):
        return
    request.getfixturevalue("settings").MEDIA_ROOT = (
        request.getfixturevalue("tmp_path") / "media"
    )
    from tests.seeded import clear_caches

    clear_caches()


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)
