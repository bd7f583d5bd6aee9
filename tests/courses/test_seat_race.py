"""RELIABILITY 2 and 3: the race is real, the seat lock closes it, and the
app refuses the isolation level under which the lock would not help."""

import threading

import psycopg
import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from courses import checks, services
from courses.models import ProgrammePage
from tests.factories import UserFactory

from .factories import give_skill, make_programme, site_tree


def _two_at_once(programme, *, isolation=None):
    users = [give_skill(UserFactory()) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def apply(user):
        try:
            if isolation is not None:
                connection.ensure_connection()
                connection.connection.isolation_level = isolation
            barrier.wait()
            services.enrolment_apply(
                programme=ProgrammePage.objects.get(pk=programme.pk),
                user=user,
                answers={},
            )
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return sorted(programme.enrolments.values_list("status", flat=True))


@pytest.fixture
def race_window(settings):
    settings.WEGO_TEST_HOOKS = True
    settings.WEGO_TEST_SLEEP_AFTER_CAPACITY_CHECK = 1.0
    return settings


@pytest.mark.parametrize(
    ("lock", "expected"),
    [
        (False, ["confirmed", "confirmed"]),
        (True, ["confirmed", "waitlisted"]),
    ],
    ids=["without-seat-lock-overbooks", "with-seat-lock-one-seat"],
)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_one_two_concurrent_applicants(race_window, lock, expected):
    race_window.WEGO_TEST_DISABLE_SEAT_LOCK = not lock
    programme = make_programme(office=site_tree()[1], capacity=1)
    assert _two_at_once(programme) == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_repeatable_read_defeats_the_lock_which_is_why_it_is_refused(race_window):
    """Under REPEATABLE READ the count keeps the snapshot taken before the lock
    was granted, so both applicants see the seat free even with the lock."""
    programme = make_programme(office=site_tree()[1], capacity=1)
    statuses = _two_at_once(programme, isolation=psycopg.IsolationLevel.REPEATABLE_READ)
    assert statuses == ["confirmed", "confirmed"]
    errors = checks.isolation_errors(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"isolation_level": psycopg.IsolationLevel.REPEATABLE_READ},
            }
        }
    )
    assert [e.id for e in errors] == ["courses.E001"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_check_reads_the_live_isolation_level():
    assert checks.check_isolation_level(databases=["default"]) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ"
        )
    try:
        errors = checks.check_isolation_level(databases=["default"])
    finally:
        connection.close()
    assert [e.id for e in errors] == ["courses.E002"]
    assert "repeatable read" in errors[0].msg


@pytest.mark.parametrize(
    "level",
    [psycopg.IsolationLevel.REPEATABLE_READ, psycopg.IsolationLevel.SERIALIZABLE, 3],
)
def test_app_refuses_to_start_off_read_committed(level):
    databases = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "OPTIONS": {"isolation_level": level},
        }
    }
    with pytest.raises(ImproperlyConfigured, match="courses.E001"):
        checks.ensure_read_committed(databases)


def test_read_committed_and_sqlite_are_accepted():
    checks.ensure_read_committed(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"isolation_level": psycopg.IsolationLevel.READ_COMMITTED},
            },
            "other": {"ENGINE": "django.db.backends.postgresql"},
            "lite": {"ENGINE": "django.db.backends.sqlite3"},
        }
    )


def test_the_configured_settings_pass_the_startup_check():
    assert [e for e in run_checks() if e.id.startswith("courses.")] == []


def test_deploy_check_fails_when_test_hooks_are_on(settings):
    settings.WEGO_TEST_HOOKS = True
    assert [e.id for e in checks.check_test_hooks_off()] == ["courses.E003"]
    settings.WEGO_TEST_HOOKS = False
    assert checks.check_test_hooks_off() == []


def test_hooks_are_inert_without_the_test_switch(settings, db):
    """The sleep and the lock switch are ignored unless WEGO_TEST_HOOKS is on."""
    settings.WEGO_TEST_SLEEP_AFTER_CAPACITY_CHECK = 30
    settings.WEGO_TEST_DISABLE_SEAT_LOCK = True
    from courses.services import enrolment

    assert enrolment._test_hook("WEGO_TEST_DISABLE_SEAT_LOCK", False) is False
    assert enrolment._test_hook("WEGO_TEST_SLEEP_AFTER_CAPACITY_CHECK", 0) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_seat_lock_is_held_for_three_statements_on_one_narrow_row(egov_rules):
    """The lock-held section: one aggregate, the enrolment insert, the audit
    event insert, then COMMIT. No savepoint, no join to wagtailcore_page."""
    from django.test.utils import CaptureQueriesContext

    programme = make_programme(office=site_tree()[1], capacity=20, rules=egov_rules)
    user = give_skill(UserFactory())
    page = ProgrammePage.objects.get(pk=programme.pk)
    with CaptureQueriesContext(connection) as captured:
        services.enrolment_apply(programme=page, user=user, answers={})
    sql = [q["sql"] for q in captured.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q)
    assert 'FOR UPDATE OF "courses_programmepage"' in sql[lock]
    assert "wagtailcore_page" not in sql[lock]
    commit = sql.index("COMMIT", lock)
    held = sql[lock + 1 : commit]
    assert not any("SAVEPOINT" in q for q in held)
    assert len(held) == 3, held
    assert "COUNT" in held[0] and "MAX" in held[0]
    assert held[1].startswith('INSERT INTO "courses_enrolment"')
    assert held[2].startswith('INSERT INTO "courses_enrolmentevent"')
