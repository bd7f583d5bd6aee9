"""The domain error every service raises: a stable code and a human message."""

from typing import Any


class DomainError(Exception):
    """A rule said no. ``code`` is stable for machines, ``message`` translated.

    ``status`` is the HTTP status the API answers with; ``extra`` carries
    structured detail (e.g. the eligibility reasons) into the JSON error.
    """

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.extra = extra

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
