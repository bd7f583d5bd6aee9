"""Settings for the test suite: fast hashing, e-mail kept in memory.

The suite runs twice in CI: on the embedded defaults and with ``DATABASE_URL``
and ``REDIS_URL`` pointing at PostgreSQL and Redis. In both passes, in-process
tests get Celery tasks run eagerly (so e-mail reaches ``mail.outbox``) and a
cache per process (xdist workers must not clear each other's rate-limit
counters). The channel layer is the real one: in-memory without ``REDIS_URL``,
channels-redis with it, its keys prefixed per xdist worker. Tests that
exercise the Redis cache or broker in-process say so with settings overrides.

A server started by a test that needs Redis for all three (for example with a
private redis-server it then stops) sets ``WEGO_TEST_REDIS_EVERYWHERE=1`` in
its environment; its layer then gets a key prefix per xdist worker.
"""

import os

from .base import *  # noqa: F403
from .base import CHANNEL_LAYERS, REDIS_URL, REST_FRAMEWORK, env

if not env.bool("WEGO_TEST_REDIS_EVERYWHERE", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
if not REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    CHANNEL_LAYERS = {
        "default": {
            **CHANNEL_LAYERS["default"],
            "CONFIG": {
                **CHANNEL_LAYERS["default"]["CONFIG"],
                "prefix": "wego-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main"),
            },
        }
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttles are exercised by their own tests with explicit rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": "10000/min",
        "user": "10000/min",
    },
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Tests serve static files from the finders, no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
