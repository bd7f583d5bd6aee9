"""Settings of ``bench/pages.py``'s servers: the test settings plus one
bench-only route (``bench.pages_urls``) that renders a bare 23 KB template.

The route exists only here, never in the site's own URLconf.
"""

import os
from pathlib import Path

from lms.settings.test import *  # noqa: F403
from lms.settings.test import DATABASES, TEMPLATES

# Production keeps sessions in the cache shared by its processes (Redis, see
# lms.settings.base); here each process's own cache stands in for it, as it
# does for the page caches. Nobody signs out during a run.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ROOT_URLCONF = "bench.pages_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]
# ``bench/pages.py --conn-max-age N``: keep database connections between
# requests (production's ``CONN_MAX_AGE``). By default each request opens one,
# which on SQLite means reading the schema again: signed-in pages, which load
# the visitor, pay it; anonymous pages and the bare render touch no database.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "0"))
