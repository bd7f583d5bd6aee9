"""A plain page: a summary and a body."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.i18n import LanguageKeepingPage

from ..blocks import BodyBlock
from ..routing import CachedViewRestrictions


class StandardPage(CachedViewRestrictions, LanguageKeepingPage, Page):
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = ["summary", "body"]

    class Meta:
        verbose_name = _("standard page")
