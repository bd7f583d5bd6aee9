"""REST plumbing shared by every app: one error shape, tokens, the schema hooks.

Split by subject: ``errors`` (the ``{code, detail}`` shape and DRF's exception
handler), ``schema`` (documented errors and examples for every app's OpenAPI
schema, the schema hooks), ``tokens`` (API sign-in), ``pages`` (Wagtail's
pages API). Import from ``lms.api`` as one module.
"""

from .errors import (
    error_body,
    error_response,
    exception_handler,
    flat_errors,
    json_error,
)
from .pages import PagesAPIViewSet, add_pages_api
from .schema import (
    ERROR_DESCRIPTIONS,
    ERROR_EXAMPLES,
    ErrorSerializer,
    ThrottledErrorSerializer,
    ValidationErrorSerializer,
    add_throttled,
    documented_error,
    error_responses,
    ok_example,
    only_api_paths,
    request_example,
)
from .tokens import TokenRevokeView, TokenThrottle, TokenView

__all__ = [
    "ERROR_DESCRIPTIONS",
    "ERROR_EXAMPLES",
    "ErrorSerializer",
    "PagesAPIViewSet",
    "ThrottledErrorSerializer",
    "TokenRevokeView",
    "TokenThrottle",
    "TokenView",
    "ValidationErrorSerializer",
    "add_pages_api",
    "add_throttled",
    "documented_error",
    "error_body",
    "error_response",
    "error_responses",
    "exception_handler",
    "flat_errors",
    "json_error",
    "ok_example",
    "only_api_paths",
    "request_example",
]
