"""Small security helpers shared by the auth stack."""

import logging

security_log = logging.getLogger("security")


def axes_username(request, credentials: dict | None) -> str:
    """The account a log-in attempt targets, whichever form sent it.

    allauth posts ``login``; the API and Wagtail use ``email``/``username``.
    """
    credentials = credentials or {}
    for key in ("login", "email", "username"):
        value = credentials.get(key)
        if value:
            return str(value).strip().lower()
    if request is not None and hasattr(request, "POST"):
        for key in ("login", "email", "username"):
            value = request.POST.get(key)
            if value:
                return str(value).strip().lower()
    return ""
