"""``/api/``: REST API v1, its schema and docs, and Wagtail's read-only pages API."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail.api.v2.router import WagtailAPIRouter

from .api import PagesAPIViewSet, TokenRevokeView, TokenView
from .views import api_not_found

pages_api = WagtailAPIRouter("wagtailapi")
pages_api.register_endpoint("pages", PagesAPIViewSet)

v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("", include("courses.api_urls")),
    path("", include("webinars.api_urls")),
    path("", include("certificates.api_urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("v2/", pages_api.urls),
    # Anything else under /api/ (unknown paths, malformed ids) is a JSON 404,
    # not the site's page (and never a CSRF check: nothing is done here).
    re_path(r"^.*$", api_not_found),
]
