"""Demo webinars: Ulyanovsk's open data, the World Bank Institute's Smart Cities
series, Solution Meets Cities, and one webinar that is live whenever the demo
is seeded (its start is re-set relative to now on every run)."""

import datetime

from django.utils import timezone

from cms.demo import _child, ensure_home
from cms.models import Partner, RegionalOfficePage
from courses.models import ProgrammePage
from lms.demo import page_publish
from lms.models import User

from .models import (
    Question,
    QuestionStatus,
    Registration,
    Series,
    Vote,
    WebinarIndexPage,
    WebinarPage,
)
from .selectors import question_state
from .services.base import _record

LIVE_SLUG = "digital-services-live-qa"

LIVE_QUESTIONS = [
    (
        "dev.hanoi@wego.example",
        "How did Seoul move paper permits online without leaving older citizens behind?",
        False,
        [
            "official.nairobi@wego.example",
            "dev.quezon@wego.example",
            "dev.pokhara@wego.example",
        ],
    ),
    (
        "official.nairobi@wego.example",
        "Which open data sets should a city publish first if its budget is small?",
        True,
        ["dev.hanoi@wego.example", "dev.addis@wego.example"],
    ),
    (
        "dev.quezon@wego.example",
        "Can the CeDS self-assessment results be compared between cities of different sizes?",
        False,
        ["dev.tashkent@wego.example"],
    ),
]


def _at_hour(delta: datetime.timedelta) -> datetime.datetime:
    return (timezone.now() + delta).replace(minute=0, second=0, microsecond=0)


def _webinar(office, slug: str, **fields) -> WebinarPage:
    return _child(office, WebinarPage, slug, **fields)


def seed(command, options) -> None:
    home = ensure_home()
    _child(
        home,
        WebinarIndexPage,
        "webinars",
        title="Webinars",
        intro="Live sessions from WeGO's offices and partners: join, ask questions, or watch the recordings.",
    )
    wbi = Partner.objects.filter(name="World Bank Institute").first()
    smart, _ = Series.objects.update_or_create(
        name="Smart Cities",
        defaults={
            "partner": wbi,
            "description": "A webinar series with the World Bank Institute on how cities use data and self-assessment to plan e-Government.",
        },
    )
    smc, _ = Series.objects.update_or_create(
        name="Solution Meets Cities",
        defaults={
            "description": "Companies and member cities meet to discuss solutions to concrete city problems."
        },
    )
    ulyanovsk = RegionalOfficePage.objects.get(slug="eurasia-ulyanovsk")
    seoul = RegionalOfficePage.objects.get(slug="secretariat-seoul")

    _webinar(
        ulyanovsk,
        "open-data-utilities-healthcare",
        title="Open data for public utilities and healthcare",
        speakers="Eurasia Regional Office, Ulyanovsk Region\nUlyanovsk Region Ministry of Digital Economy",
        description="<p>How the Ulyanovsk Region publishes data on water, heating and clinics, and how residents and companies reuse it.</p>",
        starts_at=_at_hour(datetime.timedelta(days=9)),
        duration_minutes=90,
        timezone="Europe/Ulyanovsk",
        languages="Russian, English",
        stream_url="https://stream.example/eurasia-open-data",
    )
    _webinar(
        seoul,
        "analytics-in-city-management",
        title="Analytics in city management",
        series=smart,
        speakers="World Bank Institute, urban sector\nWeGO Secretariat",
        description="<p>Using data analysis to set priorities and follow results in city administration.</p>",
        starts_at=datetime.datetime(2015, 6, 16, 7, 0, tzinfo=datetime.UTC),
        duration_minutes=60,
        timezone="Asia/Seoul",
        languages="English",
        recording_url="https://recordings.example/smart-cities/analytics-in-city-management",
    )
    _webinar(
        seoul,
        "using-the-ceds-self-assessment-tool",
        title="Using the CeDS self-assessment tool",
        series=smart,
        speakers="WeGO Secretariat\nWorld Bank Institute",
        description="<p>A walk through the City e-Government Diagnostic and Solution platform: how a city rates the maturity of its e-Government, finds its gaps and turns them into action items.</p>",
        starts_at=datetime.datetime(2016, 3, 22, 7, 0, tzinfo=datetime.UTC),
        duration_minutes=75,
        timezone="Asia/Seoul",
        languages="English",
        recording_url="https://recordings.example/smart-cities/using-ceds",
    )
    _webinar(
        seoul,
        "solution-meets-cities-smart-parking",
        title="Solution Meets Cities: smart parking",
        series=smc,
        speakers="Korea Smart City Solutions Co.\nWeGO Secretariat",
        description="<p>Member cities describe their parking problems; solution providers answer with what has worked elsewhere.</p>",
        starts_at=_at_hour(datetime.timedelta(days=23)),
        duration_minutes=60,
        timezone="Asia/Seoul",
        languages="English, Korean",
        stream_url="https://stream.example/solution-meets-cities",
    )
    # The live webinar counts as the first session of the eGovFrame technical
    # training (courses' demo): a trainer sees its attendees' minutes in that
    # session's attendance while the webinar runs.
    egovframe = ProgrammePage.objects.filter(
        slug="egovframe-technical-training"
    ).first()
    session = (
        egovframe.sessions.order_by("starts_at", "pk").first() if egovframe else None
    )
    live = _webinar(
        seoul,
        LIVE_SLUG,
        programme_session=session,
        title="Digital services for citizens: live Q&A",
        series=smart,
        speakers="Eunbyul Cho, WeGO Secretariat\nMinho Kim, e-Government trainer",
        description="<p>An open question-and-answer session on moving city services online. Ask your questions and vote for the ones you want answered first.</p>",
        starts_at=timezone.now().replace(microsecond=0)
        - datetime.timedelta(minutes=10),
        duration_minutes=120,
        timezone="Asia/Seoul",
        languages="English",
        stream_url="https://stream.example/wego-live",
    )
    trainer = User.objects.filter(email="trainer@wego.example").first()
    if trainer:
        live.hosts.add(trainer)
        page_publish(live)

    people = {u.email: u for u in User.objects.filter(email__endswith="@wego.example")}
    for email in ("dev.hanoi@wego.example", "official.nairobi@wego.example"):
        if email in people:
            Registration.objects.get_or_create(
                webinar=live,
                user=people[email],
                defaults={"confirmation_sent_at": timezone.now()},
            )
    for email, text, anonymous, voters in LIVE_QUESTIONS:
        author = people.get(email)
        if author is None:
            continue
        Registration.objects.get_or_create(
            webinar=live, user=author, defaults={"confirmation_sent_at": timezone.now()}
        )
        # Anyone may have asked the same words in the live room: the demo's
        # own question is the oldest of them (``filter``, never ``get``).
        question = (
            Question.objects.filter(webinar=live, text=text).order_by("pk").first()
        )
        created = question is None
        if created:
            question = Question.objects.create(
                webinar=live,
                text=text,
                author=author,
                anonymous=anonymous,
                status=QuestionStatus.VISIBLE,
            )
        if not created:
            continue
        for voter_email in voters:
            voter = people.get(voter_email)
            if voter is None:
                continue
            Registration.objects.get_or_create(
                webinar=live,
                user=voter,
                defaults={"confirmation_sent_at": timezone.now()},
            )
            Vote.objects.get_or_create(question=question, user=voter)
        question.votes = question.vote_set.count()
        question.save(update_fields=["votes"])
        _record(live.pk, "question.created", question_state(question))
