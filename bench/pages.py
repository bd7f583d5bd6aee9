"""Public pages under loopback load: req/s, p50/p99 and first-view weights.

Usage: ``.venv/bin/python bench/pages.py [--duration 10] [--connections 16]``

or, against a server already running (``make prod`` through nginx)::

    .venv/bin/python bench/pages.py --url http://127.0.0.1:8080 --label "make prod" \
        [--session <sessionid cookie>] [--programme /path/] [--news /path/]

With ``--url`` nothing is seeded or started: the server's own data is used,
signed-in pages are measured only with ``--session``, and the bare 23 KB
yardstick (a bench-only route) is left out.

It seeds a fresh SQLite database under ``var/bench-pages/``, then for each
topology starts the server, loads it with ``wrk`` (Debian package) and prints a
table; the figures go to ``bench/results/pages.json``.

Topologies:
* ``daphne``: one Daphne process, what ``make run`` starts.
* ``gunicorn``: the production HTTP topology, gunicorn with sync workers (one
  per core) in front of ``lms.wsgi`` (WebSockets stay on Daphne, see docs/deploy.md).
* ``gunicorn-redis``: the same with the cache (and so sessions, fragments,
  routes and the page-cache generation) on Redis, as in production, instead of
  each process's memory: every cache read is a round trip. The database of
  ``--redis-url`` (default ``redis://127.0.0.1:6379/11``) is emptied first.

Each server keeps its database connections as in production: ``lms.wsgi``
keeps them for 60 s (``CONN_MAX_AGE``), Daphne opens one per request.

Endpoints: the home page, the news index, a news page and a programme page as
an anonymous visitor (served by the full-page cache after the first hit), the
same pages signed in (rendered for each request; only a programme's
user-independent fragment is cached), ``/robots.txt``, a trivial Django view, as the ceiling of the
server itself, and ``/bench/bare-23k/``, a plain view rendering a 23 KB
template with a small context (routed only by ``bench.pages_urls``), as the
yardstick for signed-in pages. The ratios the issue sets targets for are
printed and written too: anonymous pages / trivial endpoint (≥ 50 %), signed-in
pages / bare 23 KB render (≥ 50 %), and p99 < 100 ms at 16 connections.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-pages"
RESULTS = ROOT / "bench" / "results" / "pages.json"
PY = str(ROOT / ".venv" / "bin" / "python")


def env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{WORK / 'db.sqlite3'}",
        "MEDIA_ROOT": str(WORK / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }


def manage(*args: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def prepare() -> dict:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    manage("migrate", "--noinput")
    manage("seed_demo")
    script = (
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY;"
        "from lms.models import User;"
        "u = User.objects.get(email='dev.hanoi@wego.example');"
        "s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk);"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash();"
        "s.save(); print('SESSION', s.session_key);"
        "from cms.models import NewsPage;"
        "print('NEWS', NewsPage.objects.live().get(slug='world-cities-summit-2022').url);"
        "from django.apps import apps;"
        "P = apps.get_model('courses', 'ProgrammePage');"
        "p = P.objects.live().first();"
        "print('PROGRAMME', p.url if p else '')"
    )
    out = manage("shell", "-c", script)
    found = dict(
        line.split(" ", 1) for line in out.splitlines() if line.split(" ")[0].isupper()
    )
    return {k: v.strip() for k, v in found.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REDIS_URL = "redis://127.0.0.1:6379/11"


def start(topology: str, port: int, redis_url: str = REDIS_URL) -> subprocess.Popen:
    server_env = env()
    if topology.endswith("-redis"):
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        server_env.update(REDIS_URL=redis_url, WEGO_TEST_REDIS_EVERYWHERE="1")
    if topology == "daphne":
        cmd = [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(port)]
        cmd.append("lms.asgi:application")
    else:
        workers = str(max(2, os.cpu_count() or 2))
        cmd = [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            workers,
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "lms.wsgi:application",
        ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"{topology} did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _ms(value: str) -> float:
    number = float(re.match(r"[\d.]+", value).group())
    if value.endswith("us"):
        return number / 1000
    if value.endswith("ms"):
        return number
    return number * 1000


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "req_s": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def fetch(url: str, cookie: str = "") -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read()


def ratios(figures: dict, pages: dict) -> dict:
    """Each page's req/s against its yardstick, as the issue's targets put it."""
    trivial = figures["trivial_robots_txt"]["req_s"] or 1
    bare = figures["bare_23k"]["req_s"] or 1
    out = {}
    for name in pages:
        out[f"{name}_vs_trivial"] = round(figures[name]["req_s"] / trivial, 3)
        out[f"{name}_signed_in_vs_bare_23k"] = round(
            figures[f"{name}_signed_in"]["req_s"] / bare, 3
        )
    return out


def first_view_weight(base: str, path: str) -> int:
    """HTML + CSS + the image candidates a ~400 px phone picks (AVIF first)."""
    html = fetch(base + path).decode()
    total = len(html.encode())
    assets = set(re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html))
    assets |= set(re.findall(r'<script[^>]+src="([^"]+)"', html))
    for picture in re.findall(r"<picture>(.*?)</picture>", html, re.S):
        srcsets = re.findall(r'srcset="([^"]+)"', picture)
        if srcsets:
            candidates = sorted(
                (int(p.split()[1][:-1]) if len(p.split()) > 1 else 0, p.split()[0])
                for p in srcsets[0].split(",")
            )
            chosen = next((u for w, u in candidates if w >= 400), candidates[-1][1])
            assets.add(chosen)
    for asset in assets:
        total += len(fetch(base + asset.replace("&amp;", "&")))
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--topologies", default="daphne,gunicorn", help="also: gunicorn-redis"
    )
    parser.add_argument("--redis-url", default=REDIS_URL, help="for gunicorn-redis")
    parser.add_argument("--url", help="a running server (e.g. make prod's nginx)")
    parser.add_argument("--label", default="url", help="its topology, for the report")
    parser.add_argument("--session", default="", help="a signed-in sessionid cookie")
    parser.add_argument("--news", default="/news/", help="a news page path (--url)")
    parser.add_argument("--programme", default="", help="a programme page path (--url)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")

    if args.url:
        info = {"NEWS": args.news, "PROGRAMME": args.programme, "SESSION": args.session}
        servers = [(args.label, args.url.rstrip("/"), None)]
    else:
        info = prepare()
        servers = None
    pages = {
        "home": "/",
        "news_index": "/news/",
        "news_page": info.get("NEWS", "/news/"),
    }
    if info.get("PROGRAMME"):
        pages["programme"] = info["PROGRAMME"]
    report = {
        "connections": args.connections,
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        "url": args.url or "servers started by the bench (SQLite)",
        "weights_bytes": {},
        "topologies": {},
    }
    if servers is None:
        servers = []
        for topology in args.topologies.split(","):
            port = free_port()
            servers.append((topology, f"http://127.0.0.1:{port}", (topology, port)))
    for topology, base, to_start in servers:
        proc = start(*to_start, args.redis_url) if to_start else None
        try:
            if not report["weights_bytes"]:
                report["weights_bytes"] = {
                    name: first_view_weight(base, path) for name, path in pages.items()
                }
            figures = {}
            targets = {"trivial_robots_txt": ("/robots.txt", "")}
            targets.update({name: (path, "") for name, path in pages.items()})
            if proc is not None:
                targets["bare_23k"] = ("/bench/bare-23k/", "")
            if info.get("SESSION"):
                for name, path in pages.items():
                    cookie = f"sessionid={info['SESSION']}"
                    targets[f"{name}_signed_in"] = (path, cookie)
            for name, (path, cookie) in targets.items():
                fetch(base + path, cookie)  # warm the caches and renditions
                figures[name] = wrk(
                    base + path, args.duration, args.connections, cookie
                )
            report["topologies"][topology] = figures
            if "bare_23k" in figures and info.get("SESSION"):
                report.setdefault("ratios", {})[topology] = ratios(figures, pages)
        finally:
            if proc is not None:
                stop(proc)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"{'topology':10} {'endpoint':20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for topology, figures in report["topologies"].items():
        for name, fig in figures.items():
            print(
                f"{topology:10} {name:20} {fig['req_s']:9.0f} "
                f"{fig['p50_ms']:8.1f} {fig['p99_ms']:8.1f}"
                + (f"  ({fig['non_2xx']} non-2xx)" if fig["non_2xx"] else "")
            )
    print("ratios (targets: anonymous/trivial >= 0.5, signed-in/bare 23 KB >= 0.5):")
    for topology, values in report.get("ratios", {}).items():
        for name, value in values.items():
            print(f"  {topology:10} {name:36} {value:6.2f}")
    print("first-view weight (HTML+CSS+images at phone width):")
    for name, size in report["weights_bytes"].items():
        print(f"  {name:12} {size / 1024:6.1f} KB")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
