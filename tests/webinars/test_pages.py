"""The human pages, used without JavaScript: plain forms, CSRF, redirects."""

import datetime

import pytest
from django.test import Client
from icalendar import Calendar

from tests.webinars.factories import webinar_page
from webinars.models import Question, Registration, Vote, WebinarIndexPage

pytestmark = pytest.mark.django_db


def live_url(webinar):
    return webinar.url + "live/"


def test_the_no_js_flow_register_ask_vote_moderate(client, webinar, stranger, host):
    client.force_login(stranger)
    response = client.post(webinar.url + "register/")
    assert response.status_code == 302
    assert Registration.objects.filter(webinar=webinar, user=stranger).exists()

    response = client.post(
        live_url(webinar) + "ask/", {"text": "<script>x()</script> ok?"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/live/")
    question = Question.objects.get()
    page = client.get(live_url(webinar)).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt; ok?" in page
    assert "<script>x()" not in page
    assert 'href="https://stream.example/live"' in page

    client.post(
        live_url(webinar) + "vote/", {"question": question.pk, "action": "vote"}
    )
    assert Vote.objects.filter(question=question, user=stranger).exists()
    assert "Remove my vote" in client.get(live_url(webinar)).content.decode()
    client.post(
        live_url(webinar) + "vote/", {"question": question.pk, "action": "unvote"}
    )
    assert not Vote.objects.exists()

    # An attendee's moderation attempt changes nothing and says why.
    response = client.post(
        live_url(webinar) + "moderate/",
        {"question": question.pk, "action": "hide"},
        follow=True,
    )
    assert "Only the webinar" in response.content.decode()
    question.refresh_from_db()
    assert question.status == "visible"

    moderator = Client()
    moderator.force_login(host)
    moderator.post(
        live_url(webinar) + "moderate/", {"question": question.pk, "action": "hide"}
    )
    question.refresh_from_db()
    assert question.status == "hidden"
    assert "ok?" not in client.get(live_url(webinar)).content.decode()
    assert "ok?" in moderator.get(live_url(webinar)).content.decode()


def test_forms_are_csrf_protected(webinar, attendee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(attendee)
    response = client.post(live_url(webinar) + "ask/", {"text": "No token"})
    assert response.status_code == 403
    assert not Question.objects.exists()


def test_form_errors_are_shown_as_messages(client, webinar, attendee):
    client.force_login(attendee)
    response = client.post(live_url(webinar) + "ask/", {"text": "x" * 501}, follow=True)
    assert "at most 500 characters" in response.content.decode()
    assert not Question.objects.exists()


def test_stream_link_is_only_for_registered_attendees_while_live(
    client, office, webinar, stranger, attendee
):
    client.force_login(stranger)
    assert "stream.example" not in client.get(live_url(webinar)).content.decode()
    client.force_login(attendee)
    assert "stream.example" in client.get(live_url(webinar)).content.decode()
    later = webinar_page(office, slug="later", starts_in=datetime.timedelta(days=2))
    Registration.objects.create(webinar=later, user=attendee)
    assert "stream.example" not in client.get(live_url(later)).content.decode()


def test_live_page_readable_anonymously_and_not_cached(client, webinar, attendee):
    from webinars import services

    services.question_ask(webinar=webinar, user=attendee, text="Public question")
    response = client.get(live_url(webinar))
    assert response.status_code == 200
    assert "Public question" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Sign in to register" in response.content.decode()


def test_live_page_has_no_inline_script_and_loads_qa_js(client, webinar, attendee):
    client.force_login(attendee)
    html = client.get(live_url(webinar)).content.decode()
    assert "webinars/qa.js" in html
    assert 'style="' not in html
    assert 'id="qa-strings" type="application/json"' in html


def test_presenter_view_is_for_moderators(client, webinar, attendee, host):
    from webinars import services

    question = services.question_ask(webinar=webinar, user=attendee, text="Pin me")
    services.question_moderate(
        webinar=webinar, question_id=question.pk, user=host, action="pin"
    )
    client.force_login(attendee)
    assert client.get(webinar.url + "present/").status_code == 404
    client.force_login(host)
    html = client.get(webinar.url + "present/").content.decode()
    assert "qa-pinned-box" in html and "Pin me" in html


def test_moderators_lock_asking_and_turn_on_premoderation(client, webinar, host):
    client.force_login(host)
    client.post(live_url(webinar) + "settings/", {"premoderation": "on"})
    webinar.refresh_from_db()
    assert webinar.premoderation and not webinar.asking_open


def test_polls_by_form(client, webinar, host, attendee):
    client.force_login(host)
    client.post(
        live_url(webinar) + "polls/",
        {"action": "create", "question": "Which first?", "options": "Water\nClinics"},
    )
    poll = webinar.polls.get()
    option = poll.options.first()
    voter = Client()
    voter.force_login(attendee)
    voter.post(live_url(webinar) + "polls/", {"poll": poll.pk, "option": option.pk})
    html = voter.get(live_url(webinar)).content.decode()
    assert "Which first?" in html and "1 vote" in html


def test_ics_gives_the_webinar_in_utc(client, webinar):
    response = client.get(f"/webinars/{webinar.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["summary"]) == webinar.title
    assert (
        event["dtstart"].dt == webinar.starts_at.replace(microsecond=0)
        or event["dtstart"].dt == webinar.starts_at
    )
    assert event["dtstart"].dt.utcoffset() == datetime.timedelta(0)


def test_overview_shows_times_with_their_zone(client, webinar):
    import zoneinfo

    html = client.get(webinar.url).content.decode()
    local = webinar.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Ulyanovsk"))
    utc = webinar.starts_at.astimezone(datetime.UTC)
    # The digits printed beside each label are that zone's wall-clock time.
    assert f"{local:%H:%M} (Europe/Ulyanovsk)" in html
    assert f"{utc:%H:%M} (UTC)" in html


def test_index_and_home_and_office_sections(client, office, webinar):
    from cms.models import HomePage

    home = HomePage.objects.get()
    index = WebinarIndexPage(title="Webinars", slug="webinars")
    home.add_child(instance=index)
    soon = webinar_page(office, slug="soon", starts_in=datetime.timedelta(days=1))
    past = webinar_page(
        office,
        slug="past",
        starts_in=datetime.timedelta(days=-100),
        recording_url="https://recordings.example/past",
    )
    html = client.get("/webinars/").content.decode()
    assert webinar.title in html and soon.title in html
    assert "https://recordings.example/past" in html
    home_html = client.get("/").content.decode()
    assert webinar.title in home_html and past.title not in home_html
    office_html = client.get(office.url).content.decode()
    assert past.title in office_html and soon.title in office_html
