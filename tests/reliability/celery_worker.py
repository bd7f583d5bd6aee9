"""A real Celery worker for reliability tests, with two test-only changes.

``python -m tests.reliability.celery_worker`` starts ``celery -A lms worker``
(prefork, two pool processes) after:

- slowing each certificate render by ``WEGO_TEST_RENDER_SECONDS`` so a test
  can kill a pool process while it is rendering, and
- registering ``tests.count_and_sleep``: a task that adds one to a Redis
  counter, then sleeps, so a test can count how often the broker delivered it;
- with ``WEGO_TEST_VISIBILITY_TIMEOUT`` set, replacing the broker's visibility
  timeout by that many seconds, and sweeping for unacknowledged messages every
  second either way (kombu's default sweep is every ~100 s).

The production code paths are otherwise untouched: the same task modules,
settings (``tests.e2e.e2e_settings`` with Redis as broker) and services.
"""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.e2e.e2e_settings")
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402

import certificates.services.render as render_service  # noqa: E402
from lms.celery import app  # noqa: E402

_render = render_service.render_certificate_pdf


def _slow_render(certificate):
    time.sleep(float(os.environ.get("WEGO_TEST_RENDER_SECONDS", "0")))
    return _render(certificate)


render_service.render_certificate_pdf = _slow_render

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
if os.environ.get("WEGO_TEST_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options["visibility_timeout"] = int(
        os.environ["WEGO_TEST_VISIBILITY_TIMEOUT"]
    )


@app.task(name="tests.count_and_sleep", acks_late=True)
def count_and_sleep(key: str, seconds: float) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.incr(key)
    time.sleep(seconds)
    client.incr(f"{key}:done")


if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            f"--concurrency={os.environ.get('WEGO_TEST_CONCURRENCY', '2')}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=reliability-{os.getpid()}@%h",
        ]
    )
