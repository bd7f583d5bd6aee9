"""``manage.py backup PATH``: the database, media, certificate PDFs and (encrypted) key."""

import os

from django.core.management.base import BaseCommand, CommandError

from lms.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database, MEDIA_ROOT (uploads, certificate PDFs), "
        "a manifest with checksums and, with BACKUP_PASSPHRASE set, the file signing key "
        "encrypted. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write the archive (.tar)")

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path, passphrase=os.environ.get("BACKUP_PASSPHRASE"))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        key = manifest["signing_key"]
        self.stdout.write(
            f"Backup written to {path}: {manifest['engine']} database, "
            f"{sum(1 for n in manifest['files'] if n.startswith('media/'))} media files."
        )
        if key["included"]:
            self.stdout.write("The signing key is in the archive, encrypted.")
        elif key["source"] == "environment":
            self.stdout.write(
                "The signing key (CERTIFICATE_SIGNING_KEY) is not in the archive: "
                "keep it apart, with the passphrase store."
            )
        else:
            self.stderr.write(
                "Warning: the signing key is NOT in the archive (set BACKUP_PASSPHRASE "
                "to include it encrypted). Without it no issued credential verifies "
                "after a restore."
            )
