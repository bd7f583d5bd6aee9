"""Seat allocation under real concurrency (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from courses import services
from courses.models import Enrolment, ProgrammePage
from lms.errors import Conflict
from tests.factories import UserFactory

from .factories import give_skill, make_programme, site_tree

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


# The shared server allows ~100 connections; threads queue for one of these.
CONNECTIONS = threading.BoundedSemaphore(30)


def _run(workers):
    errors = []
    barrier = threading.Barrier(len(workers))

    def wrap(fn):
        def run():
            barrier.wait()
            with CONNECTIONS:
                try:
                    fn()
                except Exception as exc:  # noqa: BLE001 - collected for the assertion
                    errors.append(exc)
                finally:
                    connection.close()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_hundred_concurrent_applicants_never_overbook_thirty_seats():
    programme = make_programme(office=site_tree()[1], capacity=30)
    users = [give_skill(UserFactory()) for _ in range(110)]

    def applicant(user):
        def apply():
            # A client told "busy" retries after Retry-After, as the API asks.
            for _attempt in range(10):
                try:
                    return services.enrolment_apply(
                        programme=ProgrammePage.objects.get(pk=programme.pk),
                        user=user,
                        answers={},
                    )
                except services.Busy:
                    continue
            raise AssertionError("still busy after 10 attempts")

        return apply

    errors = _run([applicant(u) for u in users])
    assert errors == []
    statuses = list(programme.enrolments.values_list("status", flat=True))
    assert statuses.count("confirmed") == 30
    assert statuses.count("waitlisted") == 80
    positions = sorted(
        programme.enrolments.filter(status="waitlisted").values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, 81))


def test_same_user_double_submit_creates_one_enrolment():
    programme = make_programme(office=site_tree()[1], capacity=30)
    user = give_skill(UserFactory())

    def submit():
        services.enrolment_apply(
            programme=ProgrammePage.objects.get(pk=programme.pk), user=user, answers={}
        )

    errors = _run([submit for _ in range(20)])
    assert Enrolment.objects.filter(user=user).count() == 1
    assert len(errors) == 19
    assert all(isinstance(e, Conflict) and e.code == "already_enrolled" for e in errors)


def test_concurrent_withdrawals_give_freed_seats_to_the_waitlist_only():
    programme = make_programme(office=site_tree()[1], capacity=10)
    seated = [
        services.enrolment_apply(
            programme=programme, user=give_skill(UserFactory()), answers={}
        )
        for _ in range(10)
    ]
    waiting = [
        services.enrolment_apply(
            programme=programme, user=give_skill(UserFactory()), answers={}
        )
        for _ in range(10)
    ]
    newcomers = [give_skill(UserFactory()) for _ in range(20)]
    work = [
        (lambda e=e: services.enrolment_withdraw(enrolment=e, actor=e.user))
        for e in seated[:5]
    ] + [
        (
            lambda u=u: services.enrolment_apply(
                programme=ProgrammePage.objects.get(pk=programme.pk), user=u, answers={}
            )
        )
        for u in newcomers
    ]
    assert _run(work) == []
    offered = set(
        programme.enrolments.filter(status="offered").values_list("pk", flat=True)
    )
    assert offered == {e.pk for e in waiting[:5]}
    assert (
        programme.enrolments.filter(status__in=["confirmed", "offered"]).count() == 10
    )
    positions = sorted(
        programme.enrolments.filter(status="waitlisted").values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, 26))


def test_a_held_seat_lock_gives_503_with_retry_after_not_500():
    programme = make_programme(office=site_tree()[1], capacity=30)
    user = give_skill(UserFactory())
    locked = threading.Event()
    release = threading.Event()

    def holder():
        with connections["default"].cursor():
            pass
        with transaction.atomic():
            services.lock_programme(programme.pk)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    locked.wait(10)
    try:
        api = APIClient()
        api.force_authenticate(user)
        response = api.post(
            f"/api/v1/programmes/{programme.pk}/enrolments/", {}, format="json"
        )
    finally:
        release.set()
        thread.join()
    assert response.status_code == 503
    assert response["Retry-After"] == "3"
    assert response.json()["code"] == "busy"
    assert not Enrolment.objects.exists()
