"""Backup and restore as an operator runs them (issue 18).

A seeded platform (a programme, two completed participants with their
certificates and PDFs, the file signing key) is backed up with
``manage.py backup``; ``manage.py restore`` puts it into a fresh database and
media folder in another process, which then shows the same programmes,
enrolments and certificates, serves the holder's PDF byte for byte, and
verifies a credential downloaded before the backup with the restored key.
Restore refuses a non-empty target and a damaged archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from certificates import credentials, services
from certificates.models import Certificate
from tests.certificates.factories import completed_enrolment, default_template
from tests.courses.factories import make_programme, site_tree
from tests.factories import UserFactory
from tests.ops.backup_probe import state
from tests.reliability.servers import PYTHON, ROOT, database_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(300),
]
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def seeded(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_PATH = tmp_path / "signing-key.pem"
    settings.BASE_URL = "https://learning.wego.example"
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    office = site_tree()[1]
    trainer = UserFactory(is_staff=True)
    programme = make_programme(office=office, title="Seoul Program 2016")
    programme.trainers.add(trainer)
    programme.save()
    make_programme(office=office, title="Jeju Workshop 2016")
    default_template()
    for email in ("dev.hanoi@city.example", "official.nairobi@city.example"):
        enrolment = completed_enrolment(programme, trainer=trainer, email=email)
        services.certificate_issue(enrolment=enrolment, actor=trainer)
    first = Certificate.objects.order_by("pk").first()
    assert first.pdf.name, "the PDF was rendered (tasks run eagerly in tests)"
    credential = tmp_path / "credential.json"
    signed = credentials.sign(
        credentials.certificate_credential(first), created=first.issued_at
    )
    credential.write_text(json.dumps(signed))  # what a holder downloaded
    pdf = (Path(settings.MEDIA_ROOT) / first.pdf.name).read_bytes()
    return {
        **state(),
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "credential_path": credential,
    }


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _target_env(tmp_path: Path, database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=database,
        MEDIA_ROOT=str(tmp_path / "restored-media"),
        DEV_SIGNING_KEY_PATH=str(tmp_path / "restored-key.pem"),
        BACKUP_PASSPHRASE=PASSPHRASE,
        BASE_URL="https://learning.wego.example",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


def _backup_then_restore(seeded, tmp_path: Path, database: str) -> None:
    archive = tmp_path / "backups" / "wego.tar"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert "signing-key.enc" in names and manifest["signing_key"]["included"]
    assert any(n.startswith("media/certificates/pdf/") for n in names)
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    # The key is in the archive only encrypted.
    key_pem = (tmp_path / "signing-key.pem").read_bytes()
    assert key_pem not in archive.read_bytes()

    env = _target_env(tmp_path, database)
    restored = _manage(env, "manage.py", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "is the one credentials were signed with" in restored.stdout

    probe = _manage(env, "-m", "tests.ops.backup_probe", str(seeded["credential_path"]))
    assert probe.returncode == 0, probe.stderr[-3000:]
    after = json.loads(probe.stdout.strip().splitlines()[-1])
    for what in ("programmes", "enrolments", "certificates"):
        assert after[what] == seeded[what], what
    assert len(after["certificates"]) == 2
    assert after["pdf_status"] == 200
    assert after["pdf_sha256"] == seeded["pdf_sha256"]
    assert after["credential"] == "verified"

    # A second restore over the now non-empty target is refused, and changes nothing.
    again = _manage(env, "manage.py", "restore", str(archive))
    assert again.returncode != 0
    assert "refusing to restore over data" in again.stderr
    assert _manage(env, "-m", "tests.ops.backup_probe", str(seeded["credential_path"]))


def test_backup_restores_into_a_fresh_sqlite_database(seeded, settings, tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the PostgreSQL variant runs in the PostgreSQL pass")
    _backup_then_restore(seeded, tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")


@pytest.mark.postgres
def test_backup_restores_into_a_fresh_postgresql_database(seeded, settings, tmp_path):
    source = database_url(settings)
    fresh = settings.DATABASES["default"]["NAME"] + "_restore"
    admin = source.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        conn.execute(f'CREATE DATABASE "{fresh}"')
    try:
        _backup_then_restore(seeded, tmp_path, source.rsplit("/", 1)[0] + f"/{fresh}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_a_damaged_archive_is_refused_before_anything_is_touched(
    seeded, settings, tmp_path
):
    archive = tmp_path / "wego.tar"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/certificates/pdf/"):
                data = data.replace(b"%PDF", b"%PDX", 1)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    before = state()
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", str(damaged), "--force")
    assert state() == before


def test_restore_refuses_a_platform_that_has_data(seeded, tmp_path):
    archive = tmp_path / "wego.tar"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="refusing to restore over data"):
        call_command("restore", str(archive))
    assert state()["certificates"] == seeded["certificates"]
