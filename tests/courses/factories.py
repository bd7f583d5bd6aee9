"""Builders for programmes, sessions and enrolments in tests."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, OfficeIndexPage, RegionalOfficePage
from courses.models import Enrolment, ProgrammePage, Session
from lms.models import SkillLevel, UserSkill


def site_tree():
    """Home → offices → one office, reused when already there."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            # A transactional test flushed the tree Wagtail's migrations made.
            Locale.objects.get_or_create(language_code="en")
            root = Page.add_root(instance=Page(title="Root", slug="root"))
        home = HomePage(title="WeGO Learning", slug="wego-home")
        root.add_child(instance=home)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", root_page=home, is_default_site=True
            )
        else:
            site.root_page = home
            site.save()
    offices = OfficeIndexPage.objects.first()
    if offices is None:
        offices = OfficeIndexPage(title="Offices", slug="offices")
        home.add_child(instance=offices)
    office = RegionalOfficePage.objects.filter(slug="secretariat-seoul").first()
    if office is None:
        office = RegionalOfficePage(
            title="WeGO Secretariat",
            slug="secretariat-seoul",
            office_kind="secretariat",
            city="Seoul",
            country="Republic of Korea",
        )
        offices.add_child(instance=office)
    return home, office


def other_office():
    _home, office = site_tree()
    asia = RegionalOfficePage.objects.filter(slug="asia-chengdu").first()
    if asia is None:
        asia = RegionalOfficePage(
            title="Asia Regional Office",
            slug="asia-chengdu",
            office_kind="asia",
            city="Chengdu",
            country="China",
        )
        office.get_parent().add_child(instance=asia)
    return asia


_counter = {"n": 0}


def make_programme(*, office=None, rules=None, sessions=2, **fields) -> ProgrammePage:
    if office is None:
        _home, office = site_tree()
    _counter["n"] += 1
    n = _counter["n"]
    today = timezone.localdate()
    now = timezone.now()
    defaults = {
        "title": f"Programme {n}",
        "slug": f"programme-{n}",
        "kind": "egovframe_training",
        "starts_on": today + timedelta(days=60),
        "ends_on": today + timedelta(days=63),
        "capacity": 30,
        "timezone": "Asia/Seoul",
        "enrolment_opens_at": now - timedelta(days=1),
        "enrolment_closes_at": now + timedelta(days=30),
        "asks_motivation": False,
    }
    defaults.update(fields)
    page = ProgrammePage(**defaults)
    if rules is not None:
        page.rules = rules
    for i in range(sessions):
        start = timezone.make_aware(
            timezone.datetime.combine(page.starts_on, timezone.datetime.min.time())
        ) + timedelta(hours=9 + i * 2)
        page.sessions.add(
            Session(
                title=f"Session {i + 1}",
                starts_at=start,
                ends_at=start + timedelta(hours=1, minutes=30),
                location="Seoul",
            )
        )
    office.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def give_skill(user, skill="java", level=SkillLevel.INTERMEDIATE):
    UserSkill.objects.update_or_create(
        user=user, skill=skill, defaults={"level": level}
    )
    return user


def enrol(programme, user, status="confirmed", **fields) -> Enrolment:
    return Enrolment.objects.create(
        programme=programme,
        user=user,
        organisation=user.organisation,
        organisation_name=getattr(user.organisation, "name", ""),
        status=status,
        confirmed_at=timezone.now() if status == "confirmed" else None,
        **fields,
    )
