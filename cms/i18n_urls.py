"""Human pages of cms under the language prefix (``/ko/search/`` …).

Included in ``lms.urls``'s ``i18n_patterns``; the machine-facing routes
(sitemap, robots.txt, the RSS feed) stay unprefixed in ``cms.urls``.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search, name="search"),
]
