"""Every plain-text e-mail reads as typed: no HTML entities.

Django escapes template variables for HTML; in a text/plain message that
turned "Hanoi's" into "Hanoi&#x27;s". This test sends every kind of e-mail
the platform sends (through the real services, as the tasks do), with names
full of apostrophes, quotes, ampersands and angle brackets, and checks
that each subject and body holds them as typed. It also checks that every
e-mail template on disk was rendered, so a new one cannot be missed.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test.signals import template_rendered
from django.utils import timezone

from courses import services
from courses.models import Enrolment, SupportSlot
from courses.services.notifications import reminder_send
from tests.courses.factories import enrol, give_skill, make_programme, site_tree
from tests.factories import OrganisationFactory, UserFactory

TITLE = 'Hanoi\'s "Smart" <City> & Data'
NAME = "Ngoc-Anh O'Brien & <Co>"
ENTITIES = ("&#x27;", "&#39;", "&quot;", "&lt;", "&gt;", "&amp;")


def email_templates() -> set[str]:
    base = Path(settings.BASE_DIR)
    return {
        str(path.relative_to(path.parents[2]))
        for path in base.glob("*/templates/*/email/*.txt")
    }


@pytest.fixture
def office(db):
    return site_tree()[1]


@pytest.fixture
def rendered():
    names = set()

    def seen(sender, template, **kwargs):
        if template.name and "/email/" in template.name:
            names.add(template.name)

    template_rendered.connect(seen)
    yield names
    template_rendered.disconnect(seen)


def _assert_plain(message):
    text = message.subject + "\n" + message.body
    for entity in ENTITIES:
        assert entity not in text, (message.subject, entity)


def _person(org, **fields):
    return give_skill(
        UserFactory(
            first_name="Ngoc-Anh",
            last_name="O'Brien & <Co>",
            organisation=org,
            **fields,
        )
    )


def _send_every_programme_email(office, staff_user, commits):
    city = OrganisationFactory(
        name="Ho Chi Minh City's <ICT> & Co", focal_point_email="focal@hcmc.example"
    )
    programme = make_programme(
        office=office,
        title=TITLE,
        capacity=1,
        venue='Seoul\'s "Data" Center',
        contact_email="program@wego.example",
        rules=[("endorsement_required", {}), ("approval_required", {})],
    )
    applicant = _person(city)
    with commits():
        enrolment = services.enrolment_apply(  # received + endorsement request
            programme=programme, user=applicant, answers={}
        )
    with commits():
        services.enrolment_endorse(
            enrolment=enrolment, endorser_email="focal@hcmc.example"
        )
    with commits():
        services.enrolment_approve(  # confirmed
            enrolment=enrolment, actor=staff_user, reason="Bienvenue & merci"
        )
    second = _person(city)
    third = _person(OrganisationFactory(name="Jeju's <Office>"))
    open_programme = make_programme(office=office, title=TITLE + " 2", capacity=1)
    with commits():
        enrol(open_programme, give_skill(UserFactory()))
        waiting = services.enrolment_apply(  # waitlisted
            programme=open_programme, user=second, answers={}
        )
        services.enrolment_apply(programme=open_programme, user=third, answers={})
        holder = open_programme.enrolments.get(status="confirmed")
        services.enrolment_withdraw(enrolment=holder, actor=holder.user)  # withdrawn
    assert Enrolment.objects.get(pk=waiting.pk).status == "offered"  # offered
    with commits():
        services.enrolment_reject(  # rejected
            enrolment=open_programme.enrolments.get(user=third),
            actor=staff_user,
            reason="Places are for the <city> teams & partners only",
        )
    # The reminder the day before.
    soon = make_programme(office=office, title=TITLE + " 3", sessions=1)
    first = soon.sessions.first()
    first.starts_at = timezone.now() + timedelta(hours=20)
    first.ends_at = first.starts_at + timedelta(hours=1)
    first.title = 'Opening: Seoul\'s "TOPIS" & <IoT>'
    first.save()
    reminded = enrol(soon, _person(city))
    assert reminder_send(enrolment_id=reminded.pk)
    # Technical support: booked, then the slot removed.
    trainer = UserFactory(is_staff=True)
    soon.trainers.add(trainer)
    soon.save()
    start = timezone.now() + timedelta(days=3)
    slot = SupportSlot.objects.create(
        programme=soon,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Asia/Seoul",
        capacity=2,
        note="Bring your team's <code> & logs",
    )
    with commits():
        services.support_slot_book(slot=slot, user=reminded.user)
    with commits():
        services.support_slot_withdraw(slot=slot, actor=trainer)


def _send_every_webinar_email(commits):
    from tests.webinars.factories import office_page, webinar_page
    from webinars.services import webinar_register
    from webinars.tasks import send_webinar_reminders

    webinar = webinar_page(
        office_page(), slug="open-data-amp", title=TITLE, starts_in=timedelta(hours=3)
    )
    with commits():
        webinar_register(webinar=webinar, user=_person(None))  # confirmation
    assert send_webinar_reminders() == 1  # reminder


def _send_every_certificate_email(office, staff_user, commits):
    from certificates import services as certificate_services
    from lms.services import SECRETARIAT_GROUP
    from tests.certificates.factories import completed_enrolment, default_template

    default_template()
    programme = make_programme(office=office, title=TITLE + " (certificates)")
    enrolment = completed_enrolment(programme, user=_person(None), trainer=staff_user)
    with commits():
        certificate = certificate_services.certificate_issue(  # issued
            enrolment=enrolment, actor=staff_user
        )
    from django.contrib.auth.models import Group

    staff_user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    with commits():
        certificate_services.certificate_revoke(  # revoked
            certificate=certificate,
            actor=staff_user,
            reason="Attendance sheets for 'Day 2' & <Day 3> were mixed up",
        )


def test_every_plain_text_email_holds_names_as_typed(
    office, staff_user, rendered, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_PATH = tmp_path / "dev-signing-key.pem"

    def commits():
        return django_capture_on_commit_callbacks(execute=True)

    _send_every_programme_email(office, staff_user, commits)
    _send_every_webinar_email(commits)
    _send_every_certificate_email(office, staff_user, commits)

    assert len(mail.outbox) >= 14
    for message in mail.outbox:
        _assert_plain(message)
    bodies = "\n".join(m.subject + "\n" + m.body for m in mail.outbox)
    assert TITLE in bodies
    assert "O'Brien & <Co>" in bodies
    assert "Ho Chi Minh City's <ICT> & Co" in bodies
    assert "Places are for the <city> teams & partners only" in bodies
    assert "Attendance sheets for 'Day 2' & <Day 3> were mixed up" in bodies
    assert 'Opening: Seoul\'s "TOPIS" & <IoT>' in bodies
    missing = email_templates() - rendered
    assert not missing, f"e-mail templates no test sent: {sorted(missing)}"
