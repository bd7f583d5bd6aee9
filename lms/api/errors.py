"""One error shape for every API answer: ``{code, detail}`` (plus ``errors``
for validation and ``retry_after`` when throttled), DRF's exception handler."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lms.errors import DomainError

_DRF_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, detail: str, **extra) -> dict:
    """The one shape of every error under ``/api/``: ``{"code", "detail", ...}``.

    Every API error, from DRF views and from Django itself (unknown paths,
    500, CSRF, too large bodies, locked accounts), is built here.
    """
    return {"code": code, "detail": str(detail), **extra}


def _with_retry_after(response, body: dict):
    if response.status_code == 429 and body.get("retry_after") is not None:
        response["Retry-After"] = str(body["retry_after"])
    return response


def json_error(status_code: int, code: str, detail: str, **extra) -> JsonResponse:
    """An API error answered outside DRF (Django's error handlers, middleware)."""
    body = error_body(code, detail, **extra)
    return _with_retry_after(JsonResponse(body, status=status_code), body)


def error_response(exc: DomainError) -> Response:
    body = error_body(exc.code, exc.message, **exc.extra)
    return _with_retry_after(Response(body, status=exc.status), body)


def flat_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """A validation error's detail as ``{field: [messages]}``, the schema's shape.

    Nested fields are joined with dots (``answers.motivation``); rows of a
    list body by their index (``1.participant``); errors about the body as a
    whole go under ``non_field_errors``.
    """
    from rest_framework.settings import api_settings

    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flat_errors(value, name))
    elif isinstance(data, list) and any(isinstance(v, (dict, list)) for v in data):
        for index, value in enumerate(data):
            name = f"{prefix}.{index}" if prefix else str(index)
            if isinstance(value, str):
                out.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(
                    value
                )
            elif value:
                out.update(flat_errors(value, name))
    elif isinstance(data, list):
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(v) for v in data]
    elif data not in (None, ""):
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(data)]
    return out


def exception_handler(exc, context):
    """Every API failure as ``{"code", "detail", ...}`` with the right status."""
    if isinstance(exc, DomainError):
        return error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = _DRF_CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid",
            _("The request is not valid; see 'errors' for each field."),
            errors=flat_errors(data),
        )
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else data
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            if isinstance(codes, str) and codes not in ("error", "invalid"):
                code = codes
        extra = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["retry_after"] = int(exc.wait)
        response.data = error_body(code, str(detail), **extra)
    return response
