import pytest


@pytest.fixture
def fresh_channel_layer():
    """The layer as a new process has it: an earlier test's receiver left on
    another (closed) event loop would make this one's round trip fail with
    channels-redis's "two event loops" error, which no server process meets
    (/healthz runs on the server's own loop)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_healthz_reports_every_component(client, db, fresh_channel_layer):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body) >= {"database", "channel_layer", "broker"}


def test_healthz_reports_a_stopped_redis_as_down(client, db, settings):
    from channels.layers import channel_layers

    # Port 1 has nothing listening: the same as a stopped Redis.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["channel_layer"].startswith("down")
    assert body["database"] == "ok"


def test_healthz_reports_an_unreachable_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from lms.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["broker"].startswith("down")


@pytest.mark.redis
def test_healthz_ok_on_real_redis(client, db, settings):
    from channels.layers import channel_layers

    # The test settings keep tasks and the layer in-process; check Redis itself.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": "wego-test-healthz"},
        }
    }
    channel_layers.backends.clear()
    try:
        body = client.get("/healthz").json()
    finally:
        channel_layers.backends.clear()
    assert body["channel_layer"] == "ok"
    assert body["broker"] == "ok"
