"""Enrolment rush: N participants apply to one programme at the same moment.

Needs a running server on PostgreSQL with ``seed_demo --crowd N``:

    export DATABASE_URL=postgres://…/wego_rush REDIS_URL=redis://…/4
    python manage.py migrate && python manage.py seed_demo --crowd 500
    gunicorn -w 2 -b 127.0.0.1:8794 lms.wsgi:application  # one worker per core
    python bench/enrolment_rush.py --url http://127.0.0.1:8794 --n 500 \
        --programme <eGovFrame Technical Training page id>

or through ``make prod`` (nginx → gunicorn, one worker per core) on the same
database: ``--url http://127.0.0.1:8080 --topology "make prod"``.

The seat lock covers only the narrow ``courses_programmepage`` row for one
aggregate and two inserts (see ``courses.services.seats``); with 500
requests arriving at once, latency is mostly the wait for a free worker.

Each crowd user signs in through ``POST /api/v1/auth/token/``. That endpoint
limits only failed sign-ins per address; should it refuse anyway, with
``--mint-tokens`` (the default) the remaining tokens are minted through the
Django ORM of the same database instead. The enrolment requests themselves
always go over HTTP. Prints applications/s and latency percentiles, checks the invariants
(confirmed == capacity, waitlist 1..N contiguous, no 5xx) and writes
``bench/results/enrolment_rush.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "wego-demo"


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()


def tokens_for(url: str, n: int, mint: bool) -> tuple[list[str], bool]:
    tokens: list[str] = []
    throttled = False
    for i in range(1, n + 1):
        email = f"crowd{i}@wego.example"
        if not throttled:
            r = requests.post(
                f"{url}/api/v1/auth/token/",
                json={"email": email, "password": PASSWORD, "name": "bench"},
                timeout=30,
            )
            if r.status_code == 200:
                tokens.append(r.json()["token"])
                continue
            if r.status_code != 429 or not mint:
                raise SystemExit(
                    f"sign-in failed for {email}: {r.status_code} {r.text}"
                )
            throttled = True
        django_setup()
        from lms.models import User
        from lms.services import api_token_create

        user = User.objects.get(email=email)
        tokens.append(api_token_create(user=user, name="bench"))
    return tokens, throttled


def reset(programme: int) -> None:
    """Remove earlier bench enrolments so every run starts from empty seats."""
    django_setup()
    from django.db import connection

    from courses.models import Enrolment

    Enrolment.objects.filter(
        programme_id=programme, user__email__startswith="crowd"
    ).delete()
    if connection.vendor == "postgresql":
        # Run after run, the deleted rows (and replaced bench tokens) pile up
        # faster than autovacuum clears them, and every seat count under the
        # lock reads past them: each run would be slower than the last.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE courses_enrolment, courses_enrolmentevent, lms_apitoken"
            )


def sample_answers(programme: int) -> dict:
    """An answer to each question the programme asks."""
    django_setup()
    from courses.models import ProgrammePage
    from courses.services.answers import asked_questions

    page = ProgrammePage.objects.get(pk=programme)
    samples = {
        "motivation": "Our city is building new online services.",
        "technical_experience": "Five years of Java, two of Spring and MyBatis.",
        "delivery_location": "korea",
        "preferred_dates": "Any week next quarter",
    }
    return {k: samples[k] for k in asked_questions(page)}


def invariants(programme: int) -> dict:
    django_setup()
    from courses.models import Enrolment, ProgrammePage

    page = ProgrammePage.objects.get(pk=programme)
    rows = Enrolment.objects.filter(programme_id=programme)
    confirmed = rows.filter(status="confirmed").count()
    positions = sorted(
        rows.filter(status="waitlisted").values_list("waitlist_position", flat=True)
    )
    return {
        "capacity": page.capacity,
        "confirmed": confirmed,
        "waitlisted": len(positions),
        "waitlist_contiguous": positions == list(range(1, len(positions) + 1)),
        "confirmed_equals_capacity": confirmed == page.capacity,
    }


async def _apply(
    host: str, port: int, payload: bytes, go: asyncio.Event
) -> tuple[int, float]:
    """One applicant: connect, wait for the starting signal, send, read."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return 0, 0.0
    await go.wait()
    started = time.perf_counter()
    try:
        writer.write(payload)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 120)
        code = int(head.split(b" ", 2)[1])
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if length:
            await reader.readexactly(int(length.group(1)))
        else:
            await reader.read()
    except (TimeoutError, OSError, asyncio.IncompleteReadError):
        code = 0
    elapsed = time.perf_counter() - started
    writer.close()
    return code, elapsed


async def rush(
    url: str, path: str, tokens: list[str], answers: dict
) -> tuple[float, list[tuple[int, float]]]:
    """Every applicant's connection is open before the first byte is sent;
    then all requests go out at once. A raw asyncio client costs a fraction
    of a thread per request, so the two cores go to the server."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    body = json.dumps({"answers": answers}).encode()
    go = asyncio.Event()
    jobs = []
    for token in tokens:
        payload = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body
        jobs.append(asyncio.ensure_future(_apply(host, port, payload, go)))
    await asyncio.sleep(1)  # let every connection open
    began = time.perf_counter()
    go.set()
    return began, list(await asyncio.gather(*jobs))


def warm_up(url: str, programme: int, tokens: list[str]) -> None:
    """A running server has served pages before a rush: the first few applicants
    open the programme page (its eligibility verdicts) a moment before, a few at
    a time, so each worker has loaded its code and opened its connections."""
    from concurrent.futures import ThreadPoolExecutor

    def look(token: str) -> None:
        requests.get(
            f"{url}/api/v1/programmes/{programme}/eligibility/",
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(look, tokens))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--topology", default="", help="what serves --url (written to the report)"
    )
    parser.add_argument("--programme", type=int, required=True, help="page id")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--no-mint-tokens", action="store_true")
    parser.add_argument("--no-reset", action="store_true")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=20,
        help="applicants who look at their eligibility before the rush (0: none)",
    )
    args = parser.parse_args()
    url = args.url.rstrip("/")

    if not args.no_reset:
        reset(args.programme)
    tokens, minted = tokens_for(url, args.n, not args.no_mint_tokens)
    answers = sample_answers(args.programme)
    warm_up(url, args.programme, tokens[: args.warm_up])
    began, results = asyncio.run(
        rush(url, f"/api/v1/programmes/{args.programme}/enrolments/", tokens, answers)
    )
    wall = time.perf_counter() - began

    latencies = sorted(e for _c, e in results)
    codes: dict[str, int] = {}
    for code, _e in results:
        codes[str(code)] = codes.get(str(code), 0) + 1

    def pct(p: float) -> float:
        return latencies[
            min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))
        ]

    report = {
        "n": len(tokens),
        "url": url,
        "topology": args.topology or "unnamed",
        "programme": args.programme,
        "tokens_minted_via_orm": minted,
        "warm_up_requests": min(args.warm_up, len(tokens)),
        "wall_seconds": round(wall, 3),
        "applications_per_second": round(len(results) / wall, 1),
        "latency_p50_s": round(pct(50), 3),
        "latency_p99_s": round(pct(99), 3),
        "latency_mean_s": round(statistics.mean(latencies), 3),
        "status_codes": codes,
        "http_5xx": sum(v for k, v in codes.items() if k.startswith("5")),
        "connection_errors": codes.get("0", 0),
        **invariants(args.programme),
    }
    print(json.dumps(report, indent=2))
    out = ROOT / "bench" / "results" / "enrolment_rush.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
