"""A Celery worker killed during bulk certificate issuance
(docs/reliability.md, cases 12 and 15; CI's second pass).

A real worker (``tests.reliability.celery_worker``: prefork, two pool
processes, Redis broker on a private redis-server, this test's PostgreSQL
database) issues a programme's certificates. Rendering is slowed so the kills
land mid-task. Whatever is killed, the end state is the same: every completed
participant holds exactly one certificate, every PDF is complete and opens,
and each holder got exactly one e-mail.
"""

from __future__ import annotations

import email
import os
import signal
import time
from pathlib import Path

import pytest
from celery import Celery

from certificates import services, tasks
from certificates.models import Certificate, IssuanceJob, JobState
from tests.certificates.factories import completed_enrolment, default_template
from tests.certificates.test_pdf_layout import page_count
from tests.courses.factories import make_programme, site_tree
from tests.factories import UserFactory
from tests.reliability.servers import CeleryWorker, RedisServer, base_env, database_url

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARTICIPANTS = 6
RENDER_SECONDS = 1.5


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def worker_env(settings, redis_server, tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    return base_env(
        DATABASE_URL=database_url(settings),
        REDIS_URL=redis_server.url,
        WEGO_TEST_REDIS_EVERYWHERE="1",
        WEGO_MAIL_DIR=str(mail),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        WEGO_TEST_RENDER_SECONDS=str(RENDER_SECONDS),
        DEV_SIGNING_KEY_PATH=str(tmp_path / "signing-key.pem"),
    )


@pytest.fixture
def broker(redis_server, monkeypatch):
    """Send the issuance task to the private broker (the test process's own
    Celery runs tasks eagerly)."""
    sender = Celery("reliability-sender", broker=redis_server.url)
    name = tasks.issue_programme_certificates.name

    def delay(job_id, **kwargs):
        return sender.send_task(name, args=[job_id], kwargs=kwargs)

    monkeypatch.setattr(tasks.issue_programme_certificates, "delay", delay)
    yield sender
    sender.close()


@pytest.fixture
def programme_with_completions(db):
    office = site_tree()[1]
    trainer = UserFactory(is_staff=True)
    programme = make_programme(office=office, title="eGovFrame Technical Training")
    programme.trainers.add(trainer)
    programme.save()
    default_template()
    enrolments = [
        completed_enrolment(programme, trainer=trainer) for _ in range(PARTICIPANTS)
    ]
    return programme, trainer, enrolments


def _wait(predicate, deadline: float, what: str, log: Path):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(
        f"{what} within {deadline}s; worker log:\n" + log.read_text()[-4000:]
    )


def _stored() -> int:
    return Certificate.objects.exclude(pdf="").count()


def _assert_issued_once(enrolments, mail_dir: Path, media_root: Path) -> None:
    certificates = Certificate.objects.all()
    assert sorted(c.enrolment_id for c in certificates) == sorted(
        e.pk for e in enrolments
    )
    for certificate in certificates:
        data = (media_root / certificate.pdf.name).read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert page_count(data) == 1
    pdf_dir = media_root / "certificates" / "pdf"
    assert sorted(p.name for p in pdf_dir.iterdir()) == sorted(
        f"{c.code}.pdf" for c in certificates
    ), "no half-written or orphan file is left next to the PDFs"
    # Each holder gets one certificate message. A worker killed between the
    # send and the commit that records it sends again when the task is
    # re-delivered: that copy is the same message (its fixed Message-ID),
    # which mail clients show once; a second, different message is a defect.
    messages: dict[str, set[str]] = {}
    for path in mail_dir.glob("*.log"):
        message = email.message_from_bytes(path.read_bytes())
        messages.setdefault(message["To"], set()).add(message["Message-ID"])
    assert sorted(messages) == sorted(e.user.email for e in enrolments)
    codes = {c.user.email: c.code for c in certificates.select_related("user")}
    for recipient, ids in messages.items():
        assert len(ids) == 1, f"{recipient} got {len(ids)} different messages"
        assert ids.pop().startswith(f"<certificate-{codes[recipient]}-issued@")


def test_a_killed_pool_process_re_runs_its_certificate_once(
    settings, worker_env, broker, programme_with_completions, tmp_path
):
    programme, trainer, enrolments = programme_with_completions
    log = tmp_path / "worker.log"
    worker = CeleryWorker(worker_env, log).start()
    try:
        pool = worker.pool_processes(2)
        job = services.certificates_issue_for_programme(
            programme=programme, actor=trainer
        )
        # Both pool processes are rendering once the job has created every
        # certificate and none is stored yet: kill one of them mid-render.
        _wait(
            lambda: Certificate.objects.count() == PARTICIPANTS,
            60,
            "the job did not create the certificates",
            log,
        )
        # Past the job task itself, both processes render (1.5 s each) until
        # the queue drains: a moment later, neither is between two tasks.
        time.sleep(0.3)
        assert _stored() < PARTICIPANTS
        os.kill(pool[0], signal.SIGKILL)
        # The killed render is rejected back to the queue (acks_late with
        # reject_on_worker_lost) and re-run by the replacement process.
        _wait(
            lambda: IssuanceJob.objects.get(pk=job.pk).state == JobState.DONE,
            90,
            "the job did not finish after a pool process was killed",
            log,
        )
        assert "WorkerLostError" in log.read_text()
    finally:
        worker.stop()
    job.refresh_from_db()
    assert (job.done, job.total, job.errors) == (PARTICIPANTS, PARTICIPANTS, [])
    _assert_issued_once(
        enrolments, Path(worker_env["WEGO_MAIL_DIR"]), Path(settings.MEDIA_ROOT)
    )


def test_a_worker_killed_outright_then_restarted_and_resumed_issues_nothing_twice(
    settings, worker_env, broker, programme_with_completions, tmp_path
):
    programme, trainer, enrolments = programme_with_completions
    log = tmp_path / "worker.log"
    worker = CeleryWorker(worker_env, log).start()
    try:
        worker.pool_processes(2)
        job = services.certificates_issue_for_programme(
            programme=programme, actor=trainer
        )
        _wait(lambda: _stored() >= 1, 60, "no PDF was stored", log)
        assert _stored() < PARTICIPANTS
        # The whole worker dies (power cut): its unacknowledged deliveries
        # come back only after the broker's visibility timeout (hours).
        worker.kill_all()
    finally:
        worker.stop()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING
    # The trainer sees the stalled run and resumes it on a restarted worker.
    worker = CeleryWorker(worker_env, log).start()
    try:
        services.job_resume(job=job, actor=trainer)
        _wait(
            lambda: IssuanceJob.objects.get(pk=job.pk).state == JobState.DONE,
            90,
            "the resumed job did not finish",
            log,
        )
    finally:
        worker.stop()
    _assert_issued_once(
        enrolments, Path(worker_env["WEGO_MAIL_DIR"]), Path(settings.MEDIA_ROOT)
    )
