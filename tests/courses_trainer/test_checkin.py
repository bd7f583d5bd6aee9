from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from courses.models import Attendance, Session
from courses.trainer import checkin
from lms.errors import DomainError, PermissionDenied
from tests.courses.factories import enrol
from tests.factories import UserFactory

# 12:00:00 UTC is a window boundary (a multiple of ten minutes since the epoch).
BOUNDARY = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)


def test_code_is_six_unambiguous_characters_and_stable_within_a_window():
    first = checkin.checkin_code(session_id=7, at=BOUNDARY)
    later = checkin.checkin_code(session_id=7, at=BOUNDARY + timedelta(seconds=599))
    assert len(first.code) == 6
    assert set(first.code) <= set(checkin.ALPHABET)
    assert not set(first.code) & set("01IO")
    assert first.code == later.code
    assert first.rotates_at == BOUNDARY + timedelta(minutes=10)


def test_code_differs_per_session_and_per_window():
    code = checkin.checkin_code(session_id=7, at=BOUNDARY).code
    assert code != checkin.checkin_code(session_id=8, at=BOUNDARY).code
    assert (
        code
        != checkin.checkin_code(session_id=7, at=BOUNDARY - timedelta(seconds=1)).code
    )


def test_code_is_valid_in_its_window_and_the_next_one_only():
    code = checkin.checkin_code(session_id=7, at=BOUNDARY).code
    valid = checkin.checkin_code_is_valid
    assert valid(session_id=7, code=code, at=BOUNDARY)
    # previous window: the code rotated a moment ago
    assert valid(session_id=7, code=code, at=BOUNDARY + timedelta(minutes=10))
    assert valid(session_id=7, code=code, at=BOUNDARY + timedelta(seconds=1199))
    # expired: two windows later
    assert not valid(session_id=7, code=code, at=BOUNDARY + timedelta(minutes=20))
    # not valid before its own window
    assert not valid(session_id=7, code=code, at=BOUNDARY - timedelta(seconds=1))


def test_code_is_case_and_space_insensitive_but_wrong_codes_fail():
    code = checkin.checkin_code(session_id=7, at=BOUNDARY).code
    valid = checkin.checkin_code_is_valid
    assert valid(session_id=7, code=f" {code[:3].lower()} {code[3:]} ", at=BOUNDARY)
    assert not valid(session_id=8, code=code, at=BOUNDARY)
    assert not valid(session_id=7, code="", at=BOUNDARY)
    assert not valid(session_id=7, code=code[:5], at=BOUNDARY)
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    assert not valid(session_id=7, code=wrong, at=BOUNDARY)


def test_code_depends_on_the_secret_key(settings):
    code = checkin.checkin_code(session_id=7, at=BOUNDARY).code
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert checkin.checkin_code(session_id=7, at=BOUNDARY).code != code


def _session(programme, starts_at, minutes=90, kind="lecture"):
    return Session.objects.create(
        programme=programme,
        title="Lecture",
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )


def test_check_in_marks_the_participant_present_as_self_check_in(programme):
    session = _session(programme, BOUNDARY)
    enrolment = enrol(programme, UserFactory())
    at = BOUNDARY + timedelta(minutes=5)
    code = checkin.checkin_code(session_id=session.pk, at=at).code
    mark = checkin.checkin_record(
        session=session, user=enrolment.user, code=code, at=at
    )
    assert (mark.status, mark.source, mark.marked_by) == (
        "present",
        "self_check_in",
        enrolment.user,
    )
    again = checkin.checkin_record(
        session=session, user=enrolment.user, code=code, at=at
    )
    assert again.pk == mark.pk
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(minutes=-30, seconds=-1), False),
        (timedelta(minutes=-30), True),
        (timedelta(minutes=90), True),
        (timedelta(minutes=90, seconds=1), False),
    ],
)
def test_check_in_only_from_30_minutes_before_start_until_the_end(
    programme, offset, accepted
):
    session = _session(programme, BOUNDARY)
    enrolment = enrol(programme, UserFactory())
    at = BOUNDARY + offset
    code = checkin.checkin_code(session_id=session.pk, at=at).code
    if accepted:
        checkin.checkin_record(session=session, user=enrolment.user, code=code, at=at)
        assert Attendance.objects.filter(enrolment=enrolment).exists()
    else:
        with pytest.raises(DomainError) as exc:
            checkin.checkin_record(
                session=session, user=enrolment.user, code=code, at=at
            )
        assert exc.value.code == "checkin_closed"
        assert not Attendance.objects.exists()


def test_check_in_with_an_expired_code_is_refused(programme):
    session = _session(programme, BOUNDARY)
    enrolment = enrol(programme, UserFactory())
    old = checkin.checkin_code(
        session_id=session.pk, at=BOUNDARY - timedelta(minutes=25)
    )
    with pytest.raises(DomainError) as exc:
        checkin.checkin_record(
            session=session, user=enrolment.user, code=old.code, at=BOUNDARY
        )
    assert exc.value.code == "checkin_code_invalid"
    assert not Attendance.objects.exists()


def test_check_in_with_the_previous_windows_code_is_accepted(programme):
    session = _session(programme, BOUNDARY)
    enrolment = enrol(programme, UserFactory())
    shown = checkin.checkin_code(
        session_id=session.pk, at=BOUNDARY - timedelta(minutes=2)
    )
    checkin.checkin_record(
        session=session,
        user=enrolment.user,
        code=shown.code,
        at=BOUNDARY + timedelta(minutes=3),
    )
    assert Attendance.objects.get(enrolment=enrolment).status == "present"


def test_check_in_refuses_people_without_a_confirmed_seat(programme, caplog):
    session = _session(programme, BOUNDARY)
    waitlisted = enrol(
        programme, UserFactory(), status="waitlisted", waitlist_position=1
    )
    stranger = UserFactory()
    code = checkin.checkin_code(session_id=session.pk, at=BOUNDARY).code
    for user in (waitlisted.user, stranger):
        with pytest.raises(PermissionDenied):
            checkin.checkin_record(session=session, user=user, code=code, at=BOUNDARY)
    assert not Attendance.objects.exists()
    assert "self check-in refused" in caplog.text


def test_check_in_is_not_offered_for_webinar_sessions(programme):
    session = _session(programme, BOUNDARY, kind="webinar")
    enrolment = enrol(programme, UserFactory())
    code = checkin.checkin_code(session_id=session.pk, at=BOUNDARY).code
    with pytest.raises(DomainError) as exc:
        checkin.checkin_record(
            session=session, user=enrolment.user, code=code, at=BOUNDARY
        )
    assert exc.value.code == "checkin_not_in_person"


def test_repeated_wrong_codes_lock_check_in_for_that_person(programme):
    session = _session(programme, BOUNDARY)
    enrolment = enrol(programme, UserFactory())
    code = checkin.checkin_code(session_id=session.pk, at=BOUNDARY).code
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for _ in range(checkin.MAX_WRONG_CODES):
        with pytest.raises(DomainError):
            checkin.checkin_record(
                session=session, user=enrolment.user, code=wrong, at=BOUNDARY
            )
    with pytest.raises(PermissionDenied) as exc:
        checkin.checkin_record(
            session=session, user=enrolment.user, code=code, at=BOUNDARY
        )
    assert exc.value.code == "checkin_locked"


def test_check_in_page_needs_a_login(client, live_session):
    url = reverse("courses_trainer_site:checkin", args=[live_session.pk]) + "?code=ABC"
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_check_in_page_fills_the_code_from_the_qr_link_and_marks_present(
    client, live_session
):
    enrolment = enrol(live_session.programme, UserFactory())
    client.force_login(enrolment.user)
    code = checkin.checkin_code(session_id=live_session.pk).code
    url = reverse("courses_trainer_site:checkin", args=[live_session.pk])
    page = client.get(url + f"?code={code}")
    assert page.status_code == 200
    assert f'value="{code}"' in page.content.decode()
    assert not Attendance.objects.exists()  # GET changes nothing
    done = client.post(url, {"code": code})
    assert done.status_code == 200
    assert "You are checked in" in done.content.decode()
    mark = Attendance.objects.get(enrolment=enrolment, session=live_session)
    assert mark.source == "self_check_in"


def test_check_in_page_shows_the_error_for_a_wrong_code(client, live_session):
    enrolment = enrol(live_session.programme, UserFactory())
    client.force_login(enrolment.user)
    code = checkin.checkin_code(session_id=live_session.pk).code
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    url = reverse("courses_trainer_site:checkin", args=[live_session.pk])
    response = client.post(url, {"code": wrong})
    assert response.status_code == 400
    assert "wrong or has expired" in response.content.decode()
    assert not Attendance.objects.exists()
