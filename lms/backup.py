"""One-archive backups of the platform and their restore (``manage.py backup|restore``).

An archive is an uncompressed tar holding:

* ``manifest.json`` — format, time, database engine, and the SHA-256 and size
  of every other member (restore checks them all before touching anything);
* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or
  ``database.sqlite3`` (SQLite's online backup API: consistent while the
  platform runs);
* ``media/…`` — everything under ``MEDIA_ROOT``: uploads and the certificate
  PDFs;
* ``signing-key.enc`` — only when the certificate signing key is the file
  key (``DEV_SIGNING_KEY_PATH``) and ``BACKUP_PASSPHRASE`` is set: the PEM,
  encrypted (scrypt + Fernet). A key given in ``CERTIFICATE_SIGNING_KEY`` is
  never written: it is kept apart (docs/operations.md). Either way the
  manifest records the key's public half, and restore says whether the key
  in force afterwards is the same one, so credentials stay verifiable.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection

from lms.keys import public_key_multibase, signing_key

FORMAT = 1
MANIFEST = "manifest.json"
KEY_MEMBER = "signing-key.enc"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args


def _run(command: list[str], env: dict) -> None:
    # pg_dump / pg_restore with arguments from settings, never from a request.
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(target: Path) -> str:
    if _engine() == "postgresql":
        env, args = _pg_env_and_args()
        name = "database.dump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
            + ["--file", str(target / name), *args],
            env,
        )
        return name
    if _engine() == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target / name)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return name
    raise BackupError(f"no backup for the {connection.vendor} database engine")


def _public_key_of(pem: bytes) -> str:
    key = serialization.load_pem_private_key(pem, password=None)
    return public_key_multibase(key.public_key())


def _fernet(passphrase: str, salt: bytes) -> Fernet:
    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return Fernet(base64.urlsafe_b64encode(kdf.derive(passphrase.encode())))


def _key_pem() -> tuple[bytes, str]:
    """The signing key's PEM and where it comes from (``environment``/``file``)."""
    signing_key()  # creates the development key file when there is none yet
    if settings.CERTIFICATE_SIGNING_KEY:
        return settings.CERTIFICATE_SIGNING_KEY.encode(), "environment"
    return Path(settings.DEV_SIGNING_KEY_PATH).read_bytes(), "file"


def backup(path: Path, *, passphrase: str | None) -> dict:
    """Write the archive to ``path``; return its manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wego-backup-") as work:
        work_dir = Path(work)
        database = _dump_database(work_dir)
        pem, source = _key_pem()
        key = {"source": source, "public_key": _public_key_of(pem), "included": False}
        if source == "file" and passphrase:
            salt = os.urandom(16)
            token = _fernet(passphrase, salt).encrypt(pem)
            (work_dir / KEY_MEMBER).write_bytes(salt + token)
            key["included"] = True
        members = [database] + ([KEY_MEMBER] if key["included"] else [])
        files = {name: _describe(work_dir / name) for name in members}
        media_root = Path(settings.MEDIA_ROOT)
        media = []
        if media_root.exists():
            for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
                name = "media/" + file.relative_to(media_root).as_posix()
                files[name] = _describe(file)
                media.append((name, file))
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "engine": _engine(),
            "database": database,
            "signing_key": key,
            "files": files,
        }
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name in members:
                archive.add(work_dir / name, arcname=name)
            for name, file in media:
                archive.add(file, arcname=name)
        os.replace(partial, path)  # never a half-written archive under the name
    return manifest


def _describe(path: Path) -> dict:
    return {"sha256": _sha256(path), "size": path.stat().st_size}


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts


def read_and_check(path: Path, work_dir: Path) -> dict:
    """Extract the archive into ``work_dir`` and check it against its manifest."""
    try:
        archive = tarfile.open(path, "r")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path} is not a backup archive: {exc}") from exc
    with archive:
        names = archive.getnames()
        if MANIFEST not in names:
            raise BackupError(f"{path} has no {MANIFEST}: not a backup archive")
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()) or not _safe_name(member.name):
                raise BackupError(f"refusing archive member {member.name!r}")
        archive.extractall(work_dir, filter="data")
    manifest = json.loads((work_dir / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    listed = set(manifest["files"])
    present = {name for name in names if (work_dir / name).is_file()} - {MANIFEST}
    if listed != present:
        raise BackupError(
            "the archive does not match its manifest: "
            f"missing {sorted(listed - present)[:5]}, extra {sorted(present - listed)[:5]}"
        )
    for name, expected in manifest["files"].items():
        if _sha256(work_dir / name) != expected["sha256"]:
            raise BackupError(f"checksum mismatch for {name}: the archive is damaged")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def _media_is_empty() -> bool:
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not any(root.iterdir())


def _restore_database(manifest: dict, work_dir: Path, *, force: bool) -> None:
    source = work_dir / manifest["database"]
    if manifest["engine"] == "postgresql":
        connection.close()
        env, args = _pg_env_and_args()
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            + clean
            + [*args, str(source)],
            env,
        )
        return
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()


def _restore_key(
    manifest: dict, work_dir: Path, *, passphrase: str | None, force: bool
):
    key = manifest["signing_key"]
    if not key.get("included"):
        return
    if not passphrase:
        raise BackupError(
            "the archive holds the encrypted signing key: set BACKUP_PASSPHRASE"
        )
    blob = (work_dir / KEY_MEMBER).read_bytes()
    try:
        pem = _fernet(passphrase, blob[:16]).decrypt(blob[16:])
    except InvalidToken as exc:
        raise BackupError("BACKUP_PASSPHRASE does not open the signing key") from exc
    target = Path(settings.DEV_SIGNING_KEY_PATH)
    if target.exists() and target.read_bytes() != pem and not force:
        raise BackupError(
            f"{target} holds another signing key; restore with --force to replace it"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(pem)
    partial.chmod(0o600)
    partial.replace(target)


def restore(path: Path, *, passphrase: str | None, force: bool = False) -> dict:
    """Put an archive back; refuse a non-empty database or media folder unless ``force``.

    Returns the manifest plus ``key_matches``: whether the signing key in force
    now is the one the backed-up credentials were signed with.
    """
    with tempfile.TemporaryDirectory(prefix="wego-restore-") as work:
        work_dir = Path(work)
        manifest = read_and_check(Path(path), work_dir)
        if manifest["engine"] != _engine():
            raise BackupError(
                f"the archive is a {manifest['engine']} database; this platform "
                f"runs on {_engine()}"
            )
        if not force:
            occupied = [
                what
                for what, empty in (
                    ("the database", _database_is_empty()),
                    (f"the media folder {settings.MEDIA_ROOT}", _media_is_empty()),
                )
                if not empty
            ]
            if occupied:
                raise BackupError(
                    f"refusing to restore over data: {' and '.join(occupied)} "
                    "not empty (restore --force replaces them)"
                )
        # Everything that can fail on its own (passphrase, key clash) first.
        _restore_key(manifest, work_dir, passphrase=passphrase, force=force)
        _restore_database(manifest, work_dir, force=force)
        media_root = Path(settings.MEDIA_ROOT)
        if force and media_root.exists():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        if (work_dir / "media").exists():
            shutil.copytree(work_dir / "media", media_root, dirs_exist_ok=True)
    return {
        **manifest,
        "key_matches": _key_in_force() == manifest["signing_key"]["public_key"],
    }


def _key_in_force() -> str | None:
    """The public half of the signing key the platform will use (None: none yet)."""
    if settings.CERTIFICATE_SIGNING_KEY:
        return _public_key_of(settings.CERTIFICATE_SIGNING_KEY.encode())
    path = Path(settings.DEV_SIGNING_KEY_PATH)
    return _public_key_of(path.read_bytes()) if path.exists() else None
