from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import Attendance
from courses.selectors import completed_enrolments, completion_status, user_can_train
from lms.errors import Conflict, DomainError, PermissionDenied
from tests.factories import UserFactory

from .factories import enrol, make_programme


@pytest.fixture
def course(office, trainer):
    programme = make_programme(office=office, sessions=4)
    programme.trainers.add(trainer)
    programme.save()
    return programme


def _confirmed(programme, at=None):
    enrolment = enrol(programme, UserFactory())
    enrolment.confirmed_at = at or timezone.now() - timedelta(days=30)
    enrolment.save()
    return enrolment


def test_only_trainers_and_secretariat_can_mark(course, trainer, staff_user):
    enrolment = _confirmed(course)
    session = course.sessions.first()
    assert user_can_train(user=trainer, programme=course)
    assert user_can_train(user=staff_user, programme=course)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            session=session, enrolment=enrolment, status="present", actor=enrolment.user
        )
    mark = services.attendance_mark(
        session=session, enrolment=enrolment, status="present", actor=trainer
    )
    again = services.attendance_mark(
        session=session, enrolment=enrolment, status="excused", actor=trainer
    )
    assert mark.pk == again.pk and again.status == "excused"


def test_who_may_train_is_one_question_whichever_way_in(
    course, office, trainer, django_assert_num_queries
):
    from django.contrib.auth.models import Group

    from lms.services import SECRETARIAT_GROUP

    secretariat = UserFactory()
    secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    other_programme = make_programme(office=office)
    elsewhere = UserFactory()
    other_programme.trainers.add(elsewhere)
    other_programme.save()  # a ParentalManyToManyField is written on save
    inactive = UserFactory(is_active=False)
    course.trainers.add(inactive)
    course.save()
    for user, may in (
        (trainer, True),
        (secretariat, True),
        (elsewhere, False),
        (UserFactory(), False),
    ):
        with django_assert_num_queries(1):
            assert user_can_train(user=user, programme=course) is may
    assert user_can_train(user=inactive, programme=course) is False
    assert user_can_train(user=elsewhere, programme=other_programme) is True


def test_marking_a_session_of_another_programme_is_refused(course, office, trainer):
    enrolment = _confirmed(course)
    other = make_programme(office=office)
    with pytest.raises(DomainError) as exc:
        services.attendance_mark(
            session=other.sessions.first(),
            enrolment=enrolment,
            status="present",
            actor=trainer,
        )
    assert exc.value.code == "wrong_programme"


def test_waitlisted_people_have_no_attendance(course, trainer):
    enrolment = enrol(course, UserFactory(), status="waitlisted", waitlist_position=1)
    with pytest.raises(Conflict):
        services.attendance_mark(
            session=course.sessions.first(),
            enrolment=enrolment,
            status="present",
            actor=trainer,
        )


def test_completion_reason_and_confirmation(course, trainer):
    enrolment = _confirmed(course)
    sessions = list(course.sessions.all())
    for session in sessions[:2]:
        services.attendance_mark(
            session=session, enrolment=enrolment, status="present", actor=trainer
        )
    status = completion_status(enrolment=enrolment)
    assert not status.eligible
    assert status.reason == "attended 2 of 4 counted sessions; needs 3"
    with pytest.raises(Conflict):
        services.completion_confirm(enrolment=enrolment, actor=trainer)
    services.attendance_mark(
        session=sessions[2], enrolment=enrolment, status="present", actor=trainer
    )
    done = services.completion_confirm(enrolment=enrolment, actor=trainer)
    assert done.completed_by == trainer
    assert list(completed_enrolments(programme=course)) == [done]
    services.completion_revoke(enrolment=done, actor=trainer, reason="typo")
    assert not completed_enrolments(programme=course).exists()


def test_excused_sessions_leave_the_count_and_required_ones_must_be_attended(
    course, trainer
):
    enrolment = _confirmed(course)
    sessions = list(course.sessions.all())
    sessions[3].required = True
    sessions[3].save()
    services.attendance_mark(
        session=sessions[0], enrolment=enrolment, status="excused", actor=trainer
    )
    for session in sessions[1:3]:
        services.attendance_mark(
            session=session, enrolment=enrolment, status="present", actor=trainer
        )
    status = completion_status(enrolment=enrolment)
    assert status.counted == 3 and status.needed == 3 and status.attended == 2
    assert status.missing_required == ["Session 4"]
    assert not status.eligible


def test_late_joiners_are_not_penalised_for_earlier_sessions(course, trainer):
    sessions = list(course.sessions.all())
    # Confirmed from the waitlist after the first two sessions had started.
    enrolment = _confirmed(course, at=sessions[1].starts_at + timedelta(minutes=5))
    for session in sessions[2:]:
        services.attendance_mark(
            session=session, enrolment=enrolment, status="present", actor=trainer
        )
    status = completion_status(enrolment=enrolment)
    assert (status.attended, status.counted) == (2, 2)
    assert status.eligible


def test_webinar_presence_marks_attendance_but_never_overrides_a_trainer(
    course, trainer
):
    enrolment = _confirmed(course)
    first, second = list(course.sessions.all())[:2]
    mark = services.attendance_record_presence(
        session=first, user=enrolment.user, minutes=50
    )
    assert (mark.status, mark.source, mark.minutes) == (
        "present",
        "webinar_presence",
        50,
    )
    short = services.attendance_record_presence(
        session=first, user=enrolment.user, minutes=20
    )
    assert short.status == "absent"
    services.attendance_mark(
        session=second, enrolment=enrolment, status="excused", actor=trainer
    )
    kept = services.attendance_record_presence(
        session=second, user=enrolment.user, minutes=90
    )
    assert kept.status == "excused" and kept.source == "trainer"
    assert (
        services.attendance_record_presence(
            session=first, user=UserFactory(), minutes=90
        )
        is None
    )
    assert Attendance.objects.count() == 2


def test_a_bulk_batch_writes_in_a_bounded_number_of_queries(
    course, trainer, django_assert_max_num_queries
):
    """1,000 rows took over 4 s on PostgreSQL: an update_or_create (savepoint,
    locking read, write) per row. Now the batch is one upsert statement."""
    people = [_confirmed(course) for _ in range(30)]
    sessions = list(course.sessions.all())
    rows = [
        {"session": s.pk, "participant": e.user_id, "status": "present"}
        for e in people
        for s in sessions
    ]
    with django_assert_max_num_queries(20):
        saved = services.attendance_bulk_upsert(
            programme=course, actor=trainer, rows=rows
        )
    assert len(saved) == 120
    assert Attendance.objects.filter(enrolment__programme=course).count() == 120
    # Sent again with other statuses: the same 120 rows, updated in place.
    for i, row in enumerate(rows):
        row["status"] = ("absent", "excused")[i % 2]
    with django_assert_max_num_queries(20):
        services.attendance_bulk_upsert(programme=course, actor=trainer, rows=rows)
    kept = Attendance.objects.filter(enrolment__programme=course)
    assert kept.count() == 120
    assert kept.filter(status="absent").count() == 60
    assert kept.filter(status="excused").count() == 60
    assert set(kept.values_list("marked_by", flat=True)) == {trainer.pk}


def test_a_cell_named_twice_in_one_batch_keeps_its_last_row(course, trainer):
    enrolment = _confirmed(course)
    first, second = list(course.sessions.all())[:2]
    other = Attendance.objects.create(
        session=second, enrolment=enrolment, status="excused", minutes=5
    )
    saved = services.attendance_bulk_upsert(
        programme=course,
        actor=trainer,
        rows=[
            {"session": first.pk, "participant": enrolment.user_id, "status": "absent"},
            {
                "session": first.pk,
                "participant": enrolment.user_id,
                "status": "present",
                "minutes": 80,
            },
        ],
    )
    assert len(saved) == 2
    mark = Attendance.objects.get(session=first, enrolment=enrolment)
    assert (mark.status, mark.minutes) == ("present", 80)
    # A cell the batch did not name is left as it was.
    other.refresh_from_db()
    assert (other.status, other.minutes) == ("excused", 5)
