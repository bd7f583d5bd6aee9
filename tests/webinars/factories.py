import datetime

from django.utils import timezone

from cms.demo import ensure_home
from cms.models import OfficeIndexPage, RegionalOfficePage
from webinars.models import WebinarPage


def office_page(
    slug="eurasia-ulyanovsk", kind="eurasia", title="Eurasia Regional Office"
):
    home = ensure_home()
    index = OfficeIndexPage.objects.child_of(home).first()
    if index is None:
        index = OfficeIndexPage(title="Offices", slug="offices")
        home.add_child(instance=index)
    office = RegionalOfficePage.objects.filter(slug=slug).first()
    if office is None:
        office = RegionalOfficePage(
            title=title, slug=slug, office_kind=kind, city="City", country="Country"
        )
        index.add_child(instance=office)
    return office


def webinar_page(
    office, *, slug="open-data", starts_in=datetime.timedelta(minutes=-5), **fields
):
    fields.setdefault("title", slug.replace("-", " ").title())
    fields.setdefault("duration_minutes", 60)
    fields.setdefault("timezone", "Europe/Ulyanovsk")
    fields.setdefault("stream_url", "https://stream.example/live")
    hosts = fields.pop("hosts", [])
    page = WebinarPage(slug=slug, starts_at=timezone.now() + starts_in, **fields)
    office.add_child(instance=page)
    for host in hosts:
        page.hosts.add(host)
    page.save_revision().publish()
    return WebinarPage.objects.get(pk=page.pk)
