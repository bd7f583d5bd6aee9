"""Webinars reuse the programmes' rule blocks and report presence as attendance."""

import datetime

import pytest
from django.utils import timezone

from courses.models import Attendance
from lms.errors import DomainError
from lms.models import MembershipTier
from tests.courses.factories import enrol, make_programme
from tests.factories import OrganisationFactory, UserFactory
from tests.webinars.factories import webinar_page
from webinars import services
from webinars.models import Presence, Registration
from webinars.tasks import report_webinar_attendance

pytestmark = pytest.mark.django_db


def test_restricted_webinar_admits_members_only_and_says_why(client, office):
    webinar = webinar_page(
        office,
        slug="members-only",
        starts_in=datetime.timedelta(days=2),
        registration_rules=[("membership_tiers", {"tiers": ["full", "associate"]})],
    )
    member = UserFactory()
    outsider = UserFactory(
        organisation=OrganisationFactory(
            name="Johor Bahru City Council", membership_tier=MembershipTier.NONE
        )
    )
    services.webinar_register(webinar=webinar, user=member)
    with pytest.raises(DomainError) as exc:
        services.webinar_register(webinar=webinar, user=outsider)
    assert exc.value.code == "ineligible"
    assert exc.value.extra["reasons"][0]["ok"] is False
    assert not Registration.objects.filter(user=outsider).exists()

    client.force_login(outsider)
    html = client.get(webinar.url).content.decode()
    assert "is not a member" in html
    assert "Register for this webinar" not in html


def test_presence_becomes_attendance_of_the_linked_session(office):
    programme = make_programme(office=office, completion_min_webinar_minutes=30)
    session = programme.sessions.first()
    webinar = webinar_page(office, slug="linked", programme_session=session)
    participant = UserFactory()
    enrol(programme, participant)
    Registration.objects.create(webinar=webinar, user=participant)

    presence = services.presence_join(webinar=webinar, user=participant)
    Presence.objects.filter(pk=presence.pk).update(
        joined_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    services.presence_leave(presence_id=presence.pk)
    attendance = Attendance.objects.get(session=session, enrolment__user=participant)
    assert attendance.status == "present"
    assert attendance.minutes == 40


def test_dropped_connections_are_reported_by_the_beat_task(office):
    programme = make_programme(office=office, completion_min_webinar_minutes=30)
    session = programme.sessions.first()
    webinar = webinar_page(office, slug="linked", programme_session=session)
    participant = UserFactory()
    enrol(programme, participant)
    Registration.objects.create(webinar=webinar, user=participant)
    presence = services.presence_join(webinar=webinar, user=participant)
    now = timezone.now()
    Presence.objects.filter(pk=presence.pk).update(
        joined_at=now - datetime.timedelta(minutes=20), last_seen_at=now
    )
    assert report_webinar_attendance() == 1
    attendance = Attendance.objects.get(session=session, enrolment__user=participant)
    assert attendance.status == "absent" and attendance.minutes == 20
