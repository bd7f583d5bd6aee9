"""Settings for servers started by journey and reliability tests.

The test settings (static files from the finders, fast hashing), with e-mail
written to files under ``WEGO_MAIL_DIR`` so a test can read what a server in
another process sent (for example the sign-up confirmation link).
"""

import os

from lms.settings.test import *  # noqa: F403

if os.environ.get("WEGO_MAIL_DIR"):
    EMAIL_BACKEND = "tests.e2e.mail_backend.AtomicFileBackend"
    EMAIL_FILE_PATH = os.environ["WEGO_MAIL_DIR"]
