"""REST plumbing shared by every app: one error shape, tokens, the schema hook."""

import re

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler
from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet

from .errors import DomainError
from .services import api_token_create, api_token_revoke
from .signin import (
    locked_out_message,
    second_factor_enabled,
    second_factor_setup_required,
    second_factor_verify,
    signin_is_locked,
    signin_record_failure,
    signin_record_success,
    signin_retry_after,
)
from .throttling import FailedSignInThrottle

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


def only_api_paths(endpoints):
    """drf-spectacular preprocessing hook: document our REST API, nothing else."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


class TokenThrottle(FailedSignInThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False
    )
    code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=(
            "The second factor, required when the account has an authenticator "
            "app: its current 6-digit code, or one of the account's recovery codes."
        ),
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Device name: signing in again with the same name replaces "
        "that device's token. Without a name every sign-in gets a token of "
        "its own.",
    )


def _signin_refused(code: str, detail: str, status_code: int, **extra) -> DomainError:
    return DomainError(detail, code=code, status=status_code, **extra)


class TokenView(APIView):
    """Exchange e-mail and password (and the second factor) for a token for one device.

    When the account has an authenticator app, ``code`` is required: its
    current code or a recovery code. Without it the answer is 401
    ``mfa_required``; a wrong one is 401 ``mfa_invalid`` and counts as a
    failed sign-in. After repeated failures at any sign-in (this endpoint,
    the site's form, the admin) the account is locked for a while: 429
    ``locked_out``, even with the right password.

    Asking again for the same device ``name`` replaces that device's token;
    without a name each sign-in gets a token of its own, so two clients on one
    account never sign each other out. ``POST /api/v1/auth/token/revoke/``
    with no body revokes the token making that request.
    """

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            **error_responses(
                400,
                401,
                403,
                429,
                codes={
                    401: [
                        ("invalid_credentials", "E-mail or password is wrong."),
                        (
                            "mfa_required",
                            "This account uses two-factor authentication: "
                            "send the code from your authenticator app as 'code'.",
                        ),
                        ("mfa_invalid", "The two-factor code is wrong or was used."),
                    ],
                    403: [
                        (
                            "mfa_setup_required",
                            "Set up two-factor authentication on the site first.",
                        )
                    ],
                    429: [
                        (
                            "locked_out",
                            "Sign-in for this account is paused for a few minutes "
                            "after repeated failures.",
                        ),
                        ("throttled", "Request was throttled."),
                    ],
                },
                descriptions={
                    401: "E-mail, password or second factor is wrong or missing.",
                    403: "Two-factor authentication is required for this role "
                    "and not set up yet.",
                    429: "Too many failed sign-ins for this account (`locked_out`) "
                    "or from this address (`throttled`).",
                },
            ),
        },
        examples=[
            request_example(
                "Laptop token",
                {
                    "email": "dev.hanoi@wego.example",
                    "password": "correct horse battery staple",
                    "name": "hanoi-city-portal",
                },
            ),
            request_example(
                "With the second factor",
                {
                    "email": "secretariat@wego.example",
                    "password": "correct horse battery staple",
                    "code": "492039",
                    "name": "secretariat-laptop",
                },
            ),
            ok_example("Token", {"token": "3f9c2a7e5b1d4c8f9a0e6b2d7c1f4a8e5b3d9c0f"}),
        ],
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        email = data["email"]
        locked = _signin_refused(
            "locked_out",
            locked_out_message(),
            429,
            retry_after=signin_retry_after(),
        )
        if signin_is_locked(django_request, email):
            raise locked
        user = authenticate(django_request, email=email, password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            # This failure was the one that locked the account.
            raise locked
        if user is None or not user.is_active:
            TokenThrottle().record_failure(request, self)
            raise _signin_refused(
                "invalid_credentials", _("E-mail or password is wrong."), 401
            )
        if second_factor_enabled(user):
            code = data.get("code", "")
            if not code:
                raise _signin_refused(
                    "mfa_required",
                    _(
                        "This account uses two-factor authentication: send the "
                        "code from your authenticator app as 'code'."
                    ),
                    401,
                )
            if not second_factor_verify(user, code):
                TokenThrottle().record_failure(request, self)
                signin_record_failure(django_request, email)
                if signin_is_locked(django_request, email):
                    raise locked
                raise _signin_refused(
                    "mfa_invalid", _("The two-factor code is wrong or was used."), 401
                )
        elif second_factor_setup_required(user):
            raise _signin_refused(
                "mfa_setup_required",
                _(
                    "Your role requires two-factor authentication: set up an "
                    "authenticator app on the site (Profile, Two-factor "
                    "authentication), then sign in again."
                ),
                403,
            )
        signin_record_success(django_request, user)
        return Response(
            {"token": api_token_create(user=user, name=data.get("name") or None)}
        )


class TokenRevokeSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The device whose token to revoke; without it, the token "
        "making this request.",
    )


class TokenRevokeView(APIView):
    """Revoke a token: the one making this request, or one device's by ``name``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TokenRevokeSerializer,
        responses={
            204: OpenApiResponse(description="The token no longer works."),
            **error_responses(
                400,
                401,
                404,
                codes={
                    400: [
                        (
                            "name_required",
                            "Signed in with a session: name the device whose "
                            "token to revoke.",
                        )
                    ],
                    404: [("not_found", "No token for that device.")],
                },
            ),
        },
        examples=[
            request_example("This token", {}),
            request_example("Revoke a device", {"name": "hanoi-city-portal"}),
        ],
    )
    def post(self, request):
        serializer = TokenRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("name") or None
        key = request.auth if isinstance(request.auth, str) else None
        if name is None and key is None:
            raise DomainError(
                _("Signed in with a session: name the device whose token to revoke."),
                code="name_required",
            )
        if not api_token_revoke(user=request.user, name=name, key=key):
            raise exceptions.NotFound(_("No token for that device."))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Wagtail's read-only pages API (/api/v2/) -------------------------------------


class PagesAPIViewSet(WagtailPagesAPIViewSet):
    """Wagtail's pages API with the project's error shape and a safe search.

    Wagtail answers its own errors as ``{"message": ...}``; here they become
    ``{"code", "detail"}`` like every other API failure. Punctuation in
    ``search`` is dropped as on the site's search page (full-text engines
    treat it as syntax; an unbalanced quote must not be a server error).
    """

    def initial(self, request, *args, **kwargs):
        if "search" in request.query_params:
            query = request.query_params.copy()
            words = re.sub(r"[^\w\s]", " ", query.get("search", "")[:200])
            query["search"] = " ".join(words.split())
            request._request.GET = query
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        data = response.data
        if response.status_code >= 400 and isinstance(data, dict) and "message" in data:
            response.data = error_body(
                _DRF_CODES.get(response.status_code, "error"), str(data["message"])
            )
        return response


def _pages_api_schema() -> dict:
    """OpenAPI paths of ``/api/v2/pages/`` (Wagtail's API is not DRF-introspectable)."""
    page_types = ["cms.NewsPage", "courses.ProgrammePage", "webinars.WebinarPage"]
    page_types += ["cms.StandardPage", "cms.RegionalOfficePage"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    meta = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "detail_url": {"type": "string"},
            "html_url": {"type": "string", "nullable": True},
            "slug": {"type": "string"},
            "first_published_at": {"type": "string", "nullable": True},
            "locale": {"type": "string"},
        },
    }
    item = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "meta": meta,
            "title": {"type": "string"},
        },
        "additionalProperties": True,
    }
    news_item = {
        "id": 18,
        "meta": {
            "type": "cms.NewsPage",
            "detail_url": "https://learning.wego.example/api/v2/pages/18/",
            "html_url": "https://learning.wego.example/news/secretariat-seoul/jeju-workshop-2016/",
            "slug": "jeju-workshop-2016",
            "first_published_at": "2016-06-02T09:00:00Z",
            "locale": "en",
        },
        "title": "First Jeju Workshop on Smart City and e-Government",
    }

    def errors(*statuses, detail_404="Not found."):
        out = {}
        for status_code in statuses:
            code, detail = ERROR_EXAMPLES[status_code][0]
            if status_code == 400:
                detail = (
                    "query parameter is not an operation or a recognised field: colour"
                )
            if status_code == 404:
                detail = detail_404
            out[str(status_code)] = {
                "description": ERROR_DESCRIPTIONS[status_code],
                "content": {
                    "application/json": {
                        "schema": error_ref,
                        "examples": {code: {"value": {"code": code, "detail": detail}}},
                    }
                },
            }
        return out

    def param(name, schema, description):
        return {
            "name": name,
            "in": "query",
            "schema": schema,
            "description": description,
        }

    listing = {
        "operationId": "pages_list",
        "tags": ["pages"],
        "summary": "Live pages (news, programmes, webinars, offices)",
        "description": (
            "Wagtail's read-only pages API for partners that mirror content: "
            "live, public pages only. Filter by `type`, choose `fields`, page "
            "through with `limit`/`offset`."
        ),
        "security": [{}],
        "parameters": [
            param("type", {"type": "string", "enum": page_types}, "Page type."),
            param(
                "fields",
                {"type": "string", "pattern": "^[a-z_]{1,30}(,[a-z_]{1,30}){0,4}$"},
                "Comma-separated extra fields, e.g. `date,summary` (with `type`); "
                "`_` drops the default fields, so no field of an item is guaranteed.",
            ),
            param(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 20, "default": 20},
                "Items per page (at most 20).",
            ),
            param(
                "offset",
                {"type": "integer", "minimum": 0, "maximum": 100000},
                "Items to skip.",
            ),
            param(
                "search",
                {"type": "string", "maxLength": 200},
                "Words to search for.",
            ),
            param(
                "locale",
                {"type": "string", "enum": ["en", "ko", "ru", "es", "fr"]},
                "Only pages in this language.",
            ),
        ],
        "responses": {
            "200": {
                "description": "A page of items.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "meta": {
                                    "type": "object",
                                    "properties": {"total_count": {"type": "integer"}},
                                    "required": ["total_count"],
                                },
                                "items": {"type": "array", "items": item},
                            },
                            "required": ["meta", "items"],
                        },
                        "examples": {
                            "News": {
                                "value": {
                                    "meta": {"total_count": 1},
                                    "items": [news_item],
                                }
                            }
                        },
                    }
                },
            },
            **errors(400),
        },
    }
    detail = {
        "operationId": "pages_retrieve",
        "tags": ["pages"],
        "summary": "One live page with all its API fields",
        "security": [{}],
        "parameters": [
            {
                "name": "id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            }
        ],
        "responses": {
            "200": {
                "description": "The page.",
                "content": {
                    "application/json": {
                        "schema": item,
                        "examples": {
                            "News": {
                                "value": {
                                    **news_item,
                                    "date": "2016-06-02",
                                    "summary": "WeGO and the Asian Development Bank "
                                    "held the first Jeju Workshop.",
                                }
                            }
                        },
                    }
                },
            },
            **errors(404, detail_404="No Page matches the given query."),
        },
    }
    return {"/api/v2/pages/": {"get": listing}, "/api/v2/pages/{id}/": {"get": detail}}


def add_pages_api(result, generator, request, public):
    """drf-spectacular postprocessing hook: document Wagtail's pages API."""
    result.setdefault("paths", {}).update(_pages_api_schema())
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Error",
        {
            "type": "object",
            "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
            "required": ["code", "detail"],
        },
    )
    return result
