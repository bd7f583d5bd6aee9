"""Every time a person reads is the labelled zone's time (issue 15, item 1).

The timetable and the support-slot list printed UTC under an "Asia/Seoul"
heading: "Time (Asia/Seoul) 00:30" for a 09:30 KST lecture.
"""

import datetime as dt
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from icalendar import Calendar

from courses import services
from courses.calendar import programme_ics
from courses.models import Session, SupportSlot

from .factories import enrol, make_programme

# 09:30–11:00 in Seoul on Monday 18 January 2027 (00:30–02:00 UTC).
LECTURE = dt.datetime(2027, 1, 18, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def seoul(office):
    programme = make_programme(
        office=office,
        sessions=0,
        starts_on=dt.date(2027, 1, 18),
        ends_on=dt.date(2027, 1, 22),
        timezone="Asia/Seoul",
    )
    Session.objects.create(
        programme=programme,
        title="Opening lecture",
        starts_at=LECTURE,
        ends_at=LECTURE + dt.timedelta(minutes=90),
        location="Seoul",
    )
    programme.save_revision().publish()
    programme.refresh_from_db()
    return programme


def _timetable(html: str):
    soup = BeautifulSoup(html, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "timetable-heading"})
    table = section.find("table")
    headings = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    cells = [td.get_text(" ", strip=True) for td in table.tbody.tr.find_all("td")]
    return section.find("h3").get_text(strip=True), dict(
        zip(headings, cells, strict=True)
    )


def test_the_timetable_prints_0930_beside_the_asia_seoul_label(client, seoul):
    day, row = _timetable(client.get(seoul.url).content.decode())
    assert row["Time (Asia/Seoul)"] == "09:30–11:00"
    assert day == "Monday 18 January 2027"


@pytest.mark.parametrize(
    ("language", "heading", "day"),
    [
        ("ko", "시간 (Asia/Seoul)", "2027년 1월 18일 월요일"),
        ("ru", "Время (Asia/Seoul)", "Понедельник, 18 января 2027 г."),
    ],
)
def test_the_timetable_dates_are_written_in_the_visitors_language(
    client, seoul, language, heading, day
):
    from django.utils import translation

    with translation.override(language):
        expected_heading = f"{translation.gettext('Time')} (Asia/Seoul)"
    html = client.get(f"/{language}{seoul.url}").content.decode()
    printed_day, row = _timetable(html)
    assert printed_day == day
    assert row[expected_heading] == "09:30–11:00"


def test_the_viewers_own_time_is_beside_the_programmes(client, seoul, member):
    member.timezone = "Europe/Paris"
    member.save()
    client.force_login(member)
    _day, row = _timetable(client.get(seoul.url).content.decode())
    assert row["Time (Asia/Seoul)"] == "09:30–11:00"
    assert row["Your time (Europe/Paris)"] == "Mon 18 Jan, 01:30–03:00"


def test_support_slots_are_listed_in_their_zones_time(client, seoul, member):
    member.timezone = "Africa/Nairobi"
    member.save()
    enrol(seoul, member)
    SupportSlot.objects.create(
        programme=seoul,
        starts_at=LECTURE + dt.timedelta(days=7),
        ends_at=LECTURE + dt.timedelta(days=7, hours=1),
        timezone="Asia/Seoul",
    )
    client.force_login(member)
    soup = BeautifulSoup(client.get(seoul.url).content.decode(), "html.parser")
    row = soup.find(id="support").find("tbody").tr
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[0] == "Monday 25 January 2027, 09:30–10:30 (Asia/Seoul)"
    assert cells[1] == "Mon 25 Jan, 03:30–04:30"
    assert row.find("button").get_text(strip=True) == "Book Mon 25 Jan, 09:30"


def test_the_support_booking_email_gives_the_slots_and_the_readers_time(
    seoul, member, django_capture_on_commit_callbacks
):
    member.timezone = "Africa/Nairobi"
    member.save()
    enrol(seoul, member)
    slot = SupportSlot.objects.create(
        programme=seoul,
        starts_at=LECTURE + dt.timedelta(days=7),
        ends_at=LECTURE + dt.timedelta(days=7, hours=1),
        timezone="Asia/Seoul",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.support_slot_book(slot=slot, user=member)
    body = mail.outbox[-1].body
    assert "Monday 25 January 2027, 09:30–10:30 (Asia/Seoul)" in body
    assert "Monday 25 January 2027, 03:30–04:30 (Africa/Nairobi)" in body


def test_the_ics_description_names_the_zone_of_its_time(seoul):
    event = Calendar.from_ical(programme_ics(seoul)).walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Asia/Seoul"
    assert "18 January 2027, 09:30–11:00 (Asia/Seoul)" in str(event["description"])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_the_learning_record_pdf_prints_webinar_times_in_their_zone(db):
    from certificates.pdf import render_transcript_pdf
    from tests.webinars.factories import office_page, webinar_page

    webinar = webinar_page(office_page(), slug="w", title="Open data")
    from tests.factories import UserFactory

    record = {
        "programmes": [],
        "webinar_rows": [{"webinar": webinar, "certificate": None}],
        "certificates": [],
    }
    pdf = render_transcript_pdf(user=UserFactory(), record=record)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    local = webinar.starts_at.astimezone(webinar.tzinfo)
    assert f"{local:%H:%M} ({webinar.timezone})" in " ".join(text.split())
