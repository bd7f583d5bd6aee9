"""One way of showing a time: the zone is an argument, the label is that zone."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from lms import timefmt

# 09:30 in Seoul on Monday 18 January 2027 is 00:30 UTC.
LECTURE = dt.datetime(2027, 1, 18, 0, 30, tzinfo=dt.UTC)


def test_the_time_printed_is_the_labelled_zones_time():
    assert (
        timefmt.format_instant(LECTURE, "Asia/Seoul", language="en")
        == "18 January 2027, 09:30 (Asia/Seoul)"
    )
    assert (
        timefmt.format_instant(LECTURE, "UTC", style="time", language="en")
        == "00:30 (UTC)"
    )


def test_the_active_zone_does_not_change_what_is_printed():
    with timezone.override("America/New_York"):
        assert timefmt.format_instant(LECTURE, "Asia/Seoul", style="time") == (
            "09:30 (Asia/Seoul)"
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Monday 18 January 2027, 09:30–10:30 (Asia/Seoul)"),
        ("ko", "2027년 1월 18일 월요일 09:30–10:30 (Asia/Seoul)"),
        ("ru", "Понедельник, 18 января 2027 г., 09:30–10:30 (Asia/Seoul)"),
        ("es", "lunes, 18 de enero de 2027, 09:30–10:30 (Asia/Seoul)"),
        ("fr", "lundi 18 janvier 2027, 09:30–10:30 (Asia/Seoul)"),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(language, expected):
    end = LECTURE + dt.timedelta(hours=1)
    assert (
        timefmt.format_instant(
            LECTURE, "Asia/Seoul", style="weekday", end=end, language=language
        )
        == expected
    )


def test_korean_and_russian_dates_are_not_english_patterns_with_local_words():
    day = dt.date(2027, 1, 18)
    assert timefmt.format_date(day, language="ko") == "2027년 1월 18일"
    assert timefmt.format_date(day, language="ru") == "18 января 2027 г."
    assert "18 1월" not in timefmt.format_date(day, style="weekday", language="ko")


def test_a_range_over_midnight_repeats_the_date():
    start = dt.datetime(2027, 1, 18, 14, 0, tzinfo=dt.UTC)  # 23:00 in Seoul
    text = timefmt.format_instant(
        start, "Asia/Seoul", end=start + dt.timedelta(hours=2), language="en"
    )
    assert text == "18 January 2027, 23:00 – 19 January 2027, 01:00 (Asia/Seoul)"


def test_an_unknown_zone_is_printed_as_utc_not_an_error():
    assert timefmt.format_instant(LECTURE, "Mars/Olympus", style="time") == (
        "00:30 (UTC)"
    )


def test_the_tag_gives_a_time_element_on_pages_and_text_in_emails():
    source = '{% load timefmt %}{% when at "Asia/Seoul" style="time" viewer=mine %}'
    context = {"at": LECTURE, "mine": "Europe/Paris"}
    with translation.override("en"):
        html = Template(source).render(Context(context))
        text = Template(source).render(Context(context, autoescape=False))
    assert html.startswith(
        '<time datetime="2027-01-18T09:30:00+09:00">09:30 (Asia/Seoul)</time>'
    )
    assert "Mon 18 Jan, 01:30 (Europe/Paris), your time" in html
    assert "<time" not in text and text.startswith("09:30 (Asia/Seoul)")
    assert "01:30 (Europe/Paris) — your time" in text


def test_the_viewers_time_is_left_out_when_it_is_the_same():
    html = timefmt.instant_html(LECTURE, "Asia/Seoul", viewer="Asia/Tokyo")
    assert "viewer-time" not in html
