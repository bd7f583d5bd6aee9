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


@pytest.mark.redis
def test_counters_bump_in_one_go_and_a_lost_one_starts_at_the_given_value(settings):
    cache = ResilientRedisCache(
        settings.REDIS_URL, {"KEY_PREFIX": f"wego-test-{uuid.uuid4().hex}"}
    )
    cache.set("kept", 41, 30)
    assert cache.bump_counters(("kept", "lost"), start=1_000, timeout=30) == [42, 1_001]
    # Readable through the ordinary API, as the page cache's version lookups do.
    assert cache.get_many(["kept", "lost"]) == {"kept": 42, "lost": 1_001}
    cache.bump_counters(("lost",), start=5, timeout=30)
    assert cache.get("lost") == 1_002
    cache.delete_many(["kept", "lost"])


def test_cache_objects_of_one_server_share_connections():
    """Under ASGI each request gets a cache object of its own: they must not
    each open new connections to Redis."""
    options = {"OPTIONS": {"socket_connect_timeout": 0.2}}
    first = ResilientRedisCache("redis://127.0.0.1:1/0", options)
    second = ResilientRedisCache("redis://127.0.0.1:1/0", options)
    other = ResilientRedisCache("redis://127.0.0.1:1/1", options)
    assert first._cache.get_client(write=True) is second._cache.get_client()
    assert other._cache.get_client() is not first._cache.get_client()
