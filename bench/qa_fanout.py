"""Q&A fan-out benchmark: our consumer against a naive one, same run, same load.

N WebSocket clients join one live webinar; askers post questions at a steady
rate and voters vote, for a fixed time. Each question carries its send time,
so every client measures delivery latency of ``question.created``; a question
a client never receives counts as lost. Run from the repository root:

    .venv/bin/python bench/qa_fanout.py --clients 100 500 --duration 20
    .venv/bin/python bench/qa_fanout.py --clients 1000 --redis   # two Daphnes, Redis

The naive consumer (defined below, routed only in the bench's Daphne) is the
textbook one: every event is a group message with a dict, every socket
json-encodes it, every vote is its own event. Ours is
``webinars.consumers.QAConsumer``. Results: ``bench/results/qa_fanout.json``.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "qa_fanout.json"
DB_PATH = ROOT / "var" / "bench-qa.sqlite3"
MARK = "bench#"

# --- the naive consumer (imported by the bench's Daphne only) -------------------
if os.environ.get("QA_BENCH_ROUTES"):
    from channels.db import database_sync_to_async
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from django.urls import path

    from lms.errors import DomainError
    from webinars import services
    from webinars.models import WebinarPage
    from webinars.selectors import question_state

    class NaiveQAConsumer(AsyncJsonWebsocketConsumer):
        async def connect(self):
            self.webinar = await database_sync_to_async(WebinarPage.objects.get)(
                pk=self.scope["url_route"]["kwargs"]["webinar_id"]
            )
            self.group = f"naive.{self.webinar.pk}"
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()

        async def disconnect(self, code):
            await self.channel_layer.group_discard(self.group, self.channel_name)

        async def receive_json(self, content, **kwargs):
            user = self.scope["user"]
            try:
                if content.get("type") == "ask":
                    question = await database_sync_to_async(services.question_ask)(
                        webinar=self.webinar, user=user, text=content["text"]
                    )
                    kind = "question.created"
                else:
                    question = await database_sync_to_async(services.question_vote)(
                        webinar=self.webinar, user=user, question_id=content["question"]
                    )
                    kind = "question.updated"
            except DomainError as exc:
                await self.send_json({"type": "error", "code": exc.code})
                return
            state = await database_sync_to_async(question_state)(question)
            await self.channel_layer.group_send(
                self.group,
                {"type": "naive.event", "event": {"type": kind, "question": state}},
            )

        async def naive_event(self, message):
            await self.send_json(message["event"])

    websocket_urlpatterns = [
        path("ws/bench/naive/<int:webinar_id>/", NaiveQAConsumer.as_asgi())
    ]


# --- setup ----------------------------------------------------------------------


def django_env(redis: bool) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.base",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{DB_PATH}"
            ),
            "PYTHONPATH": str(ROOT),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-only-" + "x" * 60,
        }
    )
    if redis:
        env["REDIS_URL"] = os.environ.get(
            "BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"
        )
    else:
        env.pop("REDIS_URL", None)
    return env


def setup_data(people: int) -> dict:
    """Runs inside Django: a live webinar, ``people`` registered users with tokens."""
    import django

    django.setup()
    import datetime

    from django.utils import timezone

    from cms.demo import ensure_home
    from cms.models import OfficeIndexPage, RegionalOfficePage
    from lms.models import ApiToken, User, hash_token
    from webinars.models import QAEvent, Question, Registration, WebinarPage

    home = ensure_home()
    index = OfficeIndexPage.objects.child_of(home).first()
    if index is None:
        index = OfficeIndexPage(title="Offices", slug="offices")
        home.add_child(instance=index)
    office = RegionalOfficePage.objects.filter(slug="bench-office").first()
    if office is None:
        office = RegionalOfficePage(
            title="Bench Office",
            slug="bench-office",
            office_kind="africa",
            city="B",
            country="B",
        )
        index.add_child(instance=office)
    webinar = WebinarPage.objects.filter(slug="bench-webinar").first()
    if webinar is None:
        webinar = WebinarPage(
            title="Bench webinar", slug="bench-webinar", starts_at=timezone.now()
        )
        office.add_child(instance=webinar)
    webinar.live_now = True
    webinar.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    webinar.save_revision().publish()
    Question.objects.filter(webinar=webinar).delete()
    QAEvent.objects.filter(webinar=webinar).delete()

    existing = set(
        User.objects.filter(email__startswith="bench").values_list("email", flat=True)
    )
    User.objects.bulk_create(
        User(email=f"bench{i}@bench.example", first_name="Bench", last_name=str(i))
        for i in range(people)
        if f"bench{i}@bench.example" not in existing
    )
    users = list(User.objects.filter(email__startswith="bench").order_by("pk")[:people])
    Registration.objects.bulk_create(
        [Registration(webinar=webinar, user=u) for u in users], ignore_conflicts=True
    )
    ApiToken.objects.filter(user__in=users, name="bench").delete()
    keys = [f"bench{u.pk:08d}{'k' * 30}" for u in users]
    ApiToken.objects.bulk_create(
        ApiToken(user=u, name="bench", key_hash=hash_token(k))
        for u, k in zip(users, keys, strict=True)
    )
    return {"webinar": webinar.pk, "keys": keys}


# --- processes ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(env: dict, port: int) -> subprocess.Popen:
    env = dict(env, QA_BENCH_ROUTES="1")
    env["WEBSOCKET_URLPATTERNS"] = (
        "lms.routing.websocket_urlpatterns,webinars.routing.websocket_urlpatterns,"
        "bench.qa_fanout.websocket_urlpatterns"
    )
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            # A burst of joins queues on the one DB thread; don't drop handshakes.
            "--websocket_connect_timeout",
            "120",
            "lms.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "var" / f"bench-daphne-{port}.log", "w"),  # noqa: SIM115
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("Daphne did not start")


# --- client worker (a separate process, so the load generator is not the bottleneck)


async def client_worker(spec: dict) -> dict:
    import websockets

    latencies: list[float] = []
    seen: list[set] = [set() for _ in spec["keys"]]
    messages = [0]

    async def one(i: int, key: str, port: int):
        for attempt in range(6):
            try:
                await listen(i, key, port)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if i in ready:  # dropped after joining: a real failure
                    print(f"client {i}: {exc!r}", file=sys.stderr, flush=True)
                    return
                if attempt == 5:
                    failed.append(i)
                    print(f"client {i}: {exc!r}", file=sys.stderr, flush=True)
                    return
                await asyncio.sleep(0.5 * 2**attempt)

    async def listen(i: int, key: str, port: int):
        url = f"ws://127.0.0.1:{port}{spec['path']}"
        async with websockets.connect(
            url,
            additional_headers={
                "Authorization": f"Token {key}",
                "Origin": f"http://127.0.0.1:{port}",
            },
            max_queue=None,
            open_timeout=120,
            ping_interval=None,
        ) as ws:
            ready.append(i)
            async for raw in ws:
                messages[0] += 1
                if MARK in raw and '"question.created"' in raw:
                    now = time.time()
                    message = json.loads(raw)
                    tag = message["question"]["text"].split()
                    seq, sent = int(tag[1]), float(tag[2])
                    if seq not in seen[i]:
                        seen[i].add(seq)
                        latencies.append(now - sent)

    ready: list[int] = []
    failed: list[int] = []
    tasks = []
    for i, key in enumerate(spec["keys"]):
        tasks.append(
            asyncio.ensure_future(one(i, key, spec["ports"][i % len(spec["ports"])]))
        )
        if i % 10 == 9:
            await asyncio.sleep(0.2)
    while len(ready) + len(failed) < len(spec["keys"]):
        await asyncio.sleep(0.2)
    print(json.dumps({"ready": len(ready), "failed": len(failed)}), flush=True)
    # Listen until the driver closes our stdin (its load is over, plus a grace).
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "latencies": latencies,
        "seen": [sorted(s) for s in seen],
        "messages": messages[0],
    }


# --- driver ---------------------------------------------------------------------


async def drive(ports, path, keys, duration, q_rate, v_rate) -> dict:
    """Askers post ``q_rate`` questions/s, voters ``v_rate`` votes/s, for ``duration``."""
    import websockets

    askers = keys[: max(1, int(q_rate * 11) + 1)]  # one question per 10 s each
    voters = keys[len(askers) : len(askers) + max(1, int(v_rate) + 1)]
    conns = []
    for i, key in enumerate(askers + voters):
        ws = await websockets.connect(
            f"ws://127.0.0.1:{ports[i % len(ports)]}{path}",
            additional_headers={
                "Authorization": f"Token {key}",
                "Origin": f"http://127.0.0.1:{ports[i % len(ports)]}",
            },
            max_queue=None,
            open_timeout=120,
            ping_interval=None,
        )
        if "/qa/" in path:
            # The first frame (snapshot) comes once the server has worked through
            # the listeners' joins queued before ours: the load starts on a
            # settled room. (The naive consumer sends no snapshot.)
            await asyncio.wait_for(ws.recv(), 120)
        conns.append(ws)
    question_ids: list[int] = []

    async def drain(ws):
        async for raw in ws:
            if '"question.created"' in raw and MARK in raw:
                qid = json.loads(raw)["question"]["id"]
                if qid not in question_ids:
                    question_ids.append(qid)

    drains = [asyncio.ensure_future(drain(ws)) for ws in conns[:1]]
    ask_conns, vote_conns = conns[: len(askers)], conns[len(askers) :]
    sent = 0
    votes = 0
    start = time.time()
    next_q = start
    next_v = start
    ai = 0
    while time.time() - start < duration:
        now = time.time()
        if now >= next_q:
            await ask_conns[ai % len(ask_conns)].send(
                json.dumps({"type": "ask", "text": f"{MARK} {sent} {time.time():.6f}"})
            )
            ai += 1
            sent += 1
            next_q += 1 / q_rate
        if v_rate and now >= next_v:
            if question_ids:
                ws = random.choice(vote_conns)
                qid = random.choice(question_ids[-20:])
                await ws.send(json.dumps({"type": "vote", "question": qid}))
                votes += 1
            next_v += 1 / v_rate
        due = min(next_q, next_v) if v_rate else next_q
        await asyncio.sleep(max(0.0, due - time.time()))
    for d in drains:
        d.cancel()
    for ws in conns:
        await ws.close()
    return {"questions": sent, "votes": votes, "seconds": time.time() - start}


def run_case(args, kind: str, clients: int, setup: dict, ports: list[int]) -> dict:
    path = (
        f"/ws/webinars/{setup['webinar']}/qa/"
        if kind == "ours"
        else f"/ws/bench/naive/{setup['webinar']}/"
    )
    extra = int(args.questions * 11) + int(args.votes) + 4
    listener_keys = setup["keys"][extra : extra + clients]
    driver_keys = setup["keys"][:extra]
    workers = max(1, min(args.workers, clients // 50 or 1))
    procs = []
    for w in range(workers):
        spec = {
            "keys": listener_keys[w::workers],
            "ports": ports,
            "path": path,
        }
        procs.append(
            subprocess.Popen(
                [sys.executable, __file__, "--client"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        )
        procs[-1].stdin.write(json.dumps(spec) + "\n")
        procs[-1].stdin.flush()
    for p in procs:
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("client worker failed to connect")
    sent = asyncio.run(
        drive(ports, path, driver_keys, args.duration, args.questions, args.votes)
    )
    time.sleep(2)  # let the last deliveries arrive
    for p in procs:
        p.stdin.close()
    latencies: list[float] = []
    lost = 0
    messages = 0
    for p in procs:
        out = json.loads(p.stdout.read())
        p.wait()
        latencies += out["latencies"]
        messages += out["messages"]
        for seen in out["seen"]:
            lost += sent["questions"] - len(seen)
    latencies.sort()

    def pct(q):
        return (
            round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)
            if latencies
            else None
        )

    logical = (sent["questions"] + sent["votes"]) * clients / sent["seconds"]
    return {
        "consumer": kind,
        "clients": clients,
        "processes": len(ports),
        "layer": "redis" if args.redis else "in-memory",
        "questions_per_s": args.questions,
        "votes_per_s": args.votes,
        "seconds": round(sent["seconds"], 1),
        "questions_sent": sent["questions"],
        "votes_sent": sent["votes"],
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1) if latencies else None,
        "lost": lost,
        "frames_received_per_s": round(messages / sent["seconds"]),
        "logical_events_delivered_per_s": round(logical),
    }


def main() -> None:
    if "--client" in sys.argv:
        spec = json.loads(sys.stdin.readline())
        result = asyncio.run(client_worker(spec))
        print(json.dumps(result), flush=True)
        return
    if "--setup" in sys.argv:
        people = int(sys.argv[sys.argv.index("--setup") + 1])
        sys.path.insert(0, str(ROOT))
        print(json.dumps(setup_data(people)))
        return

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument(
        "--questions", type=float, default=2, help="questions per second"
    )
    parser.add_argument("--votes", type=float, default=20, help="votes per second")
    parser.add_argument("--redis", action="store_true", help="two Daphnes over Redis")
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--only", choices=["ours", "naive"], default=None)
    args = parser.parse_args()

    env = django_env(args.redis)
    people = max(args.clients) + int(args.questions * 11) + int(args.votes) + 8
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    results = []
    for clients in args.clients:
        for kind in ["naive", "ours"] if args.only is None else [args.only]:
            setup = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--setup", str(people)],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            if args.redis:
                subprocess.run(
                    ["redis-cli", "-u", env["REDIS_URL"], "flushdb"],
                    capture_output=True,
                )
            ports = [free_port() for _ in range(2 if args.redis else 1)]
            daphnes = [start_daphne(env, port) for port in ports]
            try:
                result = run_case(args, kind, clients, setup, ports)
            finally:
                for d in daphnes:
                    d.terminate()
                for d in daphnes:
                    try:
                        d.wait(10)
                    except subprocess.TimeoutExpired:
                        d.kill()
                        d.wait()
            results.append(result)
            print(
                f"{kind:5} clients={clients:5} procs={len(ports)} "
                f"p50={result['p50_ms']} ms p99={result['p99_ms']} ms lost={result['lost']} "
                f"frames/s={result['frames_received_per_s']} "
                f"logical events/s={result['logical_events_delivered_per_s']}",
                flush=True,
            )
    for clients in args.clients:
        pair = {r["consumer"]: r for r in results if r["clients"] == clients}
        if len(pair) == 2 and pair["naive"]["p99_ms"] and pair["ours"]["p99_ms"]:
            print(
                f"clients={clients}: p99 naive/ours = "
                f"{pair['naive']['p99_ms'] / pair['ours']['p99_ms']:.1f}x"
            )
    # The yardstick: logical deliveries/s each consumer sustains with
    # p99 < 250 ms and nothing lost, at the largest room it managed.
    best: dict[str, dict] = {}
    for r in results:
        if r["p99_ms"] is not None and r["p99_ms"] < 250 and r["lost"] == 0:
            kept = best.get(r["consumer"])
            if kept is None or (
                r["logical_events_delivered_per_s"]
                > kept["logical_events_delivered_per_s"]
            ):
                best[r["consumer"]] = r
    for kind, r in sorted(best.items()):
        print(
            f"{kind}: {r['logical_events_delivered_per_s']} deliveries/s at p99 < 250 ms "
            f"with nothing lost ({r['clients']} clients)"
        )
    if len(best) == 2:
        ratio = (
            best["ours"]["logical_events_delivered_per_s"]
            / best["naive"]["logical_events_delivered_per_s"]
        )
        print(f"ours/naive deliveries/s within the latency target: {ratio:.1f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps(previous + results, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
