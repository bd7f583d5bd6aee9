"""Remote technical-support slots after a training: publish, book, cancel."""

import threading
import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from courses import services
from courses.models import SupportBooking, SupportSlot
from lms.errors import Conflict, PermissionDenied
from tests.factories import UserFactory

from .factories import enrol, give_skill, make_programme, site_tree


def _slot(programme, *, days=70, capacity=1, **fields):
    start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return SupportSlot.objects.create(
        programme=programme,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Asia/Seoul",
        capacity=capacity,
        video_link="https://meet.wego.example/support-1",
        **fields,
    )


@pytest.fixture
def confirmed(programme, member):
    enrol(programme, member)
    return member


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_trainer_publishes_a_slot_and_others_cannot(programme, trainer, member):
    programme.trainers.add(trainer)
    programme.save()
    start = timezone.now() + timedelta(days=70)
    slot = services.support_slot_publish(
        programme=programme,
        actor=trainer,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        video_link="https://meet.wego.example/x",
    )
    assert slot.timezone == "Asia/Seoul" and slot.host == trainer
    with pytest.raises(PermissionDenied):
        services.support_slot_publish(
            programme=programme,
            actor=member,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )


def test_book_sends_zone_labelled_email_with_ics(
    programme, confirmed, django_capture_on_commit_callbacks
):
    confirmed.timezone = "Africa/Nairobi"
    confirmed.save()
    slot = _slot(programme)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.support_slot_book(slot=slot, user=confirmed)
    assert booking.status == "booked"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    local = timezone.localtime(slot.starts_at, slot.zoneinfo).strftime("%H:%M")
    nairobi = timezone.localtime(
        slot.starts_at, zoneinfo.ZoneInfo("Africa/Nairobi")
    ).strftime("%H:%M")
    assert f"{local}" in message.body and "(Asia/Seoul)" in message.body
    assert f"{nairobi}" in message.body and "(Africa/Nairobi)" in message.body
    assert "https://meet.wego.example/support-1" in message.body
    name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at
    assert event["dtstart"].params["TZID"] == "Asia/Seoul"


def test_one_active_booking_per_participant_unless_allowed_more(programme, confirmed):
    first, second = _slot(programme), _slot(programme, days=71)
    services.support_slot_book(slot=first, user=confirmed)
    with pytest.raises(Conflict) as exc:
        services.support_slot_book(slot=second, user=confirmed)
    assert exc.value.code == "booking_limit"
    programme.support_bookings_per_participant = 2
    programme.save()
    second.programme.refresh_from_db()
    assert services.support_slot_book(slot=second, user=confirmed).pk


def test_full_slot_and_cancel_frees_it(programme, confirmed):
    slot = _slot(programme)
    other = give_skill(UserFactory())
    enrol(programme, other)
    booking = services.support_slot_book(slot=slot, user=confirmed)
    with pytest.raises(Conflict) as exc:
        services.support_slot_book(slot=slot, user=other)
    assert exc.value.code == "slot_full"
    services.support_booking_cancel(booking=booking, user=confirmed)
    assert services.support_slot_book(slot=slot, user=other).status == "booked"


def test_only_confirmed_participants_book(programme, member):
    slot = _slot(programme)
    enrol(programme, member, status="waitlisted", waitlist_position=1)
    with pytest.raises(PermissionDenied) as exc:
        services.support_slot_book(slot=slot, user=member)
    assert exc.value.code == "not_confirmed"


def test_cannot_cancel_someone_elses_booking(programme, confirmed, member):
    booking = services.support_slot_book(slot=_slot(programme), user=confirmed)
    stranger = give_skill(UserFactory())
    with pytest.raises(PermissionDenied):
        services.support_booking_cancel(booking=booking, user=stranger)


def test_api_lists_books_cancels_and_hides_video_link(programme, confirmed):
    slot = _slot(programme, note="MyBatis mappers")
    client = api(confirmed)
    url = f"/api/v1/programmes/{programme.pk}/support-slots/"
    listed = client.get(url).json()
    assert listed["bookings_allowed"] == 1
    assert listed["results"][0]["id"] == slot.pk
    assert listed["results"][0]["video_link"] is None
    assert listed["results"][0]["local_start"].endswith("+09:00")
    booked = client.post(f"{url}{slot.pk}/book/")
    assert booked.status_code == 201
    assert booked.json()["video_link"] == "https://meet.wego.example/support-1"
    again = client.get(url).json()["results"][0]
    assert again["booking"] == booked.json()["id"]
    assert again["video_link"] == "https://meet.wego.example/support-1"
    # Someone else sees the slot full and no link.
    other = give_skill(UserFactory())
    enrol(programme, other)
    assert api(other).get(url).json()["results"] == []
    full = api(other).post(f"{url}{slot.pk}/book/")
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    cancelled = client.post(f"{url}{slot.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(f"{url}{slot.pk}/cancel/").status_code == 404


def test_api_refuses_non_participants_and_anonymous(programme, member):
    slot = _slot(programme)
    url = f"/api/v1/programmes/{programme.pk}/support-slots/"
    assert APIClient().get(url).status_code in (401, 403)
    refused = api(member).get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "not_confirmed"
    booked = api(member).post(f"{url}{slot.pk}/book/")
    assert booked.status_code == 403
    assert not SupportBooking.objects.exists()


def test_programme_page_shows_slots_to_participants_and_books(
    client, programme, confirmed
):
    slot = _slot(programme)
    client.force_login(confirmed)
    page = client.get(programme.url).content.decode()
    assert "Remote technical support" in page
    assert "(Asia/Seoul)" in page
    assert "meet.wego.example" not in page
    response = client.post(
        f"/programmes/{programme.pk}/support-slots/{slot.pk}/book/",
        {"next": programme.url},
    )
    assert response.status_code == 302
    page = client.get(programme.url).content.decode()
    assert "meet.wego.example/support-1" in page
    booking = SupportBooking.objects.get()
    ics = client.get(f"/support-bookings/{booking.pk}/booking.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    Calendar.from_ical(ics.content)
    mine = client.get("/my/programmes/").content.decode()
    assert "Your technical-support bookings" in mine


def test_slots_hidden_from_people_not_confirmed(client, programme, member):
    _slot(programme)
    client.force_login(member)
    assert "Remote technical support" not in client.get(programme.url).content.decode()


def test_trainer_manage_page_publishes_in_the_chosen_zone(client, programme, trainer):
    programme.trainers.add(trainer)
    programme.save()
    client.force_login(trainer)
    url = f"/programmes/{programme.pk}/support-slots/"
    day = (timezone.now() + timedelta(days=80)).date()
    response = client.post(
        url,
        {
            "starts_at": f"{day}T10:00",
            "minutes": 60,
            "timezone": "Asia/Seoul",
            "capacity": 1,
            "video_link": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    slot = SupportSlot.objects.get()
    local = timezone.localtime(slot.starts_at, slot.zoneinfo)
    assert (local.hour, local.minute) == (10, 0)
    assert slot.ends_at - slot.starts_at == timedelta(hours=1)
    stranger = give_skill(UserFactory())
    client.force_login(stranger)
    assert client.get(url).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_double_booking_under_concurrency():
    programme = make_programme(office=site_tree()[1], capacity=30)
    slot = _slot(programme, capacity=2)
    users = [give_skill(UserFactory()) for _ in range(12)]
    for user in users:
        enrol(programme, user)
    # One participant also tries two slots at once from two tabs.
    second = _slot(programme, days=72, capacity=5)
    barrier = threading.Barrier(len(users) + 1)
    outcomes = []

    def book(user, target):
        barrier.wait()
        try:
            services.support_slot_book(slot=target, user=user)
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(u, slot)) for u in users]
    threads.append(threading.Thread(target=book, args=(users[0], second)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slot.bookings.filter(status="booked").count() == 2
    assert (
        SupportBooking.objects.filter(enrolment__user=users[0], status="booked").count()
        <= 1
    )
    assert outcomes.count("booked") == SupportBooking.objects.count()
    assert set(outcomes) <= {"booked", "slot_full", "booking_limit"}


def test_support_slots_are_managed_in_the_wagtail_admin(client, staff_user, programme):
    slot = _slot(programme, note="Spring Boot migration")
    client.force_login(staff_user)
    listing = client.get("/admin/snippets/courses/supportslot/")
    assert listing.status_code == 200
    assert programme.title in listing.content.decode()
    edit = client.get(f"/admin/snippets/courses/supportslot/edit/{slot.pk}/")
    assert edit.status_code == 200
    assert "Spring Boot migration" in edit.content.decode()
