"""The Celery application: ``celery -A lms worker`` and ``celery -A lms beat``."""

import os

from celery import Celery
from celery.signals import beat_init, task_failure, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _freeze_loaded_heap(**kwargs) -> None:
    """Before the pool forks and before beat ticks: a stop within 10 s (lms.process)."""
    from lms.process import freeze_loaded_heap

    freeze_loaded_heap()


@task_failure.connect
def _count_task_failure(sender=None, **kwargs) -> None:
    from lms.observability import TASK_FAILURES

    TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()
