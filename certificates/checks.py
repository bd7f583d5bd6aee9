"""System check: Celery delivery settings that certificate issuance relies on.

docs/reliability.md, cases 12 and 15. Certificate tasks are acknowledged late
and rejected (re-queued) when their worker process dies, so a killed worker's
task runs again. With a Redis broker a task not acknowledged within the
visibility timeout is delivered a second time *while the first is still
running*; the timeout must therefore exceed every task's hard time limit and
the longest ETA/countdown we schedule (``CELERY_LONGEST_ETA_SECONDS``; nothing
is scheduled with an ETA today, offers expire by a periodic sweep).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

REDIS_LIKE = ("redis", "rediss", "sqs")


def _transport(url: str) -> str:
    return (url or "").split("://", 1)[0].split("+", 1)[0].lower()


def celery_delivery_errors(
    conf: dict, task_limits: dict[str, float | None], *, longest_eta: float = 0
) -> list:
    """Problems with ``conf`` (CELERY_* settings without the prefix, lower case).

    ``task_limits`` maps task names to their own hard time limit (None: the
    global ``task_time_limit`` applies).
    """
    problems: list = []
    if not conf.get("task_acks_late"):
        problems.append(
            Warning(
                "CELERY_TASK_ACKS_LATE is off: a task whose worker dies is lost.",
                hint="Set CELERY_TASK_ACKS_LATE = True (tasks are idempotent).",
                id="certificates.W001",
            )
        )
    if not conf.get("task_reject_on_worker_lost"):
        problems.append(
            Warning(
                "CELERY_TASK_REJECT_ON_WORKER_LOST is off: a task whose worker "
                "process is killed is acknowledged, not re-queued.",
                hint="Set CELERY_TASK_REJECT_ON_WORKER_LOST = True.",
                id="certificates.W002",
            )
        )
    if _transport(conf.get("broker_url", "")) not in REDIS_LIKE:
        return problems
    timeout = (conf.get("broker_transport_options") or {}).get("visibility_timeout")
    if timeout is None:
        timeout = 3600  # kombu's default for Redis
    default_limit = conf.get("task_time_limit")
    limits = {
        name: limit if limit is not None else default_limit
        for name, limit in task_limits.items()
    }
    unlimited = sorted(name for name, limit in limits.items() if limit is None)
    if unlimited:
        problems.append(
            Error(
                "Tasks without a hard time limit may outlive the broker's "
                f"visibility timeout and run twice: {', '.join(unlimited)}.",
                hint="Set CELERY_TASK_TIME_LIMIT or a time_limit per task.",
                id="certificates.E001",
            )
        )
    longest_name, longest = max(
        ((n, v) for n, v in limits.items() if v is not None),
        key=lambda item: item[1],
        default=("task_time_limit", default_limit or 0),
    )
    if timeout <= longest:
        problems.append(
            Error(
                f"The broker's visibility_timeout ({timeout} s) is not longer than "
                f"the time limit of {longest_name} ({longest} s): a long run is "
                "delivered a second time while the first still runs.",
                hint="Raise CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'].",
                id="certificates.E002",
            )
        )
    if timeout <= longest_eta:
        problems.append(
            Error(
                f"The broker's visibility_timeout ({timeout} s) is not longer than "
                f"the longest ETA we schedule ({longest_eta} s): the task is "
                "delivered again before it is due.",
                hint="Raise CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'].",
                id="certificates.E003",
            )
        )
    return problems


OUR_APPS = ("certificates", "courses", "webinars", "lms", "cms")


def _our_task_limits(app) -> dict[str, float | None]:
    # Import the task modules directly: the loader's import_default_modules()
    # runs the system checks itself inside a worker (recursion).
    from importlib import import_module
    from importlib.util import find_spec

    for name in OUR_APPS:
        if find_spec(f"{name}.tasks") is not None:
            import_module(f"{name}.tasks")
    ours = tuple(f"{name}." for name in OUR_APPS)
    return {
        name: task.time_limit
        for name, task in app.tasks.items()
        if name.startswith(ours)
    }


@register()
def check_celery_delivery(app_configs=None, **kwargs):
    from lms.celery import app

    conf = {
        key: getattr(settings, f"CELERY_{key.upper()}", None)
        for key in (
            "task_acks_late",
            "task_reject_on_worker_lost",
            "broker_url",
            "broker_transport_options",
            "task_time_limit",
        )
    }
    return celery_delivery_errors(
        conf,
        _our_task_limits(app),
        longest_eta=getattr(settings, "CELERY_LONGEST_ETA_SECONDS", 0),
    )


@register()
def check_certificate_fonts(app_configs=None, **kwargs):
    """Korean and Cyrillic certificates need the Noto fonts (fonts-noto-core,
    fonts-noto-cjk); without them WeasyPrint prints empty boxes."""
    from .pdf_fonts import missing_fonts

    return [
        Warning(
            f"A font the certificates need is not installed: {missing}.",
            hint="Install Debian's fonts-noto-core and fonts-noto-cjk.",
            id="certificates.W010",
        )
        for missing in missing_fonts()
    ]
