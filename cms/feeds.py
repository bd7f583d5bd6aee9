"""RSS feed of the news at ``/news/feed/``."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from .selectors import news_feed_items


class NewsFeed(Feed):
    title = _("WeGO Learning news")
    description = _("News from the WeGO Secretariat and regional offices.")

    def link(self):
        return "/news/"

    def items(self):
        return news_feed_items(limit=20)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.search_description

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
