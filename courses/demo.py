"""Demo programmes, from WeGO's published history; idempotent.

Past editions keep their historical dates; the open ones are placed relative
to today so that the demo always has something to enrol in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.models import Collection

from cms.demo import SKYLINE_COLOURS, demo_skyline
from cms.models import HomePage, Partner, RegionalOfficePage
from lms.demo import page_publish
from lms.models import MembershipTier, SkillLevel, User

from .models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    ProgrammeIndexPage,
    ProgrammePage,
    Session,
    SupportSlot,
)
from .services import attendance_mark, completion_confirm

SEOUL = ZoneInfo("Asia/Seoul")
CHENGDU = ZoneInfo("Asia/Shanghai")

MEMBERS_ONLY = (
    "membership_tiers",
    {"tiers": [MembershipTier.FULL, MembershipTier.ASSOCIATE]},
)
JAVA = ("skill", {"skill": "java", "min_level": SkillLevel.INTERMEDIATE})


def _at(day: date, hour: int, minute: int = 0, zone=SEOUL) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _s(
    title,
    kind,
    day,
    start,
    end,
    location="",
    speakers="",
    counts=True,
    required=False,
    zone=SEOUL,
):
    return {
        "title": title,
        "kind": kind,
        "starts_at": _at(day, *start, zone=zone),
        "ends_at": _at(day, *end, zone=zone),
        "location": location,
        "speakers": speakers,
        "counts_toward_completion": counts,
        "required": required,
    }


def _seoul_program_2016() -> tuple[dict, list[dict]]:
    d = date(2016, 5, 9)
    shrdc = "Seoul Human Resource Development Center"
    sessions = [
        _s(
            "Opening and Seoul's e-Government policy",
            "lecture",
            d,
            (9, 30),
            (12, 0),
            shrdc,
            "Seoul Metropolitan Government",
            required=True,
        ),
        _s(
            "Big Data for city administration",
            "lecture",
            d,
            (14, 0),
            (17, 0),
            shrdc,
            "Seoul Digital Foundation",
        ),
        _s(
            "Internet of Things in public services",
            "lecture",
            d + timedelta(days=1),
            (9, 30),
            (12, 0),
            shrdc,
        ),
        _s(
            "Technical tour: Bukchon IoT Living Lab",
            "technical_tour",
            d + timedelta(days=1),
            (14, 0),
            (17, 0),
            "Bukchon, Jongno-gu",
        ),
        _s(
            "Intelligent Transportation Systems",
            "lecture",
            d + timedelta(days=2),
            (9, 30),
            (12, 0),
            shrdc,
            "Seoul Transport Operation and Information Service",
        ),
        _s(
            "Technical tour: TOPIS",
            "technical_tour",
            d + timedelta(days=2),
            (14, 0),
            (16, 30),
            "TOPIS, Seoul City Hall",
        ),
        _s(
            "Cybersecurity for cities",
            "lecture",
            d + timedelta(days=3),
            (9, 30),
            (12, 0),
            shrdc,
        ),
        _s(
            "Technical tour: Seoul Data Center",
            "technical_tour",
            d + timedelta(days=3),
            (14, 0),
            (16, 30),
            "Seoul Data Center",
        ),
        _s(
            "Cultural visit: Bukchon Hanok Museum",
            "cultural_visit",
            d + timedelta(days=4),
            (14, 0),
            (17, 0),
            "Bukchon",
            counts=False,
        ),
        _s(
            "Participants' city presentations",
            "participant_presentation",
            d + timedelta(days=7),
            (9, 30),
            (17, 0),
            shrdc,
            required=True,
        ),
        _s(
            "Discussion: what each city takes home",
            "discussion",
            d + timedelta(days=8),
            (9, 30),
            (12, 0),
            shrdc,
        ),
        _s(
            "Technical tour: S-PLEXCENTER",
            "technical_tour",
            d + timedelta(days=8),
            (14, 0),
            (16, 30),
            "S-PLEXCENTER, Mapo-gu",
        ),
        _s(
            "Cultural visit: Han River cruise",
            "cultural_visit",
            d + timedelta(days=9),
            (18, 0),
            (20, 0),
            "Yeouido",
            counts=False,
        ),
        _s(
            "Closing and certificates",
            "discussion",
            d + timedelta(days=10),
            (10, 0),
            (12, 0),
            shrdc,
        ),
    ]
    fields = {
        "title": "Seoul Program 2016",
        "kind": "seoul_program",
        "edition": "2016",
        "summary": "Two weeks in Seoul on Big Data, the Internet of Things, intelligent "
        "transport and cybersecurity, with site visits and each city's own story.",
        "format": "in_person",
        "venue": "Seoul Human Resource Development Center, Seoul",
        "timezone": "Asia/Seoul",
        "starts_on": d,
        "ends_on": d + timedelta(days=10),
        "languages": "English",
        "capacity": 25,
        "enrolment_opens_at": _at(date(2016, 2, 1), 9),
        "enrolment_closes_at": _at(date(2016, 3, 31), 18),
        "promotion_cutoff_days": 30,
        "contact_email": "program@wego.example",
        "asks_motivation": True,
        "completion_min_share": 75,
    }
    return fields, sessions


def _jeju_2016():
    d = date(2016, 5, 24)
    venue = "International Convention Center Jeju"
    sessions = [
        _s(
            "Smart City stories from Korea and abroad",
            "lecture",
            d,
            (9, 30),
            (12, 30),
            venue,
        ),
        _s(
            "e-Government and Smart City: how they relate",
            "discussion",
            d,
            (14, 0),
            (17, 0),
            venue,
        ),
        _s(
            "Smart cities and the Sustainable Development Goals",
            "workshop",
            d + timedelta(days=1),
            (9, 30),
            (12, 30),
            venue,
            "Asian Development Bank",
        ),
        _s(
            "Jeju Forum for Peace and Prosperity",
            "lecture",
            d + timedelta(days=2),
            (9, 0),
            (18, 0),
            venue,
        ),
        _s(
            "Technical visit on Jeju Island",
            "technical_tour",
            d + timedelta(days=3),
            (9, 0),
            (13, 0),
            "Jeju",
        ),
    ]
    fields = {
        "title": "Jeju Workshop 2016",
        "kind": "jeju_workshop",
        "edition": "2016",
        "summary": "The first Jeju Workshop on Smart City, e-Government and the SDGs, "
        "with ADB and NIA's Global Academy, including the Jeju Forum.",
        "format": "in_person",
        "venue": "Jeju Island, Republic of Korea",
        "timezone": "Asia/Seoul",
        "starts_on": d,
        "ends_on": d + timedelta(days=3),
        "languages": "English",
        "capacity": 30,
        "enrolment_opens_at": _at(date(2016, 3, 1), 9),
        "enrolment_closes_at": _at(date(2016, 4, 30), 18),
        "contact_email": "program@wego.example",
    }
    return fields, sessions


def _egovframe(title: str, start: date, *, past: bool):
    centre = "eGovFrame Center, Seoul (or the participant's city)"
    sessions = []
    topics = [
        (
            "Architecture of the eGovFrame and its runtime environment",
            "Development environment and the common components",
        ),
        ("Data access with MyBatis", "The MVC layer with Spring MVC"),
        ("Building a sample e-Government service", "Testing and deployment"),
        ("Your city's project: design clinic", "Remote support and next steps"),
    ]
    for i, (morning, afternoon) in enumerate(topics):
        day = start + timedelta(days=i)
        sessions.append(
            _s(
                morning,
                "lecture",
                day,
                (9, 30),
                (12, 30),
                centre,
                "NIA eGovFrame Center",
            )
        )
        sessions.append(
            _s(
                afternoon,
                "workshop",
                day,
                (14, 0),
                (17, 30),
                centre,
                "NIA eGovFrame Center",
            )
        )
    now = timezone.now()
    fields = {
        "title": title,
        "kind": "egovframe_training",
        "edition": str(start.year),
        "summary": "A free four-day technical training on the WeGO eGovFrame for "
        "software developers of member cities, in their country or in Korea.",
        "format": "in_person",
        "venue": centre,
        "timezone": "Asia/Seoul",
        "starts_on": start,
        "ends_on": start + timedelta(days=3),
        "languages": "English",
        "capacity": 20,
        "enrolment_opens_at": _at(date(start.year, 1, 10), 9)
        if past
        else now - timedelta(days=7),
        "enrolment_closes_at": _at(start - timedelta(days=21), 18),
        "promotion_cutoff_days": 10,
        "offer_acceptance_hours": 72,
        "contact_email": "egovframe@wego.example",
        "asks_motivation": True,
        "asks_technical_experience": True,
        "asks_delivery_location": True,
        "asks_preferred_dates": True,
        "accepts_letter_of_intent": True,
        "completion_min_share": 75,
    }
    rules = [MEMBERS_ONLY, JAVA, ("capacity", {"waitlist": True})]
    return fields, sessions, rules


def _seoul_program_future(year: int):
    d = date(year, 5, 10)
    while d.weekday() != 0:
        d += timedelta(days=1)
    shrdc = "Seoul Human Resource Development Center"
    sessions = [
        _s(
            "Opening: Seoul's digital government today",
            "lecture",
            d,
            (9, 30),
            (12, 0),
            shrdc,
            required=True,
        ),
        _s("Data-driven city administration", "lecture", d, (14, 0), (17, 0), shrdc),
        _s(
            "AI in public services",
            "lecture",
            d + timedelta(days=1),
            (9, 30),
            (12, 0),
            shrdc,
        ),
        _s(
            "Technical tour: TOPIS",
            "technical_tour",
            d + timedelta(days=1),
            (14, 0),
            (16, 30),
            "TOPIS, Seoul City Hall",
        ),
        _s(
            "Participants' city presentations",
            "participant_presentation",
            d + timedelta(days=2),
            (9, 30),
            (17, 0),
            shrdc,
            required=True,
        ),
        _s(
            "Cultural visit: Han River cruise",
            "cultural_visit",
            d + timedelta(days=3),
            (18, 0),
            (20, 0),
            "Yeouido",
            counts=False,
        ),
        _s(
            "Discussion and closing",
            "discussion",
            d + timedelta(days=4),
            (9, 30),
            (12, 0),
            shrdc,
        ),
    ]
    now = timezone.now()
    fields = {
        "title": f"Seoul Program {year}",
        "kind": "seoul_program",
        "edition": str(year),
        "summary": "WeGO's yearly e-Government programme in Seoul: lectures, discussions, "
        "site visits and your own city's presentation.",
        "format": "in_person",
        "venue": "Seoul Human Resource Development Center, Seoul",
        "timezone": "Asia/Seoul",
        "starts_on": d,
        "ends_on": d + timedelta(days=4),
        "languages": "English",
        "capacity": 25,
        "enrolment_opens_at": now - timedelta(days=3),
        "enrolment_closes_at": _at(d - timedelta(days=60), 18),
        "promotion_cutoff_days": 45,
        "contact_email": "program@wego.example",
        "asks_motivation": True,
    }
    rules = [
        (
            "membership_tiers",
            {
                "tiers": [
                    MembershipTier.FULL,
                    MembershipTier.ASSOCIATE,
                    MembershipTier.FRIENDSHIP,
                ]
            },
        ),
        ("organisation_quota", {"max_per_organisation": 2}),
        ("approval_required", {"note": ""}),
    ]
    return fields, sessions, rules


def _chengdu_2015():
    d = date(2015, 7, 13)
    venue = "Chengdu, Sichuan"
    sessions = [
        _s(
            "Information security for city administrations",
            "lecture",
            d,
            (9, 0),
            (12, 0),
            venue,
            zone=CHENGDU,
        ),
        _s(
            "Privacy protection and e-Government",
            "lecture",
            d,
            (14, 0),
            (17, 0),
            venue,
            zone=CHENGDU,
        ),
        _s(
            "Chengdu's e-Government services",
            "technical_tour",
            d + timedelta(days=1),
            (9, 0),
            (12, 0),
            venue,
            zone=CHENGDU,
        ),
        _s(
            "Security incident workshop",
            "workshop",
            d + timedelta(days=1),
            (14, 0),
            (17, 0),
            venue,
            zone=CHENGDU,
        ),
        _s(
            "Round table: member and non-member cities",
            "discussion",
            d + timedelta(days=2),
            (9, 0),
            (12, 0),
            venue,
            zone=CHENGDU,
        ),
    ]
    fields = {
        "title": "Asia Regional Office e-Government Training 2015",
        "kind": "regional_session",
        "edition": "2015",
        "summary": "The Asia Regional Office's second course, focused on information "
        "security, open to member and non-member cities of the region.",
        "format": "in_person",
        "venue": venue,
        "timezone": "Asia/Shanghai",
        "starts_on": d,
        "ends_on": d + timedelta(days=2),
        "languages": "English, Chinese",
        "capacity": 30,
        "enrolment_opens_at": _at(date(2015, 5, 1), 9, zone=CHENGDU),
        "enrolment_closes_at": _at(date(2015, 6, 15), 18, zone=CHENGDU),
        "contact_email": "asia@wego.example",
    }
    return fields, sessions


def _upsert(
    parent, slug, fields, sessions, *, rules=(), topics=(), partners=(), trainers=()
):
    """Create or refresh one programme and its timetable, keeping session ids."""
    page = ProgrammePage.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = ProgrammePage(slug=slug, **fields)
        new = True
    else:
        page = page.get_latest_revision_as_object()
        for key, value in fields.items():
            setattr(page, key, value)
        new = False
    existing = list(page.sessions.all().order_by("sort_order", "pk")) if not new else []
    children = []
    for index, spec in enumerate(sessions):
        session = existing[index] if index < len(existing) else Session()
        for key, value in spec.items():
            setattr(session, key, value)
        session.sort_order = index
        children.append(session)
    page.sessions = children
    page.rules = list(rules)
    page.topics.set(list(topics))
    page.partners = list(Partner.objects.filter(short_name__in=partners))
    page.trainers = list(User.objects.filter(email__in=trainers))
    page.image = demo_skyline(
        f"{fields.get('title', slug)}: skyline",
        SKYLINE_COLOURS.get(
            getattr(parent, "office_kind", ""), SKYLINE_COLOURS["secretariat"]
        ),
        Collection.objects.filter(name=parent.title).first()
        or Collection.get_first_root_node(),
    )
    page.image_alt = f"Illustration: a city skyline for {fields.get('title', slug)}"
    if new:
        parent.add_child(instance=page)
    page_publish(page)
    return ProgrammePage.objects.get(pk=page.pk)


def _roster(programme: ProgrammePage, trainer: User) -> None:
    """The Seoul Program 2016 cohort: attendance recorded, most completed."""
    people = [
        ("dev.hanoi@wego.example", "all"),
        ("dev.quezon@wego.example", "all"),
        ("dev.ulaanbaatar@wego.example", "most"),
        ("dev.tashkent@wego.example", "all"),
        ("dev.pokhara@wego.example", "most"),
        ("dev.jakarta@wego.example", "all"),
        ("dev.addis@wego.example", "few"),
    ]
    sessions = list(programme.sessions.order_by("starts_at"))
    confirmed_at = datetime(2016, 4, 8, 9, 0, tzinfo=SEOUL)
    confirm = {
        "dev.hanoi@wego.example",
        "dev.quezon@wego.example",
        "dev.ulaanbaatar@wego.example",
        "dev.tashkent@wego.example",
        "dev.pokhara@wego.example",
    }
    for email, pattern in people:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        enrolment, _created = Enrolment.objects.get_or_create(
            programme=programme,
            user=user,
            defaults={
                "organisation": user.organisation,
                "organisation_name": user.organisation.name
                if user.organisation
                else "",
                "status": EnrolmentStatus.CONFIRMED,
                "confirmed_at": confirmed_at,
                "answers": {"motivation": "Bring Seoul's practice home to my city."},
            },
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(created_at=confirmed_at)
        for index, session in enumerate(sessions):
            if pattern == "few":
                status = "present" if index < 5 else "absent"
            elif pattern == "most":
                status = "absent" if index in (2, 10) else "present"
            else:
                status = "present"
            if not session.counts_toward_completion and pattern != "all":
                status = "absent"
            if not Attendance.objects.filter(
                session=session, enrolment=enrolment
            ).exists():
                attendance_mark(
                    session=session, enrolment=enrolment, status=status, actor=trainer
                )
        if email in confirm and not enrolment.completed_at:
            done = completion_confirm(enrolment=enrolment, actor=trainer)
            stamp = datetime(2016, 5, 19, 17, 0, tzinfo=SEOUL)
            Enrolment.objects.filter(pk=done.pk).update(completed_at=stamp)
    Attendance.objects.filter(session__programme=programme).update(
        marked_at=datetime(2016, 5, 19, 18, 0, tzinfo=SEOUL)
    )


def _support_slots(programme: ProgrammePage, host: User | None) -> None:
    """Remote technical-support slots in the two weeks after the training:
    one hour, one participant each, Seoul time, a video link for the booker."""
    wanted = []
    for week in (1, 2):
        for weekday in (0, 2):
            day = programme.ends_on + timedelta(days=7 * week - 3 + weekday)
            for hour in (10, 16):
                wanted.append(_at(day, hour))
    SupportSlot.objects.filter(programme=programme, bookings__isnull=True).exclude(
        starts_at__in=wanted
    ).delete()
    for number, start in enumerate(wanted, start=1):
        # Whatever a trainer published at that time counts (filter, never
        # get: any number of rows may be there, e.g. from before the unique
        # constraint, or one ending at another time).
        if SupportSlot.objects.filter(programme=programme, starts_at=start).exists():
            continue
        SupportSlot.objects.create(
            programme=programme,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            timezone="Asia/Seoul",
            capacity=1,
            host=host,
            video_link=f"https://meet.wego.example/egovframe-support-{number}",
            note="Questions on applying the eGovFrame in your city's project",
        )


def seed(command, options) -> None:
    home = HomePage.objects.first()
    if home is None:
        return
    if not ProgrammeIndexPage.objects.exists():
        index = ProgrammeIndexPage(
            title="Programmes",
            slug="programmes",
            intro="<p>Training programmes of the WeGO Secretariat and its regional "
            "offices: upcoming editions first, past ones below.</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    secretariat = RegionalOfficePage.objects.filter(slug="secretariat-seoul").first()
    asia = RegionalOfficePage.objects.filter(slug="asia-chengdu").first()
    if secretariat is None:
        return
    trainer = User.objects.filter(email="trainer@wego.example").first()
    trainer_emails = ["trainer@wego.example"]

    fields, sessions = _seoul_program_2016()
    seoul_2016 = _upsert(
        secretariat,
        "seoul-program-2016",
        fields,
        sessions,
        rules=[MEMBERS_ONLY, ("approval_required", {"note": ""})],
        topics=["Big Data", "IoT", "ITS", "Cybersecurity"],
        partners=["SHRDC"],
        trainers=trainer_emails,
    )
    fields, sessions = _jeju_2016()
    _upsert(
        secretariat,
        "jeju-workshop-2016",
        fields,
        sessions,
        rules=[("approval_required", {"note": ""})],
        topics=["Smart City", "e-Government", "SDGs"],
        partners=["ADB", "NIA"],
    )
    today = timezone.localdate()
    start = today + timedelta(days=45)
    while start.weekday() != 0:
        start += timedelta(days=1)
    fields, sessions, rules = _egovframe(
        "eGovFrame Technical Training", start, past=False
    )
    egovframe = _upsert(
        secretariat,
        "egovframe-technical-training",
        fields,
        sessions,
        rules=rules,
        topics=["eGovFrame", "Java", "Open source"],
        partners=["NIA"],
        trainers=trainer_emails,
    )
    fields, sessions, rules = _egovframe(
        "eGovFrame Technical Training 2016", date(2016, 10, 10), past=True
    )
    _upsert(
        secretariat,
        "egovframe-technical-training-2016",
        fields,
        sessions,
        rules=rules,
        topics=["eGovFrame", "Java", "Open source"],
        partners=["NIA"],
    )
    year = today.year + 1 if today.month >= 3 else today.year
    fields, sessions, rules = _seoul_program_future(year)
    _upsert(
        secretariat,
        f"seoul-program-{year}",
        fields,
        sessions,
        rules=rules,
        topics=["AI", "Big Data", "e-Government"],
        partners=["SHRDC"],
    )
    if asia is not None:
        fields, sessions = _chengdu_2015()
        _upsert(
            asia,
            "e-government-training-2015",
            fields,
            sessions,
            topics=["Information security", "e-Government"],
        )
    if trainer is not None:
        _roster(seoul_2016, trainer)
    _support_slots(egovframe, trainer)
