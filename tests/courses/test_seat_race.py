"""The race is real, the seat lock closes it, and the app refuses the
isolation level under which the lock would not help (docs/reliability.md,
cases 2 and 3)."""

import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from courses import checks, services
from courses.models import ProgrammePage
from courses.services import applications, seats
from lms.errors import NotFound
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
def race_window(monkeypatch):
    """Widen the race window between reading and writing seats
    (docs/reliability.md, case 2).

    Every seat verdict (``_seats_for``, the capacity check) is followed by a
    one-second pause before anything is written, wherever it is asked: in an
    application and in a decision (``seats._allocate``).
    """

    def paused(seats_for):
        def check(*args, **kwargs):
            status = seats_for(*args, **kwargs)
            time.sleep(1.0)
            return status

        return check

    for module in (applications, seats):
        monkeypatch.setattr(module, "_seats_for", paused(module._seats_for))
    return monkeypatch


def _capacity_without_lock(programme_id):
    """``seats.lock_seats`` with the lock left out: the capacity, read plainly."""
    row = ProgrammePage.objects.filter(pk=programme_id).order_by()
    found = list(row.values_list("capacity", flat=True))
    if not found:
        raise NotFound("There is no such programme.")
    return found[0]


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
    if not lock:
        for module in (applications, seats):
            race_window.setattr(module, "lock_seats", _capacity_without_lock)
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


def test_the_seat_services_carry_no_test_switches():
    """The race window and the missing lock above are monkeypatched here:
    nothing in the services reads a test-only setting or hook, so nothing
    can change how seats are given out in production."""
    for path in Path(services.__file__).parent.glob("*.py"):
        text = path.read_text()
        for switch in ("WEGO_TEST", "_test_hook", "_after_capacity_check"):
            assert switch not in text, f"{path.name} mentions {switch}"


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
