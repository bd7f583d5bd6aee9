"""A small world with one person of every role, for the security suite.

Two offices (Secretariat in Seoul, Asia in Chengdu), programme X (trainer X)
and programme Y (trainer Y) under Seoul, a live webinar hosted by trainer X
with one question, a participant confirmed and completed in X, an editor of
the Asia office, and a Secretariat superuser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from courses.models import ProgrammePage
from tests.courses.factories import (
    enrol,
    give_skill,
    make_programme,
    other_office,
    site_tree,
)
from tests.factories import UserFactory


@dataclass
class World:
    office: object
    asia: object
    programme_x: ProgrammePage
    programme_y: ProgrammePage
    webinar: object
    question: object
    participant: object
    trainer_x: object
    trainer_y: object
    editor: object
    staff: object
    enrolment: object

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


def _office_editor(asia):
    group, _ = Group.objects.get_or_create(name="Security test Asia editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(
            group=group, page=asia, permission=Permission.objects.get(codename=codename)
        )
    user = UserFactory(email="editor.asia@city.example", is_staff=False)
    user.groups.add(group)
    return user


@pytest.fixture
def world(db, settings, tmp_path):
    from django.utils import timezone

    from tests.webinars.factories import webinar_page
    from webinars.models import Question, Registration

    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_PATH = tmp_path / "dev-signing-key.pem"
    _home, office = site_tree()
    asia = other_office()
    trainer_x = UserFactory(email="trainer.x@city.example", is_staff=True)
    trainer_y = UserFactory(email="trainer.y@city.example", is_staff=True)
    programme_x = make_programme(office=office, title="Programme X")
    programme_x.trainers.add(trainer_x)
    programme_x.save()
    programme_y = make_programme(office=office, title="Programme Y")
    programme_y.trainers.add(trainer_y)
    programme_y.save()
    participant = give_skill(UserFactory(email="participant@city.example"))
    enrolment = enrol(programme_x, participant)
    enrolment.completed_at = timezone.now()
    enrolment.completed_by = trainer_x
    enrolment.save(update_fields=["completed_at", "completed_by"])
    webinar = webinar_page(office, slug="security-live", hosts=[trainer_x])
    Registration.objects.create(webinar=webinar, user=participant)
    question = Question.objects.create(
        webinar=webinar, author=participant, text="How are open data portals funded?"
    )
    staff = UserFactory(
        email="secretariat@city.example", is_staff=True, is_superuser=True
    )
    return World(
        office=office,
        asia=asia,
        programme_x=ProgrammePage.objects.get(pk=programme_x.pk),
        programme_y=ProgrammePage.objects.get(pk=programme_y.pk),
        webinar=webinar,
        question=question,
        participant=participant,
        trainer_x=trainer_x,
        trainer_y=trainer_y,
        editor=_office_editor(asia),
        staff=staff,
        enrolment=enrolment,
    )
