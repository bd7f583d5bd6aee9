"""The same support slot cannot be published twice (issue 15, item 9).

36 identical publishes made 36 slots, after which ``seed_demo`` failed with
MultipleObjectsReturned and ``make run`` (which always seeds) could not start.
"""

import datetime as dt
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from courses import demo
from courses.models import SupportBooking, SupportSlot

from .factories import enrol, make_programme, site_tree

BODY = {
    "starts_at": "2027-03-08T10:00:00+09:00",
    "ends_at": "2027-03-08T11:00:00+09:00",
    "timezone": "Asia/Seoul",
    "capacity": 1,
    "video_link": "https://meet.wego.example/support-1",
    "note": "",
}


@pytest.fixture
def trainer_of(programme, trainer):
    programme.trainers.add(trainer)
    programme.save()
    return trainer


def test_publishing_the_same_slot_again_is_a_409_naming_it(programme, trainer_of):
    api = APIClient()
    api.force_authenticate(trainer_of)
    url = f"/api/v1/programmes/{programme.pk}/support-slots/"
    assert api.post(url, BODY, format="json").status_code == 201
    again = api.post(url, BODY, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_slot"
    assert "8 March 2027, 10:00–11:00 (Asia/Seoul)" in again.json()["detail"]
    assert SupportSlot.objects.filter(programme=programme).count() == 1
    # Another time, or the same time for another length, is another slot.
    later = {**BODY, "ends_at": "2027-03-08T12:00:00+09:00"}
    assert api.post(url, later, format="json").status_code == 201


def test_the_manage_form_says_so_beside_what_was_typed(client, programme, trainer_of):
    client.force_login(trainer_of)
    url = f"/programmes/{programme.pk}/support-slots/"
    form = {
        "starts_at": "2027-03-08T10:00",
        "minutes": 60,
        "timezone": "Asia/Seoul",
        "capacity": 1,
        "video_link": "",
        "note": "",
    }
    assert client.post(url, form).status_code == 302
    response = client.post(url, form)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    error = soup.select_one("form .errorlist")
    assert error is not None
    assert "already has a slot at" in error.get_text()
    assert soup.select_one("input[name=starts_at]")["value"] == "2027-03-08T10:00"
    assert SupportSlot.objects.filter(programme=programme).count() == 1


def test_the_database_refuses_a_second_identical_slot(programme):
    start = timezone.now() + timedelta(days=70)
    fields = {
        "programme": programme,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    SupportSlot.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportSlot.objects.create(**fields)


def test_demo_slots_are_seeded_beside_whatever_is_there(programme):
    """Seeding twice, and over slots a trainer published at the demo's times
    (one of them ending later), keeps one slot per time and never fails."""
    demo._support_slots(programme, None)
    first = SupportSlot.objects.filter(programme=programme).order_by("starts_at")[0]
    SupportSlot.objects.create(
        programme=programme,
        starts_at=first.starts_at,
        ends_at=first.ends_at + timedelta(hours=1),
    )
    demo._support_slots(programme, None)
    demo._support_slots(programme, None)
    starts = list(
        SupportSlot.objects.filter(programme=programme).values_list(
            "starts_at", flat=True
        )
    )
    assert len(starts) == 9 and len(set(starts)) == 8


@pytest.mark.postgres
def test_the_migration_merges_existing_duplicates_keeping_the_bookings(member):
    """Rows from before the constraint: the oldest slot stays, with the copies'
    bookings and enough places for everyone booked."""
    import importlib

    from django.apps import apps

    from tests.factories import UserFactory

    migration = importlib.import_module("courses.migrations.0006_support_slot_unique")
    programme = make_programme(office=site_tree()[1])
    with connection.cursor() as cursor:  # back to before the constraint
        cursor.execute(
            "ALTER TABLE courses_supportslot "
            "DROP CONSTRAINT one_support_slot_per_programme_and_time"
        )
    start = dt.datetime(2027, 3, 8, 1, 0, tzinfo=dt.UTC)
    fields = {
        "programme": programme,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    keeper = SupportSlot.objects.create(**fields, capacity=1)
    copies = [SupportSlot.objects.create(**fields, capacity=2) for _ in range(2)]
    other = UserFactory()
    mine = enrol(programme, member)
    theirs = enrol(programme, other)
    SupportBooking.objects.create(slot=keeper, enrolment=mine)
    SupportBooking.objects.create(slot=copies[0], enrolment=mine)
    SupportBooking.objects.create(slot=copies[1], enrolment=theirs)

    migration.merge_duplicate_slots(apps, None)

    slot = SupportSlot.objects.get(programme=programme)
    assert slot.pk == keeper.pk and slot.capacity == 2
    active = SupportBooking.objects.filter(slot=slot, status="booked")
    assert sorted(active.values_list("enrolment_id", flat=True)) == sorted(
        [mine.pk, theirs.pk]
    )
    assert SupportBooking.objects.filter(slot=slot, status="cancelled").count() == 1
