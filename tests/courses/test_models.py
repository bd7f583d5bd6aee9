import pytest
from django.db import IntegrityError

from courses.models import Enrolment
from tests.factories import UserFactory

from .factories import enrol


def test_a_person_can_hold_only_one_enrolment_per_programme(programme):
    user = UserFactory()
    enrol(programme, user)
    with pytest.raises(IntegrityError):
        enrol(programme, user, status="waitlisted", waitlist_position=1)


def test_a_waitlist_position_exists_only_on_the_waitlist(programme):
    with pytest.raises(IntegrityError):
        Enrolment.objects.create(
            programme=programme,
            user=UserFactory(),
            status="confirmed",
            waitlist_position=3,
        )


def test_programme_counts_seats_held_by_confirmed_and_offered(programme):
    enrol(programme, UserFactory())
    enrol(programme, UserFactory(), status="offered")
    enrol(programme, UserFactory(), status="waitlisted", waitlist_position=1)
    assert programme.seats_taken() == 2
    assert programme.seats_left() == 28
    assert programme.office.slug == "secretariat-seoul"
