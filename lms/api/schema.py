"""The OpenAPI side of the one error shape: error components, documented errors
and examples every app's schema module uses, and the schema hooks."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
)
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    request_id = serializers.CharField(  # added by lms.observability
        required=False, help_text="The X-Request-ID of this response, for support."
    )


class ValidationErrorSerializer(ErrorSerializer):
    """A 400: ``errors`` maps each invalid field to its messages (absent when
    a rule, not a field, refused the request)."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ThrottledErrorSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait; also in the Retry-After header."
    )


# --- OpenAPI: documented errors --------------------------------------------------
# One reusable builder so every app documents its failures the same way:
#
#     from lms.api import error_responses, ok_example, request_example
#
#     @extend_schema(
#         request=EnrolSerializer,
#         responses={
#             201: EnrolmentSerializer,
#             **error_responses(
#                 400, 401, 403, 404, 409,
#                 codes={409: [("already_enrolled", "You are already enrolled.")]},
#             ),
#         },
#         examples=[request_example("Enrol", {...}), ok_example("Enrolled", {...}, 201)],
#     )
#
# 429 (throttling is global) is added to every operation by ``add_throttled``,
# so listing it is optional.

# Example (code, detail) pairs per status, matching what the handler answers.
ERROR_EXAMPLES: dict[int, list[tuple[str, str]]] = {
    400: [("invalid", "The request is not valid; see 'errors' for each field.")],
    401: [("not_authenticated", "Authentication credentials were not provided.")],
    403: [
        (
            "permission_denied",
            "You do not have permission to perform this action.",
        )
    ],
    404: [("not_found", "Not found.")],
    405: [("method_not_allowed", 'Method "PATCH" not allowed.')],
    409: [("conflict", "The request conflicts with the current state.")],
    413: [("too_large", "The request body is too large.")],
    429: [("throttled", "Request was throttled. Expected available in 42 seconds.")],
}

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request is not valid.",
    401: "No or invalid credentials (session or `Authorization: Token <key>`).",
    403: "Authenticated, but this role may not do this.",
    404: "No such object, or not visible to the caller.",
    405: "Method not allowed.",
    409: "Conflicts with the current state (e.g. already done, full, closed).",
    413: "The request is larger than this operation accepts.",
    429: "Too many requests; retry after the number of seconds in `Retry-After`.",
}

_ERROR_SERIALIZERS = {400: ValidationErrorSerializer, 429: ThrottledErrorSerializer}


def _error_example_value(status_code: int, code: str, detail: str) -> dict:
    value = {"code": code, "detail": detail}
    if status_code == 400 and code == "invalid":
        value["errors"] = {"email": ["Enter a valid email address."]}
    if status_code == 429:
        value["retry_after"] = 42
    return value


def documented_error(status_code: int, *pairs: tuple[str, str], description=None):
    """One documented error: the ``{"code", "detail"}`` shape with examples.

    ``pairs`` are ``(code, detail)`` examples; without them the generic one
    for the status is used.
    """
    pairs = pairs or tuple(ERROR_EXAMPLES.get(status_code, [("error", "Error.")]))
    return OpenApiResponse(
        _ERROR_SERIALIZERS.get(status_code, ErrorSerializer),
        description=description or ERROR_DESCRIPTIONS.get(status_code, ""),
        examples=[
            OpenApiExample(
                code,
                value=_error_example_value(status_code, code, detail),
                response_only=True,
                status_codes=[str(status_code)],
            )
            for code, detail in pairs
        ],
    )


def error_responses(
    *statuses: int,
    codes: dict[int, list[tuple[str, str]]] | None = None,
    descriptions: dict[int, str] | None = None,
) -> dict[int, OpenApiResponse]:
    """``{status: OpenApiResponse}`` for ``extend_schema(responses={...})``.

    ``codes`` gives an operation's own ``(code, detail)`` examples per status
    (e.g. ``{409: [("programme_full", "The programme is full.")]}``);
    ``descriptions`` overrides the generic description per status.
    """
    codes = codes or {}
    descriptions = descriptions or {}
    return {
        s: documented_error(s, *codes.get(s, ()), description=descriptions.get(s))
        for s in statuses
    }


def ok_example(summary: str, value, status_code: int = 200, **kwargs) -> OpenApiExample:
    """A success response example for ``extend_schema(examples=[...])``."""
    return OpenApiExample(
        summary,
        value=value,
        response_only=True,
        status_codes=[str(status_code)],
        **kwargs,
    )


def request_example(summary: str, value, **kwargs) -> OpenApiExample:
    """A request body example for ``extend_schema(examples=[...])``."""
    return OpenApiExample(summary, value=value, request_only=True, **kwargs)


def add_throttled(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation may answer 429
    (per-user and per-address throttling apply to the whole API)."""
    throttled = {
        "description": ERROR_DESCRIPTIONS[429],
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before retrying.",
            }
        },
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ThrottledError"},
                "examples": {
                    "Throttled": {
                        "value": _error_example_value(429, *ERROR_EXAMPLES[429][0]),
                        "summary": "Throttled",
                    }
                },
            }
        },
    }
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "ThrottledError",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "retry_after": {"type": "integer"},
            },
            "required": ["code", "detail"],
        },
    )
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
            "required": ["code", "detail"],
        },
    )
    schemas.setdefault(
        "ValidationError",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
            },
            "required": ["code", "detail"],
        },
    )
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            response = operation["responses"].setdefault("429", throttled)
            response.setdefault("headers", throttled["headers"])
            # Any operation can meet these: a malformed body or parameter,
            # missing or bad credentials, a role that may not, an unknown id
            # or address (each its JSON {code, detail}).
            for status_code in (400, 401, 403, 404):
                operation["responses"].setdefault(
                    str(status_code), _generic_error(status_code)
                )
    return result


def only_api_paths(endpoints):
    """drf-spectacular preprocessing hook: document our REST API, nothing else."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


def _generic_error(status_code: int) -> dict:
    code, detail = ERROR_EXAMPLES[status_code][0]
    ref = "ValidationError" if status_code == 400 else "Error"
    return {
        "description": ERROR_DESCRIPTIONS[status_code],
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{ref}"},
                "examples": {
                    code: {"value": _error_example_value(status_code, code, detail)}
                },
            }
        },
    }
