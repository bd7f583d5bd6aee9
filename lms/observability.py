"""Metrics (``/metrics``, Prometheus text format), request ids and JSON logs.

Metrics come from ``prometheus_client``. Under ``make prod`` and the deploy
files several processes serve (gunicorn workers, Daphne, the Celery worker's
pool) and ``PROMETHEUS_MULTIPROC_DIR`` names a folder where each writes its
own; ``/metrics``, whichever process answers it, adds them up. Without it
(``make run``: one process) the process's own registry is shown.

``/metrics`` answers addresses in ``METRICS_ALLOWED_IPS`` (after
``lms.proxy``: the client's, not nginx's) or a request with
``Authorization: Bearer <METRICS_TOKEN>``; anyone else gets 403.

Every request gets an id (``X-Request-ID`` from nginx when present, else a
new one): it is in the response's ``X-Request-ID`` header, in every log line
written while serving it (``LOG_FORMAT=json`` writes one JSON object per
line) and in the body of every JSON error (``{"code", "detail",
"request_id"}``), so a person's screenshot of an error leads to its log.
"""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily

logger = logging.getLogger(__name__)

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REQUEST_LATENCY = Histogram(
    "wego_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "wego_http_requests_total", "HTTP requests answered.", ["view", "method", "status"]
)
QA_SOCKETS = Gauge(
    "wego_qa_open_sockets",
    "Open live Q&A sockets, by webinar.",
    ["webinar"],
    multiprocess_mode="livesum",
)
CHANNEL_LAYER_FAILURES = Counter(
    "wego_channel_layer_failures_total",
    "Channel-layer (Redis) operations that failed.",
    ["operation"],
)
TASK_FAILURES = Counter(
    "wego_celery_task_failures_total", "Celery tasks that failed.", ["task"]
)
ENROLMENT_DECISIONS = Counter(
    "wego_enrolment_decisions_total",
    "Enrolment status changes (applications, approvals, waitlist, withdrawals).",
    ["decision"],
)


# --- /metrics ---------------------------------------------------------------------


class CeleryQueueCollector:
    """Tasks waiting in the broker, read at scrape time (Redis list lengths)."""

    def collect(self):
        family = GaugeMetricFamily(
            "wego_celery_queue_depth",
            "Celery tasks waiting in the broker.",
            labels=["queue"],
        )
        url = getattr(settings, "CELERY_BROKER_URL", "")
        if url.startswith(("redis://", "rediss://")):
            import redis

            try:
                client = redis.Redis.from_url(url, socket_timeout=2)
                try:
                    depth = client.llen("celery")
                finally:
                    client.close()
                family.add_metric(["celery"], depth)
            except (OSError, redis.RedisError):  # a scrape must not fail on Redis
                logger.warning("metrics: the broker's queue length is unknown")
        yield family


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(CeleryQueueCollector())
    return registry


def metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        if hmac.compare_digest(header[len("Bearer ") :].strip(), token):
            return True
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def metrics_view(request):
    if not metrics_allowed(request):
        return HttpResponse(
            "Metrics are for the monitoring addresses or the metrics token.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def forget_dead_processes() -> None:
    """Drop the live gauges of processes that are gone (a restart, a kill).

    Called at every server process's start: a SIGKILLed Daphne never says
    goodbye, and its open-socket counts must not live on in the sum.
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, folder)
        except PermissionError:
            pass


# --- Requests ---------------------------------------------------------------------


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or match.route or "unnamed"


class RequestObservabilityMiddleware:
    """Request id in, header and JSON error field out; latency by view."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        view = _view_name(request)
        if view != "metrics":
            REQUEST_LATENCY.labels(view, request.method).observe(
                time.perf_counter() - started
            )
            REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        response["X-Request-ID"] = request_id
        if response.status_code >= 400:
            _add_request_id(response, request_id)
        return response


def _add_request_id(response, request_id: str) -> None:
    if getattr(response, "streaming", False):
        return
    if not response.get("Content-Type", "").startswith("application/json"):
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    if isinstance(body, dict) and "code" in body and "request_id" not in body:
        body["request_id"] = request_id
        response.content = json.dumps(body)
        if response.has_header("Content-Length"):  # set further in (CommonMiddleware)
            response["Content-Length"] = str(len(response.content))


# --- Logs -------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = time.gmtime
