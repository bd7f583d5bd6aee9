"""Demo people and organisations, from WeGO's own published material."""

import json
from functools import cache
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.serializers.json import DjangoJSONEncoder

from .models import MembershipTier, Organisation, OrganisationKind, Region, User
from .services import (
    PARTICIPANTS_GROUP,
    SECRETARIAT_GROUP,
    TRAINERS_GROUP,
    roles_ensure,
    user_set_skills,
)

DEMO_PASSWORD = "wego-demo"  # noqa: S105 - demo data only, documented in the README

F, A, N = MembershipTier.FULL, MembershipTier.ASSOCIATE, MembershipTier.NONE
CITY, LG, RA = (
    OrganisationKind.CITY,
    OrganisationKind.LOCAL_GOVERNMENT,
    OrganisationKind.REGIONAL_ASSOCIATION,
)

# name, kind, country, region, tier
ORGANISATIONS = [
    ("Seoul Metropolitan Government", CITY, "Republic of Korea", Region.ASIA, F),
    ("Hanoi", CITY, "Viet Nam", Region.ASIA, F),
    ("Quezon City", CITY, "Philippines", Region.ASIA, F),
    ("San Fernando, La Union", CITY, "Philippines", Region.ASIA, F),
    ("Makati", CITY, "Philippines", Region.ASIA, F),
    ("Pokhara", CITY, "Nepal", Region.ASIA, F),
    ("Bharatpur", CITY, "Nepal", Region.ASIA, F),
    ("Dhaka North City Corporation", CITY, "Bangladesh", Region.ASIA, F),
    ("Dhaka South City Corporation", CITY, "Bangladesh", Region.ASIA, F),
    ("Nairobi", CITY, "Kenya", Region.AFRICA, F),
    ("Addis Ababa", CITY, "Ethiopia", Region.AFRICA, F),
    ("Ulaanbaatar", CITY, "Mongolia", Region.ASIA, F),
    ("Tashkent", CITY, "Uzbekistan", Region.EURASIA, F),
    ("Jakarta", CITY, "Indonesia", Region.ASIA, F),
    ("Khartoum State", LG, "Sudan", Region.AFRICA, F),
    ("Hebron", CITY, "Palestine", Region.MEDITERRANEAN, A),
    ("Seberang Perai City Council", CITY, "Malaysia", Region.ASIA, F),
    ("Ulyanovsk Region", LG, "Russia", Region.EURASIA, F),
    ("Chengdu", CITY, "China", Region.ASIA, F),
    ("Johor Bahru City Council", CITY, "Malaysia", Region.ASIA, N),
    ("Kota Kinabalu City Hall", CITY, "Malaysia", Region.ASIA, N),
    ("Pasir Gudang City Council", CITY, "Malaysia", Region.ASIA, N),
    ("Mexico City", CITY, "Mexico", Region.LATIN_AMERICA, F),
    ("Beyoğlu", LG, "Türkiye", Region.MEDITERRANEAN, F),
    ("Abuja", CITY, "Nigeria", Region.AFRICA, F),
    (
        "National Information Society Agency (NIA)",
        OrganisationKind.INSTITUTION,
        "Republic of Korea",
        Region.ASIA,
        MembershipTier.FRIENDSHIP,
    ),
    (
        "Korea Smart City Solutions Co.",
        OrganisationKind.COMPANY,
        "Republic of Korea",
        Region.ASIA,
        MembershipTier.CORPORATE,
    ),
    (
        "Association of Regional Governments of the Volga",
        RA,
        "Russia",
        Region.EURASIA,
        A,
    ),
]

# email, first, last, organisation, job title, java level, flags
PERSONAS = [
    (
        "admin@wego.example",
        "Eunbyul",
        "Cho",
        "Seoul Metropolitan Government",
        "Head of Program Department, WeGO Secretariat",
        None,
        {"is_staff": True, "is_superuser": True},
    ),
    (
        "editor.chengdu@wego.example",
        "Li",
        "Wei",
        "Chengdu",
        "Communications officer, Asia Regional Office",
        None,
        {"is_staff": True},
    ),
    (
        "trainer@wego.example",
        "Minho",
        "Kim",
        "Seoul Metropolitan Government",
        "e-Government trainer",
        None,
        {"is_staff": True},
    ),
    (
        "dev.hanoi@wego.example",
        "Thi Lan",
        "Nguyen",
        "Hanoi",
        "Software developer, Department of Information and Communications",
        "intermediate",
        {},
    ),
    (
        # Hanoi's focal point for WeGO: nominates the city's officials.
        "focal.hanoi@wego.example",
        "Van Minh",
        "Tran",
        "Hanoi",
        "International cooperation officer, Department of Information and "
        "Communications",
        None,
        {},
    ),
    (
        "official.nairobi@wego.example",
        "Wanjiru",
        "Otieno",
        "Nairobi",
        "ICT policy officer",
        "none",
        {},
    ),
    (
        "official.johorbahru@wego.example",
        "Aisyah",
        "Rahman",
        "Johor Bahru City Council",
        "Smart city unit officer",
        "basic",
        {},
    ),
]

# Extra roster people for the past programmes (full-member developers).
ROSTER = [
    ("dev.quezon@wego.example", "Jose", "Santos", "Quezon City", "intermediate"),
    ("dev.ulaanbaatar@wego.example", "Bat-Erdene", "Dorj", "Ulaanbaatar", "advanced"),
    ("dev.tashkent@wego.example", "Aziz", "Karimov", "Tashkent", "intermediate"),
    ("dev.addis@wego.example", "Hana", "Tesfaye", "Addis Ababa", "basic"),
    ("dev.pokhara@wego.example", "Sita", "Gurung", "Pokhara", "intermediate"),
    ("dev.jakarta@wego.example", "Budi", "Santoso", "Jakarta", "advanced"),
]


def demo_user(
    email: str,
    *,
    first: str,
    last: str,
    organisation: Organisation | None,
    job_title: str = "",
    **flags,
) -> User:
    """Create or refresh a verified demo account with the demo password."""
    user, created = User.objects.get_or_create(email=email)
    user.first_name, user.last_name = first, last
    user.organisation = organisation
    user.job_title = job_title
    for key, value in flags.items():
        setattr(user, key, value)
    # One hash for every demo account (a fixed salt: the password is published
    # anyway), so a re-seed compares strings instead of running the password
    # hasher once per account (about 0.2 s each).
    if created or user.password != demo_password_hash():
        user.password = demo_password_hash()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD, salt="wegodemo")


# What a page's revision records but seeding never sets: volatile bookkeeping.
_PAGE_BOOKKEEPING = {
    "latest_revision",
    "live_revision",
    "latest_revision_created_at",
    "last_published_at",
    "first_published_at",
    "has_unpublished_changes",
    "draft_title",
    "live",
    "locked",
    "locked_at",
    "locked_by",
    "owner",
    "numchild",  # tree bookkeeping: children added since the last revision
    "path",
    "depth",
    "pk",  # a tag's or child's row id: not content (None in a fresh revision)
}


def _comparable(value: Any) -> Any:
    """A revision's content without StreamField block ids (new on every assignment)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except ValueError:
            return value
        return _comparable(value)
    if isinstance(value, dict):
        return {
            key: _comparable(item)
            for key, item in value.items()
            if key != "id" and key not in _PAGE_BOOKKEEPING
        }
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def _as_stored(data: dict) -> Any:
    """The page's data as a revision stores it (dates and times as JSON text)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def page_publish(page) -> bool:
    """Publish the demo page unless its live revision already says the same.

    A second ``make run`` on the same data then only publishes what moved (the
    live webinar's start time follows the clock), not every page again.
    """
    live = page.live_revision
    if (
        page.live
        and live is not None
        and not page.has_unpublished_changes
        and _comparable(_as_stored(page.serializable_data()))
        == _comparable(live.content)
    ):
        return False
    page.save_revision().publish()
    return True


def seed(command, options) -> None:
    groups = roles_ensure()
    orgs = {}
    for name, kind, country, region, tier in ORGANISATIONS:
        orgs[name], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "country": country,
                "region": region,
                "membership_tier": tier,
            },
        )
    Organisation.objects.filter(name="Hanoi").update(
        focal_point_name="Department of Information and Communications",
        focal_point_email="focal.hanoi@wego.example",
    )

    for email, first, last, org, job, java, flags in PERSONAS:
        user = demo_user(
            email,
            first=first,
            last=last,
            organisation=orgs[org],
            job_title=job,
            **flags,
        )
        if java:
            user_set_skills(user=user, skills={"java": java, "web": java})
            user.groups.add(groups[PARTICIPANTS_GROUP])
    User.objects.get(email="admin@wego.example").groups.add(groups[SECRETARIAT_GROUP])
    User.objects.get(email="trainer@wego.example").groups.add(groups[TRAINERS_GROUP])
    # Trainers use the trainer tools, which live in the Wagtail admin.
    groups[TRAINERS_GROUP].permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )

    for email, first, last, org, java in ROSTER:
        user = demo_user(
            email,
            first=first,
            last=last,
            organisation=orgs[org],
            job_title="Software developer",
        )
        user_set_skills(user=user, skills={"java": java, "web": java})
        user.groups.add(groups[PARTICIPANTS_GROUP])

    crowd = options.get("crowd") or 0
    if crowd:
        seed_crowd(
            crowd,
            [orgs[n] for n, _, _, _, tier in ORGANISATIONS if tier == F],
            groups[PARTICIPANTS_GROUP],
        )


def seed_crowd(count: int, organisations: list[Organisation], group: Group) -> None:
    """N load-test participants from full-member cities, Java intermediate."""
    from .models import UserSkill

    existing = set(
        User.objects.filter(
            email__startswith="crowd", email__endswith="@wego.example"
        ).values_list("email", flat=True)
    )
    template = User(email="x")
    template.set_password(DEMO_PASSWORD)
    new_users = [
        User(
            email=f"crowd{i}@wego.example",
            first_name="Crowd",
            last_name=str(i),
            organisation=organisations[i % len(organisations)],
            password=template.password,
        )
        for i in range(1, count + 1)
        if f"crowd{i}@wego.example" not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=500)
    crowd_users = list(
        User.objects.filter(email__startswith="crowd", email__endswith="@wego.example")
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in crowd_users
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    UserSkill.objects.bulk_create(
        [UserSkill(user=u, skill="java", level="intermediate") for u in crowd_users],
        ignore_conflicts=True,
        batch_size=500,
    )
    group.user_set.add(*crowd_users)
