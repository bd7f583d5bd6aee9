"""Graceful shutdown: Daphne (lms.asgi_server), bin/serve and `make serve`.

What an operator sees: after SIGTERM the request already in flight is
answered, open WebSockets are closed with 1001 (the Q&A page reconnects and
resumes), no new connection is taken, and every process is gone within 10 s
with status 0. A dying Celery worker is started again and the site stays up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.reliability.servers import (
    PYTHON,
    ROOT,
    free_port,
    seeded_sqlite,
    stop,
    wait_http,
)

pytestmark = pytest.mark.timeout(120)


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def _wait_gone(process: subprocess.Popen, seconds: float) -> float:
    started = time.monotonic()
    process.wait(timeout=seconds)
    return time.monotonic() - started


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies of an exited group do not count.
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def _get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        return response.status, response.read()


@pytest.fixture
def toy_server(tmp_path):
    port = free_port()
    close_log = tmp_path / "closes.txt"
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, "-m", "lms.asgi_server", "-b", "127.0.0.1", "-p", str(port)]
        + ["tests.ops.asgi_toy:application"],
        cwd=ROOT,
        env=_env(TOY_CLOSE_LOG=str(close_log)),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", deadline=30)
        yield process, port, close_log, tmp_path / "server.log"
    finally:
        stop(process, signal.SIGKILL)
        log.close()


def test_sigterm_answers_the_request_in_flight_and_closes_sockets_with_1001(
    toy_server,
):
    process, port, close_log, log = toy_server
    with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=10) as socket_:
        _sigterm_while_busy(process, port, socket_, close_log, log)


def _sigterm_while_busy(process, port, socket_, close_log, log) -> None:
    socket_.send("hello")
    assert socket_.recv(timeout=5) == "hello"

    answers: list = []
    slow = threading.Thread(
        target=lambda: answers.append(_get(f"http://127.0.0.1:{port}/slow")),
    )
    slow.start()
    time.sleep(0.5)  # the slow request is inside the application now

    process.send_signal(signal.SIGTERM)
    with pytest.raises(ConnectionClosed) as closed:
        socket_.recv(timeout=5)
    assert closed.value.rcvd is not None, "the socket was dropped without a close frame"
    assert closed.value.rcvd.code == 1001

    # No new connection is taken while the last request finishes.
    time.sleep(0.3)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()

    slow.join(timeout=10)
    assert answers == [(200, b"finished")]
    assert _wait_gone(process, 10) < 10
    assert process.returncode == 0, log.read_text()
    # The application saw the close as a disconnect with 1001, like any close.
    assert close_log.read_text().split() == ["1001"]


def test_a_second_signal_stops_at_once(toy_server):
    process, port, _close_log, _log = toy_server

    def request():
        with contextlib.suppress(OSError):  # the connection is cut: that is the point
            _get(f"http://127.0.0.1:{port}/slow")

    slow = threading.Thread(target=request, daemon=True)
    slow.start()
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    assert _wait_gone(process, 5) < 1.8  # sooner than the 2 s request


@pytest.fixture
def fake_bin(tmp_path):
    """A BIN for bin/serve: the real Python, and a `celery` that only records
    its starts and sleeps (the worker's own behaviour is not under test)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nexec "{PYTHON}" "$@"\n')
    python.chmod(0o755)
    daphne = bin_dir / "daphne"  # what bin/serve ran before it had lms.asgi_server
    daphne.write_text(f'#!/bin/sh\nexec "{PYTHON}" -m daphne "$@"\n')
    daphne.chmod(0o755)
    starts = tmp_path / "worker-starts.txt"
    celery = bin_dir / "celery"
    celery.write_text(
        f'#!/usr/bin/env bash\necho "$$ $REMAP_SIGTERM" >> "{starts}"\nexec sleep 600\n'
    )
    celery.chmod(0o755)
    return bin_dir, starts


def _worker_pids(starts: Path) -> list[int]:
    if not starts.exists():
        return []
    return [int(line.split()[0]) for line in starts.read_text().splitlines()]


def _wait_for(predicate, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _serve_env(
    tmp_path, bin_dir, settings: str = "tests.ops.serve_settings"
) -> dict[str, str]:
    database = seeded_sqlite(tmp_path / "db.sqlite3")
    return _env(
        BIN=str(bin_dir),
        DATABASE_URL=f"sqlite:///{database}",
        # Only makes bin/serve start the worker: the fake worker never connects.
        REDIS_URL="redis://127.0.0.1:1/0",
        DJANGO_SETTINGS_MODULE=settings,
        LOG_LEVEL="WARNING",
    )


def test_bin_serve_restarts_a_dead_worker_and_the_site_stays_up(tmp_path, fake_bin):
    bin_dir, starts = fake_bin
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    serve = subprocess.Popen(
        ["bin/serve", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=_serve_env(tmp_path, bin_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/robots.txt", deadline=60)
        first = _wait_for(lambda: _worker_pids(starts), 20, "the worker")[0]
        os.kill(first, signal.SIGKILL)
        # The site answers throughout, and a new worker comes up.
        for _ in range(5):
            assert _get(f"http://127.0.0.1:{port}/robots.txt")[0] == 200
            time.sleep(0.2)
        pids = _wait_for(
            lambda: len(_worker_pids(starts)) >= 2 and _worker_pids(starts),
            15,
            "the worker to be started again",
        )
        assert pids[1] != first
        assert _get(f"http://127.0.0.1:{port}/robots.txt")[0] == 200
        # The worker is told that SIGTERM means a bounded (soft) shutdown.
        assert starts.read_text().split()[1] == "SIGQUIT"

        serve.send_signal(signal.SIGTERM)
        assert _wait_gone(serve, 10) < 10
        assert serve.returncode == 0, (tmp_path / "serve.log").read_text()
        assert not _group_alive(serve.pid)
    finally:
        stop(serve, signal.SIGKILL)
        log.close()


def test_bin_serve_stops_everything_when_daphne_dies(tmp_path, fake_bin):
    bin_dir, starts = fake_bin
    port = free_port()
    serve = subprocess.Popen(
        ["bin/serve", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=_serve_env(tmp_path, bin_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/robots.txt", deadline=60)
        _wait_for(lambda: _worker_pids(starts), 20, "the worker")
        daphne = subprocess.run(
            ["pgrep", "-g", str(serve.pid), "-f", "lms.asgi_server"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        os.kill(int(daphne[0]), signal.SIGKILL)
        _wait_gone(serve, 15)
        assert serve.returncode != 0
        assert not _group_alive(serve.pid)
    finally:
        stop(serve, signal.SIGKILL)


def test_sigterm_to_make_serve_stops_daphne_within_10_seconds(tmp_path, fake_bin):
    """The cause of issue 18's hang: make's recipe ran bin/serve under /bin/sh,
    which took make's SIGTERM and died, leaving bin/serve and Daphne running."""
    bin_dir, _starts = fake_bin
    port = free_port()
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"]
        + [f"BIN={bin_dir}", f"PORT={port}"],
        cwd=ROOT,
        env=_serve_env(tmp_path, bin_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/robots.txt", deadline=60)
        make.send_signal(signal.SIGTERM)  # make alone, as a supervisor does
        _wait_for(lambda: not _group_alive(make.pid), 10, "every process to exit")
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        stop(make, signal.SIGKILL)


def test_sigterm_stops_everything_while_healthz_still_fails(tmp_path, fake_bin):
    """bin/serve's "is listening" announcer polls /healthz until it answers 200.
    A SIGTERM before that (a slow first answer on a loaded machine, or a
    component down) left it polling a closed port for two minutes, so the
    process group outlived the 10 s a supervisor allows (CI, stop 21)."""
    bin_dir, _starts = fake_bin
    port = free_port()
    serve = subprocess.Popen(
        ["bin/serve", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=_serve_env(tmp_path, bin_dir, "tests.ops.serve_unhealthy_settings"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/robots.txt", deadline=60)
        with pytest.raises(urllib.error.HTTPError) as unhealthy:
            _get(f"http://127.0.0.1:{port}/healthz")
        assert unhealthy.value.code == 503
        serve.send_signal(signal.SIGTERM)
        assert _wait_gone(serve, 10) < 10
        _wait_for(lambda: not _group_alive(serve.pid), 3, "every process to exit")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serve.pid, signal.SIGKILL)
        stop(serve, signal.SIGKILL)
