"""bin/serve under test while /healthz answers 503: as serve_settings, but the
channel layer names a Redis that is not there (pages that do not use it, such
as robots.txt, still answer)."""

from tests.ops.serve_settings import *  # noqa: F403

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
    }
}
