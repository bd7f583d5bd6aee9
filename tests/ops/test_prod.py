"""`make prod` as an operator meets it (CI's PostgreSQL + Redis pass).

The stack is the one deploy/ ships: nginx in front, gunicorn for pages,
Daphne for /ws/, a Celery worker and one beat, under supervisord, on this
test's PostgreSQL database and Redis. Through nginx: a page, a static file,
a Q&A socket that receives a question asked over the API (gunicorn → Redis
layer → Daphne), a certificate rendered by the worker. Then the worker is
SIGKILLed: the site keeps answering and supervisord brings the worker back.
Last, SIGTERM to make: everything is gone within 10 s, with status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from celery import Celery

from certificates import services, tasks
from certificates.models import Certificate, IssuanceJob, JobState
from lms.services import api_token_create
from tests.certificates.factories import completed_enrolment, default_template
from tests.courses.factories import make_programme, site_tree
from tests.factories import UserFactory
from tests.reliability.servers import (
    CACHE_DIR,
    ROOT,
    database_url,
    free_port,
    run_manage,
    stop,
    wait_http,
)
from tests.webinars.factories import office_page, webinar_page
from webinars.models import Registration

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(420),  # creating the test database is most of it
]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PROD_SETTINGS = "tests.ops.prod_settings"


def _static_root() -> Path:
    """Collected static files, built once per state of the static sources
    (collectstatic takes a minute on the shared machine)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    root = CACHE_DIR / f"prod-static-{digest.hexdigest()[:16]}"
    if not (root / "staticfiles.json").exists():
        building = CACHE_DIR / f"prod-static-building-{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=PROD_SETTINGS)
        env.update(STATIC_ROOT=str(building), SECRET_KEY="x" * 64)
        run_manage(["collectstatic", "--noinput", "--verbosity", "0"], env)
        shutil.rmtree(root, ignore_errors=True)
        os.replace(building, root)
    return root


def _get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def _post_json(url: str, body: dict, token: str) -> int:
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return response.status


def _supervisorctl(run_dir: Path, env: dict, *args: str) -> str:
    # deploy/supervisord.conf takes its paths from the environment bin/prod sets.
    env = dict(
        env,
        WEGO_RUN=str(run_dir),
        WEGO_ROOT=str(ROOT),
        WEGO_BIN=str(ROOT / ".venv/bin"),
        WEB_WORKERS="1",
    )
    result = subprocess.run(
        [str(ROOT / ".venv/bin/supervisorctl"), "-c", "deploy/supervisord.conf", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return result.stdout


def _pid_of(run_dir: Path, env: dict, name: str) -> int:
    out = _supervisorctl(run_dir, env, "pid", name).strip()
    return int(out) if out.isdigit() else 0


def _kill_leftovers(marker: str) -> None:
    """SIGKILL every process of this stack that is still there (supervisord's
    programs run in process groups of their own; they carry ``marker`` in
    their environment, nginx its configuration path)."""
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            found = marker.encode() in environ.read_bytes()
        except OSError:
            continue
        if found:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(environ.parent.name), signal.SIGKILL)


def _wait(predicate, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def _live_question(port: int, webinar_id: int, token: str, ask) -> dict:
    import websockets

    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws/webinars/{webinar_id}/qa/",
        additional_headers={
            "Authorization": f"Token {token}",
            "Origin": f"http://127.0.0.1:{port}",
        },
        open_timeout=15,
    ) as socket_:
        first = json.loads(await asyncio.wait_for(socket_.recv(), 15))
        assert first["type"] == "snapshot"
        await asyncio.get_running_loop().run_in_executor(None, ask)
        while True:
            message = json.loads(await asyncio.wait_for(socket_.recv(), 15))
            if message["type"] == "question.created":
                return message


@pytest.fixture
def stack_data(db):
    office = office_page()
    webinar = webinar_page(
        office, slug="prod-stack-webinar", title="Prod stack webinar"
    )
    viewer = UserFactory(email="viewer@city.example")
    asker = UserFactory(email="asker@city.example")
    for user in (viewer, asker):
        Registration.objects.create(webinar=webinar, user=user)
    return webinar, viewer, asker


@pytest.fixture
def certificate_programme(db):
    office = site_tree()[1]
    trainer = UserFactory(is_staff=True)
    programme = make_programme(office=office, title="eGovFrame Technical Training")
    programme.trainers.add(trainer)
    programme.save()
    default_template()
    return programme, trainer, completed_enrolment(programme, trainer=trainer)


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")
def test_make_prod_serves_survives_a_worker_kill_and_stops_in_time(
    settings, tmp_path, stack_data, certificate_programme, monkeypatch
):
    webinar, viewer, asker = stack_data
    viewer_key = api_token_create(user=viewer, name="prod-viewer")
    asker_key = api_token_create(user=asker, name="prod-asker")
    static_root = _static_root()
    port, web_port, ws_port = free_port(), free_port(), free_port()
    run_dir = tmp_path / "prod"
    media = tmp_path / "media"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))
    }
    env.update(
        DATABASE_URL=database_url(settings),
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE=PROD_SETTINGS,
        PORT=str(port),
        WEB_PORT=str(web_port),
        WS_PORT=str(ws_port),
        PROD_DIR=str(run_dir),
        PROD_SKIP_SETUP="1",  # the test database is migrated; static is cached
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media),
        DEV_SIGNING_KEY_PATH=str(tmp_path / "signing-key.pem"),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
        WEGO_PROD_TEST_RUN=str(run_dir),
    )
    started = time.monotonic()
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "prod"]
        + [f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=open(tmp_path / "make.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sender = Celery("prod-sender", broker=settings.REDIS_URL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/robots.txt", deadline=90)

        # A page, through nginx and gunicorn.
        status, headers, body = _get(base + webinar.url)
        assert status == 200
        assert headers.get("Server") == "nginx"
        assert b"Prod stack webinar" in body
        # A static file, from disk by nginx.
        status, headers, body = _get(f"{base}/static/css/site.css")
        assert status == 200 and headers.get("Cache-Control", "").startswith("max-age")
        assert body == (static_root / "css/site.css").read_bytes()

        # A question asked over the API (gunicorn) reaches a socket on Daphne.
        message = asyncio.run(
            _live_question(
                port,
                webinar.pk,
                viewer_key,
                lambda: _post_json(
                    f"{base}/api/v1/webinars/{webinar.pk}/questions/",
                    {"text": "Through nginx?"},
                    asker_key,
                ),
            )
        )
        assert message["question"]["text"] == "Through nginx?"

        # A certificate job on the worker: it issues and renders the PDF there.
        programme, trainer, enrolment = certificate_programme
        monkeypatch.setattr(
            tasks.issue_programme_certificates,
            "delay",
            lambda job_id: sender.send_task(
                tasks.issue_programme_certificates.name, args=[job_id]
            ),
        )
        job = services.certificates_issue_for_programme(
            programme=programme, actor=trainer
        )
        certificate = _wait(
            lambda: (
                Certificate.objects.filter(enrolment=enrolment).exclude(pdf="").first()
            ),
            45,
            "the worker to issue and render the certificate",
        )
        assert (media / certificate.pdf.name).read_bytes().startswith(b"%PDF")
        _wait(
            lambda: IssuanceJob.objects.get(pk=job.pk).state == JobState.DONE,
            15,
            "the job to be done",
        )

        # /metrics through nginx adds up every process: gunicorn's requests,
        # the worker's finished tasks are there, and the broker's queue.
        status, _headers, body = _get(f"{base}/metrics")
        assert status == 200
        assert b'wego_http_requests_total{method="GET",status="200"' in body
        assert b'wego_celery_queue_depth{queue="celery"}' in body

        # SIGKILL the worker: the site answers, supervisord starts it again.
        worker = _pid_of(run_dir, env, "app:worker")
        assert worker
        os.kill(worker, signal.SIGKILL)
        for _ in range(5):
            assert _get(f"{base}/robots.txt")[0] == 200
            time.sleep(0.2)
        _wait(
            lambda: _pid_of(run_dir, env, "app:worker") not in (0, worker),
            20,
            "the worker to come back",
        )
        _wait(
            lambda: _supervisorctl(run_dir, env, "status").count("RUNNING") == 5,
            20,
            "every program to be running again",
        )
        # …and it takes work: it answers the broker's ping.
        _wait(lambda: sender.control.ping(timeout=1), 30, "the new worker to answer")
        assert time.monotonic() - started < 90

        # SIGTERM to the whole stack (make, as a terminal or a unit does).
        make.send_signal(signal.SIGTERM)
        began = time.monotonic()
        make.wait(timeout=12)
        assert time.monotonic() - began < 10
        # make passes SIGTERM on and then dies of it; supervisord and every
        # program it ran stopped cleanly.
        assert make.returncode == -signal.SIGTERM
        log = (run_dir / "supervisord.log").read_text()
        assert "WARN" not in log.split("received SIGTERM", 1)[1], log[-3000:]
        for name in ("web", "ws", "worker", "beat", "nginx"):
            assert f"stopped: {name} (exit status 0)" in log, log[-3000:]
    finally:
        sender.close()
        stop(make, signal.SIGTERM, grace=15)
        _kill_leftovers(f"WEGO_PROD_TEST_RUN={run_dir}")
