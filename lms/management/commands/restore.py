"""``manage.py restore PATH [--force]``: put a backup archive back."""

import os

from django.core.management.base import BaseCommand, CommandError

from lms.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database and "
        "media folder (--force replaces what is there). Every checksum is checked first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive (.tar)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and media folder that are not empty",
        )

    def handle(self, *args, path, force, **options):
        try:
            manifest = restore(
                path, passphrase=os.environ.get("BACKUP_PASSPHRASE"), force=force
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {path} (made {manifest['created_at']}): "
            f"{manifest['engine']} database and media."
        )
        if manifest["key_matches"]:
            self.stdout.write(
                "The signing key in force is the one credentials were signed with."
            )
        else:
            self.stderr.write(
                "Warning: the signing key in force is not the backed-up one "
                f"({manifest['signing_key']['public_key']}): issued credentials will not "
                "verify until CERTIFICATE_SIGNING_KEY or the key file is put back."
            )
