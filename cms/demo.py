"""Demo site: home page, the six WeGO offices, news, partners, editor groups.

The news items retell moments of WeGO's history (from the sources in the
project brief) in our own words; their pictures are small abstract PNGs drawn
with Pillow at seed time, so the demo needs no binary files in the repository.
"""

import datetime
import io

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    Locale,
    Page,
    Site,
    WorkflowPage,
)

from lms.demo import page_publish
from lms.links import served_origin
from lms.models import User
from lms.services import office_editors_group_name

from .models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    OfficeIndexPage,
    Partner,
    PartnerKind,
    RegionalOfficePage,
    SiteSettings,
    StandardPage,
)
from .services import office_publishing_policy_apply

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

UI_LOCALES = ["ko", "ru", "es", "fr"]

# (slug, office kind, title, date, author, tags, summary, paragraphs, colours)
NEWS = [
    (
        "world-e-government-mayors-forum-2008",
        "secretariat",
        "Seoul gathers 33 mayors for the World e-Government Mayors Forum",
        datetime.date(2008, 7, 8),
        "WeGO Secretariat",
        ["history", "forum"],
        "In July 2008 city leaders met in Seoul and adopted the Seoul e-Government "
        "Declaration, the first step towards an organisation of cities.",
        [
            "Mayors and representatives of 33 cities came to Seoul in July 2008 to "
            "compare how their administrations use information technology.",
            "Before leaving they adopted the Seoul e-Government Declaration and agreed "
            "to meet again the next year at a World Cities CIO Forum, where the idea of "
            "a permanent network of cities would be prepared.",
        ],
        ((11, 79, 138), (255, 191, 71)),
    ),
    (
        "inaugural-general-assembly-2010",
        "secretariat",
        "WeGO is founded at its Inaugural General Assembly in Seoul",
        datetime.date(2010, 9, 1),
        "WeGO Secretariat",
        ["history", "general-assembly"],
        "Member cities adopted the statute of WeGO in 2010 and elected the "
        "President, the Vice Presidents and the Executive Committee.",
        [
            "Two years after the Mayors Forum, the cities that had signed the Seoul "
            "declaration met again in Seoul to found the organisation itself.",
            "The Inaugural General Assembly adopted the statute, chose the President "
            "City and filled the Executive Committee by election. The Secretariat has "
            "worked from Seoul ever since.",
        ],
        ((8, 58, 102), (120, 180, 220)),
    ),
    (
        "asia-regional-office-opens-in-chengdu",
        "asia",
        "The Asia Regional Office opens in Chengdu",
        datetime.date(2013, 1, 1),
        "Asia Regional Office",
        ["regional-offices"],
        "Chengdu became home to WeGO's first regional office in 2013, bringing "
        "training closer to the cities of Asia.",
        [
            "Chosen by the Executive Committee through an open bid, Chengdu opened "
            "WeGO's first regional office in 2013.",
            "The office runs training for member and non-member cities of the region "
            "and hosted the third General Assembly in 2014.",
        ],
        ((29, 107, 54), (250, 220, 120)),
    ),
    (
        "leadership-training-in-chengdu-2014",
        "asia",
        "Chengdu hosts a leadership course for member cities",
        datetime.date(2014, 5, 30),
        "Asia Regional Office",
        ["training", "regional-offices"],
        "At the end of May 2014 the Asia Regional Office ran an intensive "
        "e-Government leadership course for officials of member cities.",
        [
            "The course was held at the Nordic International Management Institute and "
            "focused on leading e-Government change inside a city administration.",
        ],
        ((29, 107, 54), (160, 210, 170)),
    ),
    (
        "eurasia-regional-office-opens-in-ulyanovsk",
        "eurasia",
        "A second regional office opens in the Ulyanovsk Region",
        datetime.date(2014, 3, 1),
        "Eurasia Regional Office",
        ["regional-offices"],
        "In 2014 the Ulyanovsk Region in Russia became WeGO's second regional "
        "office, later known for its open-data webinars.",
        [
            "After Chengdu, the Executive Committee selected the Ulyanovsk Region to "
            "host a regional office serving the cities of Europe and Eurasia.",
            "The office has since advised on the CeDS self-assessment tool and runs "
            "webinars on open data and online public services.",
        ],
        ((138, 75, 0), (240, 200, 150)),
    ),
    (
        "jeju-workshop-2016",
        "secretariat",
        "First Jeju Workshop on Smart City and e-Government",
        datetime.date(2016, 5, 31),
        "WeGO Secretariat",
        ["training", "smart-city"],
        "WeGO, the Asian Development Bank and NIA's Global Academy ran a new "
        "workshop on Jeju Island in May 2016.",
        [
            "Experts from international organisations, Korean agencies, local "
            "governments, universities and companies led sessions on building smart "
            "cities and on how e-Government supports the Sustainable Development Goals.",
            "Participants also attended the Jeju Forum for Peace and Prosperity and "
            "visited technical facilities on the island. The partners intend to repeat "
            "the workshop every year.",
        ],
        ((11, 79, 138), (140, 220, 200)),
    ),
    (
        "world-cities-summit-2022",
        "secretariat",
        "WeGO Secretariat engages with city government leaders during the World "
        "Cities Summit 2022",
        datetime.date(2022, 8, 1),
        "WeGO Secretariat",
        ["smart-city", "partnerships"],
        "In Singapore the Secretariat held bilateral meetings with Seberang Perai, "
        "Johor Bahru, Kota Kinabalu and Dhaka South.",
        [
            "The Secretary General and her team used the World Cities Summit 2022 in "
            "Singapore to meet city delegations one by one.",
            "With Seberang Perai, a Vice President City, they discussed smart waste, "
            "traffic and flood alerts; Johor Bahru spoke about linking the systems of "
            "neighbouring cities and about the people side of partnerships, and was "
            "invited to join WeGO. Kota Kinabalu and Dhaka South shared their safety "
            "and traffic challenges.",
        ],
        ((161, 29, 43), (250, 200, 200)),
    ),
]


def _child(parent: Page, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for key, value in fields.items():
            setattr(page, key, value)
    page_publish(page)
    return page.specific


def ensure_home() -> HomePage:
    """The site's root is our HomePage (replacing Wagtail's welcome page)."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
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
    # The Site record says where the platform is served (``BASE_URL``, or the
    # port ``make run`` serves on), so Wagtail's own absolute links agree.
    hostname, port = served_origin(settings.BASE_URL)
    taken = Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk)
    if not taken.exists():
        site.hostname, site.port = hostname, port
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
    page_publish(home)

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
        collection = root_collection.get_children().filter(name=office.title).first()
        if collection is None:
            collection = root_collection.add_child(name=office.title)
        office.image = demo_skyline(
            f"{office.title}: skyline",
            SKYLINE_COLOURS.get(office.office_kind, SKYLINE_COLOURS["secretariat"]),
            collection,
        )
        office.image_alt = (
            f"Illustration: a city skyline for the {office.title} in {office.city}"
        )
        page_publish(office)
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

    seed_news(home)
    # Approval is decided per office (cms.services), not by Wagtail's default
    # site-wide "Moderators approval" workflow on the root page.
    WorkflowPage.objects.filter(page__depth=1).delete()
    for office in RegionalOfficePage.objects.filter(locale=Locale.get_default()):
        office_publishing_policy_apply(office=office)
    seed_locales(home)

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


# An office's or programme's picture: its colours, drawn by demo_skyline.
SKYLINE_COLOURS = {
    "secretariat": ((11, 79, 138), (255, 196, 61)),
    "asia": ((0, 107, 94), (250, 220, 120)),
    "eurasia": ((84, 56, 140), (236, 200, 255)),
    "africa": ((148, 72, 20), (255, 214, 150)),
    "mediterranean": ((0, 94, 140), (170, 230, 255)),
    "latin_america": ((150, 30, 70), (255, 200, 200)),
}


def demo_skyline(title: str, colours, collection, *, towers: int = 11) -> object:
    """A city-skyline illustration (800 x 450, a few KB), made once per title.

    The towers' heights follow the title, so every office and programme gets
    its own picture; renditions for phones are made from it (WebP, AVIF).
    """
    import hashlib

    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    sky, accent = colours
    digest = hashlib.sha256(title.encode()).digest()
    canvas = PILImage.new("RGB", (800, 450), sky)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([610, 50, 710, 150], fill=accent)  # the sun
    ground = 400
    width = 800 // towers
    for i in range(towers):
        height = 90 + digest[i] % 220
        x = i * width
        shade = tuple(max(0, c - 40 - (digest[i + 11] % 30)) for c in sky)
        draw.rectangle([x + 6, ground - height, x + width - 6, ground], fill=shade)
        for row in range(ground - height + 14, ground - 10, 26):  # windows
            for col in (x + 16, x + width - 26):
                if digest[(row + col) % 32] % 3:
                    draw.rectangle([col, row, col + 8, row + 10], fill=accent)
    draw.rectangle([0, ground, 800, 450], fill=tuple(max(0, c - 70) for c in sky))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return image_model.objects.create(
        title=title,
        collection=collection,
        file=ImageFile(buffer, name=f"{title[:40].lower().replace(' ', '-')}.png"),
    )


def _demo_image(title: str, colours, collection) -> object:
    """A small abstract picture (a few KB) for a news item, made once."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    background, accent = colours
    canvas = PILImage.new("RGB", (800, 450), background)
    draw = ImageDraw.Draw(canvas)
    for i in range(6):
        x = 40 + i * 125
        height = 120 + (i * 53) % 200
        draw.rectangle([x, 450 - height, x + 90, 450], fill=accent)
    draw.ellipse([600, 40, 720, 160], fill=accent)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return image_model.objects.create(
        title=title,
        collection=collection,
        file=ImageFile(buffer, name=f"{title[:40].lower().replace(' ', '-')}.png"),
    )


def seed_news(home: HomePage) -> None:
    news_index = _child(
        home,
        NewsIndexPage,
        "news",
        title="News",
        intro="<p>What WeGO, its Secretariat and its regional offices have been doing.</p>",
        search_description="News from the WeGO Secretariat and regional offices.",
    )
    offices = {
        o.office_kind: o
        for o in RegionalOfficePage.objects.filter(locale=Locale.get_default())
    }
    sections = {}
    for kind, office in offices.items():
        sections[kind] = _child(
            news_index,
            NewsIndexPage,
            office.slug,
            title=f"{office.title} news",
            office=office,
        )
    root_collection = Collection.get_first_root_node()
    for slug, kind, title, date, author, tags, summary, paragraphs, colours in NEWS:
        office = offices[kind]
        collection = (
            root_collection.get_children().filter(name=office.title).first()
            or root_collection
        )
        image = _demo_image(title, colours, collection)
        body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
        page = _child(
            sections[kind],
            NewsPage,
            slug,
            title=title,
            date=date,
            author=author,
            office=office,
            summary=summary,
            search_description=summary,
            hero_image=image,
            hero_alt="",
            body=body,
        )
        page.tags.set(tags)
        page_publish(page)
    home.featured_news = NewsPage.objects.get(slug="world-cities-summit-2022")
    page_publish(home)


def seed_locales(home: HomePage) -> None:
    """Locales for every UI language; the home page is translated into Korean.

    Other pages are not translated: Korean visitors then see the English page
    (HomePage.route falls back) with the Korean interface around it.
    """
    for code in UI_LOCALES:
        Locale.objects.get_or_create(language_code=code)
    korean = Locale.objects.get(language_code="ko")
    home_ko = home.get_translation_or_none(korean)
    if home_ko is None:
        home_ko = home.copy_for_translation(korean)
    home_ko = home_ko.specific
    home_ko.title = "WeGO 러닝"
    home_ko.intro = "WeGO 200여 회원 도시의 공무원을 위한 교육, 웨비나, 수료증을 한곳에서 만나 보세요."
    home_ko.membership_text = (
        "<p>WeGO에는 도시와 지방정부, 기관, 기업이 함께합니다. 정회원과 준회원 "
        "도시의 공무원은 무료 eGovFrame 기술 교육을 포함한 모든 프로그램에 참여할 수 "
        "있습니다. 가입 문의는 "
        '<a href="mailto:secretariat@wego.example">사무국</a>으로 연락해 주세요.</p>'
    )
    home_ko.news_count = home.news_count
    home_ko.featured_news = home.featured_news
    page_publish(home_ko)
