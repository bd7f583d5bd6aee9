"""Site pages: home, news, offices, standard pages; site settings; partners.

One module per subject: ``home`` (the home page), ``offices`` (the office
index, the regional office pages and the ``PageImage`` fields other apps'
pages reuse), ``standard``, ``news`` (indexes, items, tags), ``settings``
(``SiteSettings``, registered with ``register_setting``) and ``partners``.
All are importable from here, as ``cms.models.HomePage`` and so on (the app
label stays ``cms``).
"""

from .home import HomePage
from .news import NEWS_PER_PAGE, NewsIndexPage, NewsPage, NewsPageTag
from .offices import OFFICE_KINDS, OfficeIndexPage, PageImage, RegionalOfficePage
from .partners import Partner, PartnerKind
from .settings import SiteSettings
from .standard import StandardPage

__all__ = [
    "NEWS_PER_PAGE",
    "OFFICE_KINDS",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "OfficeIndexPage",
    "PageImage",
    "Partner",
    "PartnerKind",
    "RegionalOfficePage",
    "SiteSettings",
    "StandardPage",
]
