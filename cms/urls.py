from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from lms.i18n import in_default_language

from . import views
from .feeds import NewsFeed

urlpatterns = [
    path("sitemap.xml", in_default_language(sitemap), name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("news/feed/", in_default_language(NewsFeed()), name="news_feed"),
]
