"""The production cache (django-redis with the settings' options) as pages
and limiters use it."""

import uuid

import pytest
from django_redis.cache import RedisCache

from lms.cache import bump_counters
from lms.settings.base import REDIS_CACHE_OPTIONS

DOWN = "redis://127.0.0.1:1/0"  # port 1 has nothing listening: a stopped Redis


def production_cache(location: str, **params) -> RedisCache:
    options = {**REDIS_CACHE_OPTIONS, **params.pop("OPTIONS", {})}
    return RedisCache(location, {**params, "OPTIONS": options})


def test_cache_reads_miss_and_writes_drop_when_redis_is_down():
    cache = production_cache(
        DOWN, OPTIONS={"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    )
    assert cache.get("page:/", "fallback") == "fallback"
    assert not cache.set("page:/", "<html>")
    assert not cache.add("lock", 1)
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("page:/")


@pytest.mark.redis
def test_cache_round_trips_through_the_real_redis(settings):
    # The suite's default cache is per process; this one is the production backend.
    cache = production_cache(
        settings.REDIS_URL, KEY_PREFIX=f"wego-test-{uuid.uuid4().hex}"
    )
    cache.set("page:/", "<html>", 30)
    assert cache.get("page:/") == "<html>"
    assert cache.add("page:/", "other") is False
    cache.delete("page:/")
    assert cache.get("page:/", "miss") == "miss"


@pytest.mark.redis
def test_counters_bump_in_one_go_and_a_lost_one_starts_at_the_given_value(settings):
    cache = production_cache(
        settings.REDIS_URL, KEY_PREFIX=f"wego-test-{uuid.uuid4().hex}"
    )
    cache.set("kept", 41, 30)
    assert bump_counters(("kept", "lost"), start=1_000, timeout=30, cache=cache) == [
        42,
        1_001,
    ]
    # Readable through the ordinary API, as the page cache's version lookups do.
    assert cache.get_many(["kept", "lost"]) == {"kept": 42, "lost": 1_001}
    bump_counters(("lost",), start=5, timeout=30, cache=cache)
    assert cache.get("lost") == 1_002
    cache.delete_many(["kept", "lost"])


def test_cache_objects_of_one_server_share_connections():
    """Under ASGI each request gets a cache object of its own: they must not
    each open new connections to Redis."""
    first = production_cache("redis://127.0.0.1:1/0")
    second = production_cache("redis://127.0.0.1:1/0")
    other = production_cache("redis://127.0.0.1:1/1")
    pool = first.client.get_client(write=True).connection_pool
    assert second.client.get_client().connection_pool is pool
    assert other.client.get_client().connection_pool is not pool


def test_the_settings_use_this_backend_with_these_options():
    from lms.settings import base

    assert "IGNORE_EXCEPTIONS" in base.REDIS_CACHE_OPTIONS
    assert base.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS is True
