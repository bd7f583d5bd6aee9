"""A Redis cache that degrades to "miss" when Redis is down.

Pages must keep serving while Redis restarts: a failed cache read is a miss, a
failed write is dropped, and both are logged, instead of a 500.
"""

import logging

from django.core.cache.backends.redis import RedisCache
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


class ResilientRedisCache(RedisCache):
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
