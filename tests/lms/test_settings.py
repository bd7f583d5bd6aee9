"""Settings come from the environment, with embedded defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'],"
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'],"
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL,"
    "'cache': settings.CACHES['default']['BACKEND']}))"
)


def _settings_with(env: dict) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="lms.settings.base")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_bare_environment_falls_back_to_embedded_services():
    probe = _settings_with({})
    assert probe["db"] == "django.db.backends.sqlite3"
    assert probe["layer"] == "channels.layers.InMemoryChannelLayer"
    assert probe["eager"] is True
    assert probe["broker"] == "memory://"


def test_database_and_redis_urls_select_real_services():
    probe = _settings_with(
        {
            "DATABASE_URL": "postgres://u@db.example:5432/wego",
            "REDIS_URL": "redis://cache.example:6379/0",
        }
    )
    assert probe["db"] == "django.db.backends.postgresql"
    assert probe["layer"] == "lms.redis_layer.ChannelLayer"
    assert probe["eager"] is False
    assert probe["broker"] == "redis://cache.example:6379/0"
    assert probe["cache"] == "django_redis.cache.RedisCache"


def _deploy_check(env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="lms.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check():
    result = _deploy_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x7Gq2" * 12,
            "ALLOWED_HOSTS": "learning.wego.example",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret_key():
    result = _deploy_check({"DEBUG": "false", "ALLOWED_HOSTS": "learning.wego.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.postgres
def test_postgres_connections_use_read_committed(db):
    """Seat locking is only correct at READ COMMITTED (see courses.services)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"
