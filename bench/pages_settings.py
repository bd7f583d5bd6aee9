"""Settings of ``bench/pages.py``'s servers: the test settings plus one
bench-only route (``bench.pages_urls``) that renders a bare 23 KB template.

The route exists only here, never in the site's own URLconf.
"""

from pathlib import Path

from lms.settings.test import *  # noqa: F403
from lms.settings.test import TEMPLATES

# Production keeps sessions in the cache shared by its processes (Redis, see
# lms.settings.base); here each process's own cache stands in for it, as it
# does for the page caches. Nobody signs out during a run.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ROOT_URLCONF = "bench.pages_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]
