"""Wagtail's read-only pages API (``/api/v2/``) with the one error shape, and
its paths in the OpenAPI schema."""

import re

from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet

from lms.api.errors import _DRF_CODES, error_body
from lms.api.schema import ERROR_DESCRIPTIONS, ERROR_EXAMPLES

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
