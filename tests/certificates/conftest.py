import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import ProgrammePage
from tests.certificates.factories import completed_enrolment
from tests.courses.factories import make_programme, site_tree
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_PATH = tmp_path / "dev-signing-key.pem"
    settings.BASE_URL = "https://learning.wego.example"


@pytest.fixture
def office(db):
    return site_tree()[1]


@pytest.fixture
def trainer(db):
    return UserFactory(first_name="Tess", last_name="Trainer", is_staff=True)


@pytest.fixture
def programme(office, trainer):
    today = timezone.localdate()
    page = make_programme(
        office=office,
        title="Seoul Program 2016",
        starts_on=today.replace(year=2016, month=10, day=10),
        ends_on=today.replace(year=2016, month=10, day=21),
    )
    page.trainers.add(trainer)
    page.save()  # commit the ParentalManyToMany to the database
    return ProgrammePage.objects.get(pk=page.pk)


@pytest.fixture
def other_programme(office):
    return make_programme(office=office, title="Jeju Workshop 2016")


@pytest.fixture
def secretariat(db):
    from django.contrib.auth.models import Permission

    from lms.services import SECRETARIAT_GROUP

    user = UserFactory(first_name="Sol", last_name="Secretariat", is_staff=True)
    group = Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0]
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="certificates",
            content_type__model="certificatetemplate",
        ),
    )
    user.groups.add(group)
    return user


@pytest.fixture
def completed(programme, trainer):
    return completed_enrolment(programme, trainer=trainer)


@pytest.fixture(autouse=True)
def _frozen_rate_window(monkeypatch):
    """Keep every lookup of a test in one rate-limit window (no minute rollover)."""
    import lms.throttling

    monkeypatch.setattr(lms.throttling, "_clock", lambda: 1_800_000_010.0)


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Run certificate tasks in-process even in the Redis pass (no worker there)."""
    from lms.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
