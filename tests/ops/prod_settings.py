"""`make prod` under test: production settings, two test-only changes.

Static files are hashed but not also compressed (compression alone made
collectstatic take a minute on the shared machine; nginx serves them the same
way), and e-mail is kept in memory instead of printed.
"""

from lms.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
