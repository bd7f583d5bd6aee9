"""Data a journey needs that the demo does not hold, built through the services.

The journey server runs in its own process on its own SQLite file, so this
module is run as a subprocess against that file
(``python -m tests.e2e.journey_data <builder> <stamp>``) and prints what it
made as one JSON line.
"""

from __future__ import annotations

import json
import sys


def trainer_workshop(stamp: str) -> dict:
    """A finished two-session workshop run by the demo trainer, nobody marked.

    Two demo participants applied (through ``enrolment_apply``) before it
    started; no attendance, no completion, no certificate yet, so a trainer
    can take it from the attendance grid to issued certificates.
    """
    from datetime import datetime, time, timedelta

    from django.utils import timezone
    from wagtail.models import Locale

    from cms.models import RegionalOfficePage
    from courses.models import Enrolment, ProgrammePage, Session
    from courses.services import enrolment_apply
    from lms.models import User

    office = RegionalOfficePage.objects.get(
        slug="secretariat-seoul", locale=Locale.get_default()
    )
    trainer = User.objects.get(email="trainer@wego.example")
    participants = [
        User.objects.get(email="dev.hanoi@wego.example"),
        User.objects.get(email="official.nairobi@wego.example"),
    ]
    now = timezone.now()
    day = timezone.localdate() - timedelta(days=3)
    page = ProgrammePage(
        title=f"Open Data Workshop {stamp}",
        slug=f"open-data-workshop-{stamp}",
        kind="regional_session",
        summary="Two mornings on publishing a city's open data.",
        venue="Seoul Global Center",
        timezone="UTC",
        starts_on=day,
        ends_on=day + timedelta(days=1),
        capacity=10,
        enrolment_opens_at=now - timedelta(days=20),
        enrolment_closes_at=now + timedelta(hours=2),
        asks_motivation=False,
        completion_min_share=100,
    )
    for index, title in enumerate(("Opening the data", "Keeping it open")):
        start = timezone.make_aware(
            datetime.combine(day + timedelta(days=index), time(9, 0)),
            timezone.get_fixed_timezone(0),
        )
        page.sessions.add(
            Session(
                title=title,
                kind="lecture",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                location="Seoul Global Center",
            )
        )
    page.trainers = [trainer]
    office.add_child(instance=page)
    page.save_revision(user=trainer).publish()
    page = ProgrammePage.objects.get(pk=page.pk)
    enrolments = [
        enrolment_apply(programme=page, user=user, answers={}) for user in participants
    ]
    # They applied before the workshop started (as the demo back-dates its
    # 2016 cohort), so every session's cell is theirs to be marked in.
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(
        confirmed_at=now - timedelta(days=10)
    )
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.url,
        "statuses": [e.status for e in enrolments],
    }


def eligible_official(stamp: str) -> dict:
    """A new Hanoi developer with Java at intermediate level, enrolled nowhere:
    eligible for the eGovFrame training whatever earlier journeys did."""
    from django.contrib.auth.models import Group

    from lms.demo import DEMO_PASSWORD, demo_user
    from lms.models import Organisation
    from lms.services import PARTICIPANTS_GROUP, user_set_skills

    email = f"dev.hanoi.{stamp}@wego.example"
    user = demo_user(
        email,
        first="Minh Anh",
        last="Pham",
        organisation=Organisation.objects.get(name="Hanoi"),
        job_title="Software developer",
    )
    user_set_skills(user=user, skills={"java": "intermediate", "web": "intermediate"})
    user.groups.add(Group.objects.get(name=PARTICIPANTS_GROUP))
    return {"email": email, "password": DEMO_PASSWORD}


BUILDERS = {
    "trainer_workshop": trainer_workshop,
    "eligible_official": eligible_official,
}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    name, stamp = argv[1], argv[2]
    sys.stdout.write(json.dumps(BUILDERS[name](stamp)) + "\n")


if __name__ == "__main__":
    main(sys.argv)
