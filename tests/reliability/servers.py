"""Real processes for journey and reliability tests: Daphne, redis-server, Celery.

Every helper starts a subprocess on a free loopback port, waits for it with a
bounded deadline, and stops it (SIGTERM, then SIGKILL) when the ``with`` block
ends, so a failing test never leaves a server behind. The seeded SQLite file
is built once per migration/demo state and copied for each server, because
``migrate && seed_demo`` takes a minute or more on the shared two-core machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
DAPHNE = str(VENV_BIN / "daphne") if (VENV_BIN / "daphne").exists() else "daphne"
CELERY = str(VENV_BIN / "celery") if (VENV_BIN / "celery").exists() else "celery"
SETTINGS = "tests.e2e.e2e_settings"
CACHE_DIR = Path(tempfile.gettempdir()) / "wego-e2e-cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a server subprocess: test settings, no real services
    unless named, so the parent's DATABASE_URL/REDIS_URL never leak in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env["PYTHONPATH"] = str(ROOT)
    env["LOG_LEVEL"] = "WARNING"
    env["PYTHONUNBUFFERED"] = "1"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _seed_state_key() -> str:
    digest = hashlib.sha256()
    patterns = ["*/migrations/*.py", "*/demo.py", "lms/management/commands/*.py"]
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if ".venv" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_manage(args: list[str], env: dict[str, str], timeout: float = 900) -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


def seeded_sqlite(target: Path, media: Path | None = None) -> Path:
    """A migrated SQLite file with the demo content, copied from a cache; with
    ``media``, the files the seeding made (the demo's images and their
    renditions) are copied there too, for a server whose MEDIA_ROOT it is."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    key = _seed_state_key()
    cached = CACHE_DIR / f"seeded-{key}.sqlite3"
    cached_media = CACHE_DIR / f"seeded-{key}-media"
    if not cached.exists():
        stamp = f"{os.getpid()}-{time.time_ns()}"
        building = CACHE_DIR / f"building-{stamp}.sqlite3"
        building_media = CACHE_DIR / f"building-{stamp}-media"
        env = base_env(
            DATABASE_URL=f"sqlite:///{building}", MEDIA_ROOT=str(building_media)
        )
        run_manage(["migrate", "--noinput"], env)
        run_manage(["seed_demo"], env)
        building_media.mkdir(exist_ok=True)
        if cached_media.exists():
            shutil.rmtree(cached_media)
        os.replace(building_media, cached_media)
        os.replace(building, cached)
    shutil.copyfile(cached, target)
    if media is not None and cached_media.exists():
        shutil.copytree(cached_media, media, dirs_exist_ok=True)
    return target


def wait_http(url: str, deadline: float = 60, expect=(200,)) -> int:
    """Poll ``url`` until it answers with one of ``expect``; return the status."""
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                last = response.status
        except urllib.error.HTTPError as exc:
            last = exc.code
        except OSError:
            last = None
        if last in expect:
            return last
        time.sleep(0.25)
    raise TimeoutError(
        f"{url} did not answer {expect} within {deadline}s (last {last})"
    )


def stop(
    process: subprocess.Popen | None, sig=signal.SIGTERM, grace: float = 10
) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


class Daphne:
    """A Daphne serving ``lms.asgi`` with the given environment."""

    def __init__(
        self, env: dict[str, str], port: int | None = None, log: Path | None = None
    ):
        self.env = env
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, deadline: float = 90) -> Daphne:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [DAPHNE, "-b", "127.0.0.1", "-p", str(self.port), "lms.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/robots.txt", timeout=5):  # noqa: S310
                    return self
            time.sleep(0.3)
        raise TimeoutError(f"daphne did not start within {deadline}s")

    def stop(self, sig=signal.SIGTERM) -> None:
        stop(self.process, sig)

    def __enter__(self) -> Daphne:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class RedisServer:
    """A private redis-server (never the machine's shared one)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, deadline: float = 15) -> RedisServer:
        binary = shutil.which("redis-server") or "redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            time.sleep(0.1)
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        stop(self.process)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def database_url(settings) -> str:
    """The URL of the test process's (PostgreSQL) database, for a subprocess."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryWorker:
    """``python -m tests.reliability.celery_worker`` in its own process group,
    logging to ``log``."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> CeleryWorker:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "tests.reliability.celery_worker"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def pool_processes(self, count: int, deadline: float = 60) -> list[int]:
        """The pids of the pool processes (children of the main process)."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            children = Path(
                f"/proc/{self.process.pid}/task/{self.process.pid}/children"
            )
            pids = [int(pid) for pid in children.read_text().split()]
            if len(pids) >= count:
                return pids
            time.sleep(0.2)
        raise AssertionError(
            "the worker's pool did not start:\n" + self.log.read_text()[-3000:]
        )

    def kill_all(self) -> None:
        stop(self.process, signal.SIGKILL, grace=10)

    def stop(self) -> None:
        stop(self.process)

    def __enter__(self) -> CeleryWorker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
