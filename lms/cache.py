"""A Redis cache that degrades to "miss" when Redis is down.

Pages must keep serving while Redis restarts: a failed cache read is a miss, a
failed write is dropped, and both are logged, instead of a 500.
"""

import logging
import threading

from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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


def _tolerant(default_factory):
    def decorate(method):
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _DOWN as exc:
                logger.warning("cache unavailable (%s): %s", method.__name__, exc)
                return default_factory(*args, **kwargs)

        wrapper.__name__ = method.__name__
        return wrapper

    return decorate


# One client (and its connection pool) per server and options, shared by every
# cache instance of the process.
_CLIENTS: dict = {}
_CLIENTS_LOCK = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with its connections and clients kept process-wide.

    * Django gives every request under ASGI a cache object of its own (the
      cache handler is per context), each with its own connection pool, so
      every request opened new Redis connections, each with a handshake.
      Here pools are shared by every instance with the same server and
      options (a pool is thread-safe and resets itself in a forked child).
    * Django builds a new ``redis.Redis`` for every cache call, and each one
      copies its table of some two hundred response callbacks: about 60 µs,
      as much as a round trip to a local Redis, several times per request.
      Here there is one client per pool (connections come from the pool).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = repr(sorted(self._pool_options.items()))
        self._keys = [(url, options) for url in self._servers]

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = _CLIENTS.get(self._keys[index])
        if client is None:
            with _CLIENTS_LOCK:
                client = _CLIENTS.get(self._keys[index])
                if client is None:
                    pool = self._pool_class.from_url(
                        self._servers[index], **self._pool_options
                    )
                    client = _CLIENTS[self._keys[index]] = self._client(
                        connection_pool=pool
                    )
        return client

    def _get_connection_pool(self, write):
        return self.get_client(write=write).connection_pool


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    @_tolerant(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_tolerant(lambda *a, **k: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @_tolerant(lambda *a, **k: False)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_tolerant(lambda *a, **k: False)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @_tolerant(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_tolerant(lambda *a, **k: [])
    def set_many(self, *args, **kwargs):
        return super().set_many(*args, **kwargs)

    @_tolerant(lambda *a, **k: None)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @_tolerant(lambda *a, **k: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @_tolerant(lambda *a, **k: False)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    @_tolerant(lambda *a, **k: None)
    def clear(self):
        return super().clear()

    def bump_counters(self, keys, *, start: int, timeout: int) -> list[int]:
        """Add one to each counter in one round trip; a missing one starts at ``start``.

        Django's ``incr`` costs two round trips per key (it checks the key
        exists first). Counters are stored as plain integers, as ``set`` does.
        """
        pipe = self._cache.get_client(None, write=True).pipeline(transaction=False)
        for key in keys:
            key = self.make_and_validate_key(key)
            pipe.set(key, start, nx=True, ex=timeout)
            pipe.incr(key)
        return pipe.execute()[1::2]


def bump_counters(keys, *, start: int, timeout: int, cache=None) -> list[int]:
    """Add one to each counter; a missing one starts at ``start``. The new values.

    On Redis, one round trip for all of them; elsewhere ``add`` then ``incr``.
    Errors (Redis down) are the caller's to handle.
    """
    cache = cache or default_cache
    pipelined = getattr(cache, "bump_counters", None)
    if pipelined is not None:
        return pipelined(keys, start=start, timeout=timeout)
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
