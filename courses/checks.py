"""System checks that guard seat allocation.

docs/reliability.md, case 3: seat allocation counts seats *after* taking the
programme row lock. Under READ COMMITTED every statement sees rows committed
before it started, so the count sees the seat the previous lock holder just
took. Under REPEATABLE READ (or SERIALIZABLE) the transaction keeps the
snapshot of its first statement — taken before the lock was granted — and two
applicants can both see the last seat free. So the app refuses to run on any
other level.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

READ_COMMITTED = "read committed"


def _level_name(value) -> str:
    """psycopg's IsolationLevel (or an int/str) as PostgreSQL spells it."""
    if value is None:
        return READ_COMMITTED
    name = getattr(value, "name", None) or str(value)
    if str(value).isdigit():
        name = {1: "READ_UNCOMMITTED", 2: "READ_COMMITTED", 3: "REPEATABLE_READ"}.get(
            int(value), "SERIALIZABLE"
        )
    return name.replace("_", " ").lower()


def isolation_errors(databases: dict) -> list[Error]:
    """Errors for every PostgreSQL database configured off READ COMMITTED."""
    errors = []
    for alias, config in databases.items():
        if not config.get("ENGINE", "").endswith("postgresql"):
            continue
        level = _level_name((config.get("OPTIONS") or {}).get("isolation_level"))
        if level != READ_COMMITTED:
            errors.append(
                Error(
                    f"Database '{alias}' uses isolation level '{level}'.",
                    hint="Seat allocation needs READ COMMITTED: remove the "
                    "isolation_level option or set it to READ_COMMITTED.",
                    id="courses.E001",
                )
            )
    return errors


def server_isolation_errors(levels: dict[str, str]) -> list[Error]:
    """Errors for connections whose live transaction_isolation is not READ COMMITTED."""
    return [
        Error(
            f"Database '{alias}' runs transactions at '{level}'.",
            hint="Seat allocation needs READ COMMITTED; check "
            "default_transaction_isolation on the server or the role.",
            id="courses.E002",
        )
        for alias, level in levels.items()
        if level.lower() != READ_COMMITTED
    ]


def ensure_read_committed(databases: dict | None = None) -> None:
    """Called when the app loads: refuse to start on another isolation level."""
    errors = isolation_errors(settings.DATABASES if databases is None else databases)
    if errors:
        raise ImproperlyConfigured(
            " ".join(f"{e.msg} {e.hint} ({e.id})" for e in errors)
        )


@register(Tags.database)
def check_isolation_level(app_configs=None, databases=None, **kwargs):
    """With ``--database`` (and before migrate): the live level on the server."""
    levels = {}
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            levels[alias] = cursor.fetchone()[0]
    return server_isolation_errors(levels)


@register()
def check_isolation_setting(app_configs=None, **kwargs):
    """Runs on every start (runserver, migrate, check): the configured level."""
    return isolation_errors(settings.DATABASES)
