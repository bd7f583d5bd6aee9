"""Benchmark: bulk-issue certificates for N participants through the real task path.

    .venv/bin/python bench/certificates.py                # 200 people, 2-process worker
    .venv/bin/python bench/certificates.py --eager        # in-process, one core

The default mode uses PostgreSQL and Redis (its own database and Redis db
number), starts ``celery -A lms worker -c 2`` (prefork), calls
``certificates_issue_for_programme`` exactly as the API does, and waits for
the job to finish: every certificate row, PDF (WeasyPrint + QR), file write
and e-mail (in-memory backend) is included. Prints certificates per second,
the peak memory of each worker process and the PDF size, and writes
``bench/results/certificates.json``.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/wego_certificates_bench"
REDIS_DEFAULT = "redis://127.0.0.1:6379/9"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--eager", action="store_true", help="no broker, one process")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", REDIS_DEFAULT)
    )
    return parser.parse_args()


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def build_cohort(count: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from certificates.models import Certificate, CertificateTemplate, IssuanceJob
    from courses.models import Enrolment, ProgrammePage
    from lms.models import Organisation
    from tests.courses.factories import make_programme, site_tree

    User = get_user_model()
    title = "Bench Programme"
    old = ProgrammePage.objects.filter(title=title)
    Certificate.objects.filter(programme__in=old).delete()
    IssuanceJob.objects.filter(programme__in=old).delete()
    Enrolment.objects.filter(programme__in=old).delete()
    for page in old:
        page.delete()
    User.objects.filter(
        email__startswith="bench", email__endswith="@wego.example"
    ).delete()

    CertificateTemplate.objects.get_or_create(
        title="Certificate of Completion",
        defaults={
            "is_default": True,
            "signatory_1_name": "Secretary General",
            "signatory_1_title": "WeGO Secretariat",
        },
    )
    _home, office = site_tree()
    programme = make_programme(office=office, title=title, sessions=8)
    organisation, _ = Organisation.objects.get_or_create(
        name="Bench City", defaults={"country": "Viet Nam", "membership_tier": "full"}
    )
    languages = ["en", "ko", "ru", "es", "fr"]
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench{i}@wego.example",
                first_name="Participant",
                last_name=f"Number {i}",
                organisation=organisation,
                preferred_language=languages[i % len(languages)],
            )
            for i in range(count)
        ]
    )
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                programme=programme,
                user=user,
                organisation=organisation,
                organisation_name=organisation.name,
                status="confirmed",
                confirmed_at=now,
                completed_at=now,
            )
            for user in users
        ]
    )
    staff, _ = User.objects.get_or_create(
        email="bench.admin@wego.example",
        defaults={"is_staff": True, "is_superuser": True},
    )
    return programme, staff


def main():
    args = parse_args()
    media = tempfile.mkdtemp(prefix="wego-bench-media-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "DATABASE_URL": args.database_url,
        "MEDIA_ROOT": media,
        "EMAIL_URL": "memorymail://",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    if args.eager:
        env.pop("REDIS_URL", None)
    else:
        env["REDIS_URL"] = args.redis_url
    os.environ.clear()
    os.environ.update(env)
    ensure_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    programme, staff = build_cohort(args.participants)

    from certificates.models import Certificate, IssuanceJob
    from certificates.services import certificates_issue_for_programme

    worker = None
    if not args.eager:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        worker = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "lms",
                "worker",
                "-P",
                "prefork",
                "-c",
                str(args.workers),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
        )
        from lms.celery import app

        deadline = time.time() + 60
        while time.time() < deadline and not app.control.ping(timeout=1):
            time.sleep(0.5)

    started = time.perf_counter()
    job = certificates_issue_for_programme(programme=programme, actor=staff)
    while True:
        job = IssuanceJob.objects.get(pk=job.pk)
        if job.state in ("done", "failed"):
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started

    peaks = []
    if worker is not None:
        peaks = [peak_rss_mb(pid) for pid in children(worker.pid)]
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    else:
        peaks = [peak_rss_mb(os.getpid())]

    certificates = Certificate.objects.filter(programme=programme)
    sizes = [os.path.getsize(c.pdf.path) for c in certificates if c.pdf]
    issued = certificates.count()
    result = {
        "mode": "eager (1 process)"
        if args.eager
        else f"celery prefork x{args.workers}",
        "database": args.database_url.split(":", 1)[0],
        "participants": args.participants,
        "certificates": issued,
        "pdfs": len(sizes),
        "job_state": job.state,
        "seconds": round(elapsed, 2),
        "certificates_per_second": round(issued / elapsed, 2),
        "peak_rss_mb_per_worker_process": [round(p, 1) for p in peaks],
        "pdf_bytes_avg": round(sum(sizes) / len(sizes)) if sizes else 0,
        "pdf_bytes_max": max(sizes) if sizes else 0,
    }
    for key, value in result.items():
        print(f"{key:34} {value}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = "certificates-eager.json" if args.eager else "certificates.json"
    (out / name).write_text(json.dumps(result, indent=2) + "\n")
    return 0 if job.state == "done" and issued == args.participants else 1


if __name__ == "__main__":
    sys.exit(main())
