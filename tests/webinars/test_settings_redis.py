"""The channel layer's Redis connections outlast channels-redis's blocking reads.

channels-redis waits up to ``brpop_timeout`` seconds on ``BZPOPMIN``; a Redis
read timeout no longer than that made every quiet wait raise, which closed
idle Q&A sockets with 1011 and made ``/healthz`` flap (issue 14).
"""

import json
import subprocess
import sys

from channels_redis.core import RedisChannelLayer
from channels_redis.utils import create_pool

from lms.redis_layer import LayerConnection
from tests.reliability.servers import ROOT, base_env


def _production_layer_config() -> dict:
    env = base_env(REDIS_URL="redis://127.0.0.1:1/0", DJANGO_SETTINGS_MODULE=None)
    code = (
        "import json; from lms.settings import base; "
        "print(json.dumps(base.CHANNEL_LAYERS['default'], "
        "default=lambda c: c.__module__ + '.' + c.__qualname__))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_redis_read_timeout_is_longer_than_the_layers_blocking_pop():
    layer = _production_layer_config()
    assert layer["BACKEND"] == "lms.redis_layer.ChannelLayer"
    (host,) = layer["CONFIG"]["hosts"]
    assert host["address"] == "redis://127.0.0.1:1/0"
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout + 1
    # Writes that pass cancellations on (tests/lms/test_redis_layer.py).
    assert host.pop("connection_class") == "lms.redis_layer.LayerConnection"
    # The layer builds its connection pool from exactly these arguments.
    pool = create_pool({**host, "connection_class": LayerConnection})
    assert pool.connection_class is LayerConnection
    assert pool.connection_kwargs["socket_timeout"] == host["socket_timeout"]
    assert pool.connection_kwargs["host"] == "127.0.0.1"
