"""bin/serve under test: REDIS_URL is set (so a worker is started) but names
no Redis; cache, channel layer and tasks stay in the process."""

from lms.settings.base import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CELERY_TASK_ALWAYS_EAGER = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
