"""Demo site: home page, the six WeGO offices, partners, editor groups."""

import datetime

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
)

from lms.models import User
from lms.services import office_editors_group_name

from .models import (
    HomePage,
    OfficeIndexPage,
    Partner,
    PartnerKind,
    RegionalOfficePage,
    SiteSettings,
    StandardPage,
)

OFFICES = [
    {
        "office_kind": "secretariat",
        "title": "WeGO Secretariat",
        "slug": "secretariat-seoul",
        "city": "Seoul",
        "country": "Republic of Korea",
        "host_organisation": "Seoul Metropolitan Government",
        "opened_on": datetime.date(2010, 9, 1),
        "summary": "The Secretariat in Seoul runs WeGO's flagship programmes, the Seoul Program and the eGovFrame technical training, with Korean partners.",
        "email": "secretariat@wego.example",
    },
    {
        "office_kind": "asia",
        "title": "Asia Regional Office",
        "slug": "asia-chengdu",
        "city": "Chengdu",
        "country": "China",
        "host_organisation": "Chengdu Municipal Government",
        "opened_on": datetime.date(2013, 1, 1),
        "summary": "Since 2013 the Chengdu office has trained officials from members and non-members alike on e-Government development and information security.",
        "email": "asia@wego.example",
    },
    {
        "office_kind": "eurasia",
        "title": "Eurasia Regional Office",
        "slug": "eurasia-ulyanovsk",
        "city": "Ulyanovsk",
        "country": "Russia",
        "host_organisation": "Ulyanovsk Region Government",
        "opened_on": datetime.date(2014, 3, 1),
        "summary": "Opened in 2014, the Ulyanovsk Region office runs webinars on open data, e-services and the CeDS self-assessment tool.",
        "email": "eurasia@wego.example",
    },
    {
        "office_kind": "africa",
        "title": "Africa Regional Office",
        "slug": "africa-abuja",
        "city": "Abuja",
        "country": "Nigeria",
        "summary": "The Abuja office brings WeGO's programmes closer to Africa's member cities.",
        "email": "africa@wego.example",
    },
    {
        "office_kind": "mediterranean",
        "title": "Mediterranean Regional Office",
        "slug": "mediterranean-beyoglu",
        "city": "Beyoğlu",
        "country": "Türkiye",
        "summary": "The Beyoğlu office connects the member cities around the Mediterranean.",
        "email": "mediterranean@wego.example",
    },
    {
        "office_kind": "latin_america",
        "title": "Latin America Regional Office",
        "slug": "latin-america-mexico-city",
        "city": "Mexico City",
        "country": "Mexico",
        "summary": "The Mexico City office serves WeGO's members across Latin America.",
        "email": "latinamerica@wego.example",
    },
]

PARTNERS = [
    (
        "National Information Society Agency",
        "NIA",
        PartnerKind.GOVERNMENT_AGENCY,
        "Korea's agency for the information society; runs the Global Academy and the eGovFrame Center.",
    ),
    (
        "Asian Development Bank",
        "ADB",
        PartnerKind.INTERNATIONAL_ORGANISATION,
        "Co-organiser of the Jeju Workshop since 2016.",
    ),
    (
        "World Bank Institute",
        "World Bank",
        PartnerKind.INTERNATIONAL_ORGANISATION,
        "Partner of the Smart Cities webinar series.",
    ),
    (
        "Seoul Human Resource Development Center",
        "SHRDC",
        PartnerKind.TRAINING_CENTRE,
        "The Seoul Metropolitan Government's training centre, host of the Seoul Program.",
    ),
]

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def _child(parent: Page, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for key, value in fields.items():
            setattr(page, key, value)
    page.save_revision().publish()
    return page.specific


def ensure_home() -> HomePage:
    """The site's root is our HomePage (replacing Wagtail's welcome page)."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial "Welcome" page holds the slug; its Site goes with it.
        Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
        home = HomePage(title="WeGO Learning", slug="home")
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    site.root_page = home
    site.site_name = "WeGO Learning"
    site.save()
    return home


def seed(command, options) -> None:
    home = ensure_home()
    home.title = "WeGO Learning"
    home.intro = "Training, webinars and certificates for the officials of WeGO's 200+ member cities."
    home.membership_text = (
        "<p>WeGO brings together city and local governments, institutions and companies. "
        "Full and associate members' officials can join every programme, including the "
        "complimentary eGovFrame technical training. "
        '<a href="mailto:secretariat@wego.example">Write to the Secretariat</a> to join.</p>'
    )
    home.save_revision().publish()

    offices_index = _child(home, OfficeIndexPage, "offices", title="Offices")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_collection = Collection.get_first_root_node()
    for data in OFFICES:
        office = _child(
            offices_index,
            RegionalOfficePage,
            data["slug"],
            **{k: v for k, v in data.items() if k != "slug"},
        )
        group, _ = Group.objects.get_or_create(
            name=office_editors_group_name(office.title)
        )
        group.permissions.add(access_admin)
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=office,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        collection = root_collection.get_children().filter(name=office.title).first()
        if collection is None:
            collection = root_collection.add_child(name=office.title)
        for codename, app in (
            ("add_image", "wagtailimages"),
            ("choose_image", "wagtailimages"),
            ("add_document", "wagtaildocs"),
            ("choose_document", "wagtaildocs"),
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label=app, codename=codename
                ),
            )

    User.objects.get(email="editor.chengdu@wego.example").groups.add(
        Group.objects.get(name=office_editors_group_name("Asia Regional Office"))
    )

    _child(
        home,
        StandardPage,
        "about",
        title="About WeGO Learning",
        summary="How WeGO's capacity-building programmes work and who can join them.",
    )

    for name, short, kind, description in PARTNERS:
        Partner.objects.update_or_create(
            name=name,
            defaults={"short_name": short, "kind": kind, "description": description},
        )

    site = Site.objects.get(is_default_site=True)
    settings_obj = SiteSettings.for_site(site)
    settings_obj.contact_email = "learning@wego.example"
    settings_obj.contact_address = (
        "WeGO Secretariat, Seoul Global Center, Seoul, Republic of Korea"
    )
    settings_obj.save()
