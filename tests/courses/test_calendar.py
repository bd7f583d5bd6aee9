from icalendar import Calendar

from .factories import enrol


def _parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_programme_calendar_is_valid_ics_with_time_zone(client, programme):
    cal = _parse(client.get(f"/programmes/{programme.pk}/calendar.ics"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2
    start = events[0].decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Seoul"
    assert start == programme.sessions.order_by("starts_at").first().starts_at
    zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["Asia/Seoul"]
    assert events[0].get("dtstart").params["TZID"] == "Asia/Seoul"


def test_private_feed_has_only_confirmed_sessions(client, office, member):
    from .factories import make_programme

    mine = make_programme(office=office, title="Mine")
    waiting = make_programme(office=office, title="Waiting")
    enrol(mine, member)
    enrol(waiting, member, status="waitlisted", waitlist_position=1)
    cal = _parse(client.get(f"/calendar/{member.calendar_token}.ics"))
    summaries = {str(e["SUMMARY"]).split(":")[0] for e in cal.walk("VEVENT")}
    assert summaries == {"Mine"}
    assert client.get("/calendar/not-a-token.ics").status_code == 404
