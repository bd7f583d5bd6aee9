"""Attendance batch: how long a trainer's largest allowed API request takes.

``POST /api/v1/programmes/{id}/attendance/`` takes at most 1,000 rows (a 413
``too_many_rows`` beyond that; 10,000 rows used to run over 60 s on
PostgreSQL). This bench builds a throw-away programme (100 participants x 10
sessions) inside a transaction it rolls back, sends the full 1,000 rows
through Django REST framework's test client with a token (the same view,
serializer and service as over HTTP), first as inserts, then again as updates
and with every status changed, and prints the median of each.

    DATABASE_URL=postgres://…/wego_bench python bench/attendance_batch.py
    python bench/attendance_batch.py              # embedded SQLite

Writes ``bench/results/attendance_batch[_<vendor>].json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()


class Rollback(Exception):
    pass


def build(participants: int, sessions: int):
    from django.utils import timezone

    from courses.models import Enrolment, ProgrammePage, Session
    from lms.models import User
    from lms.services import TRAINERS_GROUP, api_token_create, roles_ensure

    office = ProgrammePage.objects.first().get_parent()
    today = timezone.localdate()
    page = ProgrammePage(
        title="Attendance bench",
        slug=f"attendance-bench-{int(time.time())}",
        kind="egovframe_training",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=3),
        capacity=participants,
        timezone="Asia/Seoul",
        enrolment_opens_at=timezone.now() - timedelta(days=30),
        enrolment_closes_at=timezone.now() - timedelta(days=4),
    )
    for i in range(sessions):
        start = timezone.now() - timedelta(days=3) + timedelta(hours=i * 3)
        page.sessions.add(
            Session(
                title=f"Session {i + 1}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
        )
    office.add_child(instance=page)
    groups = roles_ensure()
    trainer = User.objects.create_user(
        email=f"bench.trainer.{page.pk}@wego.example", password=None
    )
    trainer.groups.add(groups[TRAINERS_GROUP])
    page.trainers = [trainer]
    page.save()
    people = User.objects.bulk_create(
        [
            User(email=f"bench.{page.pk}.{n}@wego.example", password="!")
            for n in range(participants)
        ]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(programme=page, user=u, status="confirmed") for u in people]
    )
    token = api_token_create(user=trainer, name="bench")
    session_ids = list(page.sessions.values_list("pk", flat=True))
    return page, token, [u.pk for u in people], session_ids


def run(participants: int, sessions: int, repeat: int) -> dict:
    from django.db import connection, transaction
    from rest_framework.test import APIClient

    figures: dict[str, list[float]] = {"insert": [], "update": []}
    statuses = ["present", "absent", "excused"]
    for attempt in range(repeat):
        try:
            with transaction.atomic():
                page, token, people, session_ids = build(participants, sessions)
                client = APIClient()
                client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
                url = f"/api/v1/programmes/{page.pk}/attendance/"
                for phase, offset in (("insert", 0), ("update", 1)):
                    rows = [
                        {
                            "session": s,
                            "participant": p,
                            "status": statuses[(i + offset) % len(statuses)],
                        }
                        for i, (s, p) in enumerate(
                            (s, p) for p in people for s in session_ids
                        )
                    ]
                    started = time.perf_counter()
                    response = client.post(url, rows, format="json")
                    elapsed = time.perf_counter() - started
                    if response.status_code != 200:
                        raise SystemExit(
                            f"{phase}: {response.status_code} {response.content[:300]!r}"
                        )
                    assert response.json()["saved"] == len(rows), response.json()
                    figures[phase].append(elapsed)
                    print(
                        f"  run {attempt + 1} {phase}: {len(rows)} rows in {elapsed * 1000:.0f} ms"
                    )
                raise Rollback
        except Rollback:
            pass
    return {
        "database": connection.vendor,
        "rows": participants * sessions,
        "runs": repeat,
        "insert_median_ms": round(statistics.median(figures["insert"]) * 1000, 1),
        "update_median_ms": round(statistics.median(figures["update"]) * 1000, 1),
        "insert_ms": [round(x * 1000, 1) for x in figures["insert"]],
        "update_ms": [round(x * 1000, 1) for x in figures["update"]],
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    import logging

    logging.disable(logging.INFO)  # page creation and task logs
    result = run(args.participants, args.sessions, args.repeat)
    print(
        f"{result['rows']} rows on {result['database']}: insert "
        f"{result['insert_median_ms']} ms, update {result['update_median_ms']} ms "
        f"(median of {result['runs']}, load {result['load_average']:.1f})"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if result["database"] == "sqlite" else f"_{result['database']}"
    path = out / f"attendance_batch{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
