"""A task that outlives the broker's visibility timeout
(docs/reliability.md, case 15; CI's second pass).

With Redis as broker, a message not acknowledged within the visibility timeout
is delivered again, even though its first delivery is still running. The
first test shows the hazard is real on a real worker; the second that our
production transport options (with a task of the same length) run it once.
``certificates.checks`` refuses a configuration whose timeout is not longer
than every task's time limit; ``tests/certificates`` covers that half.
"""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from celery import Celery
from django.conf import settings as django_settings

from certificates.checks import check_celery_delivery
from tests.reliability.servers import CeleryWorker, RedisServer, base_env

pytestmark = pytest.mark.redis

TASK_SECONDS = 8


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


def _run_once_and_count(redis_server, tmp_path, **env) -> int:
    """Send one ``count_and_sleep`` to a fresh worker; return how many times
    it started by the time its first run has finished plus a sweep or two."""
    key = f"runs:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_server.url)
    sender = Celery("reliability-sender", broker=redis_server.url)
    log = tmp_path / f"worker-{key[5:13]}.log"
    worker_env = base_env(
        REDIS_URL=redis_server.url,
        WEGO_TEST_REDIS_EVERYWHERE="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        **env,
    )
    with CeleryWorker(worker_env, log) as worker:
        worker.pool_processes(2)
        sender.send_task("tests.count_and_sleep", args=[key, TASK_SECONDS])
        end = time.monotonic() + TASK_SECONDS + 30
        while time.monotonic() < end and not client.get(f"{key}:done"):
            time.sleep(0.2)
        assert client.get(f"{key}:done"), log.read_text()[-3000:]
        time.sleep(3)  # a redelivery would have started by now
    sender.close()
    return int(client.get(key))


def test_a_visibility_timeout_shorter_than_the_task_runs_it_twice(
    redis_server, tmp_path
):
    runs = _run_once_and_count(redis_server, tmp_path, WEGO_TEST_VISIBILITY_TIMEOUT="3")
    assert runs >= 2, "the hazard did not show: the test would prove nothing"


def test_the_production_transport_options_run_a_long_task_once(redis_server, tmp_path):
    # The worker keeps the settings' visibility timeout, which the deploy
    # check requires to be longer than every task's time limit.
    assert django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > (
        TASK_SECONDS
    )
    assert check_celery_delivery() == []
    assert _run_once_and_count(redis_server, tmp_path) == 1
