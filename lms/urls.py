"""The root URLconf: the composition point of every app.

Apps are included by dotted string so that ``lms`` never imports a higher app.
Contract URLs (API, healthz, certificates verify) stay unprefixed; human
pages are under ``i18n_patterns`` with English unprefixed (so the calendar
feed's unprefixed address keeps working too).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .observability import metrics_view

handler400 = "lms.views.bad_request"
handler403 = "lms.views.permission_denied"
handler404 = "lms.views.page_not_found"
handler500 = "lms.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include("lms.api_urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Both admin log-ins go through the site's sign-in (second factor, lock-out).
    path("admin/login/", views.admin_login, name="admin_login_redirect"),
    path(
        "django-admin/login/",
        views.admin_login,
        {"default_next": "/django-admin/"},
        name="django_admin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("cms.urls")),
    path("", include("courses.trainer.urls")),
    path("", include("webinars.urls")),
    path("", include("certificates.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("", include("cms.i18n_urls")),
    # People's own pages and forms, in their language (/ko/my/programmes/);
    # English stays unprefixed, so every existing address still works.
    path("", include("courses.urls")),
    path("", include("certificates.i18n_urls")),
    # Wagtail's own password-only log-in (for private pages) goes the same way.
    path("_util/login/", views.admin_login, {"default_next": "/"}),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# Image renditions are public; serve them from MEDIA_ROOT when no front server
# does. Other uploads (documents, letters, certificates) go through views that
# check permissions, so the rest of MEDIA_ROOT is never exposed here.
if settings.SERVE_PUBLIC_MEDIA:
    urlpatterns = [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>(images|original_images)/.+)$",
            views.public_media,
        ),
        *urlpatterns,
    ]
