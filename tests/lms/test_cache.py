import uuid

import pytest

from lms.cache import ResilientRedisCache


def test_cache_reads_miss_and_writes_drop_when_redis_is_down():
    # Port 1 has nothing listening: the same as a stopped Redis.
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    assert cache.get("page:/", "fallback") == "fallback"
    assert cache.set("page:/", "<html>") is None
    assert cache.add("lock", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("page:/")


@pytest.mark.redis
def test_cache_round_trips_through_the_real_redis(settings):
    # The suite's default cache is per process; this one is the production backend.
    cache = ResilientRedisCache(
        settings.REDIS_URL, {"KEY_PREFIX": f"wego-test-{uuid.uuid4().hex}"}
    )
    cache.set("page:/", "<html>", 30)
    assert cache.get("page:/") == "<html>"
    assert cache.add("page:/", "other") is False
    cache.delete("page:/")
    assert cache.get("page:/", "miss") == "miss"
