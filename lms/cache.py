"""Counters on the cache, in one round trip on Redis.

The Redis cache itself is django-redis (``lms.settings.base``): connection
pools shared by every cache object of the process (Django gives each request
under ASGI a cache object of its own), and ``IGNORE_EXCEPTIONS``, so pages keep
serving while Redis restarts: a failed read is a miss, a failed write is
dropped, and both are logged, instead of a 500.
"""

import logging

from django.core.cache import cache as default_cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_DOWN = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def bump_counters(keys, *, start: int, timeout: int, cache=None) -> list[int]:
    """Add one to each counter; a missing one starts at ``start``. The new values.

    On Redis, one round trip for all of them; elsewhere ``add`` then ``incr``.
    Errors (Redis down) are the caller's to handle.
    """
    cache = cache or default_cache
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):  # django-redis
        pipe = client.get_client(write=True).pipeline(transaction=False)
        for key in keys:
            key = client.make_key(key)
            pipe.set(key, start, nx=True, ex=timeout)
            pipe.incr(key)
        return pipe.execute()[1::2]
    counts = []
    for key in keys:
        cache.add(key, start, timeout=timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # evicted between add and incr
            cache.add(key, start + 1, timeout=timeout)
            counts.append(start + 1)
    return counts


def count_hit(key: str, *, timeout: int, cache=None) -> int:
    """Count one hit on ``key`` atomically; the count so far (rate limits).

    0 when the cache is unreachable: a limit never refuses because Redis is down.
    """
    try:
        return bump_counters((key,), start=0, timeout=timeout, cache=cache)[0]
    except _DOWN as exc:
        logger.warning("cache unavailable (count_hit): %s", exc)
        return 0
