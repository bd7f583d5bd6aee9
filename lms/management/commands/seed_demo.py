"""``manage.py seed_demo [--crowd N] [--migrate]``: idempotent demo content.

``--migrate`` (what ``make run`` uses) first applies unapplied migrations, in
the same process, and skips ``migrate`` entirely when there are none: a second
``make run`` on the same data then starts in seconds.

Each app contributes through a ``demo.seed(command, options)`` function in its
own ``demo`` module, called in INSTALLED_APPS order (lms, cms, courses, …), so
lower apps never import higher ones.
"""

import logging
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations(database: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations ``migrate`` would apply to ``database``."""
    executor = MigrationExecutor(connections[database])
    targets = executor.loader.graph.leaf_nodes()
    return len(executor.migration_plan(targets))


class Command(BaseCommand):
    help = (
        "Create or refresh WeGO demo content (offices, cities, people, programmes …)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--crowd",
            type=int,
            default=0,
            help="Also create N participants crowd1@wego.example … (load tests).",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply unapplied migrations first (nothing is run when there are none).",
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2
        if options["migrate"]:
            self._migrate(options["verbosity"])
        # Seeding logs every page it creates, every task it runs and the demo's
        # own revocation (about 600 lines that buried the one line a newcomer
        # needs); they are shown with -v 2. Errors always are.
        if not verbose:
            logging.disable(logging.WARNING)
        seeded = []
        try:
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if not app_config.name.startswith(
                    ("lms", "cms", "courses", "webinars", "certificates")
                ):
                    continue
                if find_spec(module_name) is None:
                    continue
                module = import_module(module_name)
                with transaction.atomic():
                    module.seed(self, options)
                seeded.append(app_config.label)
                if verbose:
                    self.stdout.write(f"  {app_config.label}: done")
        finally:
            if not verbose:
                logging.disable(logging.NOTSET)
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content is ready ({', '.join(seeded)}). Password: wego-demo"
                )
            )

    def _migrate(self, verbosity: int) -> None:
        pending = unapplied_migrations()
        if not pending:
            if verbosity >= 1:
                self.stdout.write("Database: up to date")
            return
        if verbosity >= 1:
            self.stdout.write(f"Database: migrating ({pending} migrations)")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
