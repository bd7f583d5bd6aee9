"""Celery tasks: bulk issuance and PDF rendering (each calls one service).

Both take primary keys, are acknowledged late (a killed worker's task is
re-delivered) and are idempotent, so a second delivery does nothing twice.
"""

from celery import shared_task
from django.db import OperationalError

from . import services

RETRYABLE = (OperationalError, OSError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1900,
)
def issue_programme_certificates(self, job_id: int) -> None:
    """Issue the certificates of a bulk job; re-runs reuse what exists."""
    services.job_run(job_id=job_id)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def render_certificate_pdf(
    self, certificate_id: int, job_id: int | None = None
) -> None:
    """Render and store one certificate's PDF, then e-mail its holder (once)."""
    services.certificate_publish(certificate_id=certificate_id, job_id=job_id)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def notify_certificate_revoked(self, certificate_id: int) -> None:
    """E-mail the holder of a revoked certificate the reason (once)."""
    services.certificate_revocation_notify(certificate_id=certificate_id)
