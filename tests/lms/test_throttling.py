"""The per-user API limit: counted atomically, per user, per window."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from lms.throttling import UserRateThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(
        UserRateThrottle,
        "THROTTLE_RATES",
        {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/min"},
    )
    monkeypatch.setattr(UserRateThrottle, "timer", lambda self: 1_800_000_010.0)
    cache.clear()


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_user_over_the_limit_is_told_when_to_come_back(three_a_minute):
    alice = _client(UserFactory())
    statuses = [alice.get("/api/v1/me/enrolments/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = alice.get("/api/v1/me/enrolments/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused["Retry-After"] == "50"  # the window ends at the next minute
    # Another user has a limit of their own.
    assert _client(UserFactory()).get("/api/v1/me/enrolments/").status_code == 200


def test_the_next_window_starts_afresh(three_a_minute, monkeypatch):
    alice = _client(UserFactory())
    for _ in range(4):
        alice.get("/api/v1/me/enrolments/")
    monkeypatch.setattr(UserRateThrottle, "timer", lambda self: 1_800_000_070.0)
    assert alice.get("/api/v1/me/enrolments/").status_code == 200


@pytest.mark.redis
def test_parallel_hits_on_redis_are_each_counted_once(settings):
    import uuid

    from lms.cache import count_hit
    from tests.lms.test_cache import production_cache

    redis_cache = production_cache(
        settings.REDIS_URL, KEY_PREFIX=f"wego-test-{uuid.uuid4().hex}"
    )
    with ThreadPoolExecutor(8) as pool:
        counts = list(
            pool.map(
                lambda _i: count_hit("user:7:window", timeout=30, cache=redis_cache),
                range(50),
            )
        )
    assert sorted(counts) == list(range(1, 51))
    redis_cache.delete("user:7:window")


def test_with_redis_down_nobody_is_refused():
    from lms.cache import count_hit
    from tests.lms.test_cache import production_cache

    down = production_cache(
        "redis://127.0.0.1:1/0",
        OPTIONS={"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    )
    assert count_hit("user:7:window", timeout=30, cache=down) == 0
