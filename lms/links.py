"""Absolute links: e-mails, QR codes, credentials, the API's URLs, .ics files.

``BASE_URL`` says where the platform is reached. When it is not set, links
follow the server that is actually serving: ``make run PORT=8161`` (and
``bin/serve``) pass ``WEGO_SERVED_URL=http://127.0.0.1:8161`` to every process
they start (the seeding, Daphne, a Celery worker), and settings take
``BASE_URL`` from it. Links never come from a request's Host header: an
e-mail, a credential id or a QR code must say the same whoever caused it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def base_url() -> str:
    """The platform's address without a trailing slash."""
    return settings.BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (``/…``) as an absolute URL on this platform."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + path


def page_url(page, request=None) -> str:
    """A Wagtail page's absolute URL on this platform (not the Site record's
    hostname, which may be Wagtail's default ``localhost``)."""
    parts = page.get_url_parts(request=request)
    if parts is None:
        return ""
    _site_id, _root_url, path = parts
    return absolute_url(path)


def served_origin(url: str) -> tuple[str, int]:
    """(hostname, port) of an address, as a Wagtail Site records them."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "localhost", port
