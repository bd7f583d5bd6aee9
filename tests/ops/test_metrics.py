"""/metrics and request ids (issue 18): who may read the metrics, what they count."""

from __future__ import annotations

import json
import logging

import pytest
from asgiref.sync import async_to_sync
from prometheus_client.parser import text_string_to_metric_families

from lms.observability import JsonFormatter, RequestIdFilter, request_id_var
from webinars import realtime

OUTSIDE = "203.0.113.5"


@pytest.fixture
def monitoring(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.0.0.9"]
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"


def samples(client, name: str) -> dict:
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(client, name: str, **labels) -> float:
    wanted = tuple(sorted(labels.items()))
    return samples(client, name).get(wanted, 0.0)


def test_an_anonymous_outside_address_is_refused(client, monitoring, db):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert b"wego_" not in response.content


def test_an_outside_address_through_the_proxy_is_refused(client, monitoring, db):
    # nginx forwards it from 127.0.0.1, which is allow-listed: the client's
    # address (X-Real-IP) is what counts.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=OUTSIDE)
    assert response.status_code == 403


def test_a_wrong_token_is_refused_and_the_right_one_lets_in(client, monitoring, db):
    wrong = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer guess"
    )
    assert wrong.status_code == 403
    right = client.get(
        "/metrics",
        REMOTE_ADDR=OUTSIDE,
        HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus",
    )
    assert right.status_code == 200
    assert right["Content-Type"].startswith("text/plain")


def test_no_allow_list_and_no_token_means_nobody(client, settings, db):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_requests_are_counted_and_timed_by_view(client, monitoring, db):
    before = value(
        client, "wego_http_requests_total", view="healthz", method="GET", status="200"
    )
    timed = value(
        client, "wego_http_request_duration_seconds_count", view="healthz", method="GET"
    )
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert (
        value(
            client,
            "wego_http_requests_total",
            view="healthz",
            method="GET",
            status="200",
        )
        == before + 3
    )
    assert (
        value(
            client,
            "wego_http_request_duration_seconds_count",
            view="healthz",
            method="GET",
        )
        == timed + 3
    )


def test_channel_layer_failures_are_counted(client, monitoring, db, monkeypatch):
    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(realtime, "get_channel_layer", lambda: BrokenLayer())
    before = value(client, "wego_channel_layer_failures_total", operation="broadcast")
    async_to_sync(realtime._group_send)(1, [])
    assert (
        value(client, "wego_channel_layer_failures_total", operation="broadcast")
        == before + 1
    )


def test_task_failures_are_counted(client, monitoring, db):
    from certificates.tasks import notify_certificate_revoked

    name = notify_certificate_revoked.name
    before = value(client, "wego_celery_task_failures_total", task=name)
    result = notify_certificate_revoked.apply(args=[987654321], throw=False)
    assert result.failed()
    assert value(client, "wego_celery_task_failures_total", task=name) == before + 1


def test_queue_depth_is_shown_for_a_redis_broker(client, monitoring, db, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs a Redis broker (CI's second pass)")
    assert (("queue", "celery"),) in samples(client, "wego_celery_queue_depth")


def test_every_response_carries_a_request_id_and_api_errors_name_it(client, db):
    response = client.get("/api/v1/webinars/987654321/")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] and body["detail"]
    assert body["request_id"] == response["X-Request-ID"]
    # The whole body reaches the client (its length was set before the id was added).
    assert int(response["Content-Length"]) == len(response.content)
    assert len(response["X-Request-ID"]) >= 16
    # nginx's id is kept, so its access log and ours agree.
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert given["X-Request-ID"] == "abcdef0123456789"
    # A forged id that could break a log line is replaced.
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nINFO fake")
    assert forged["X-Request-ID"] != "x\nINFO fake"


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord(
        "courses", logging.WARNING, __file__, 1, "seat %s", (3,), None
    )
    token = request_id_var.set("req-0123456789")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-0123456789"
    assert line["message"] == "seat 3"
    assert line["level"] == "WARNING" and line["time"].endswith("Z")
