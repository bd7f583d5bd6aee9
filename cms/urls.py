from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from . import views
from .feeds import NewsFeed

urlpatterns = [
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("news/feed/", NewsFeed(), name="news_feed"),
]
