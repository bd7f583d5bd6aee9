from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from courses.models import Session
from tests.courses.factories import enrol, make_programme
from tests.factories import UserFactory


def admin_access(user):
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user


def add_trainer(programme, user):
    programme.trainers.add(user)
    programme.save()
    return user


@pytest.fixture
def programme(db):
    return make_programme(sessions=4, title="Seoul Program 2026")


@pytest.fixture
def other_programme(db):
    return make_programme(sessions=2, title="Jeju Workshop 2026")


@pytest.fixture
def trainer(programme):
    return add_trainer(programme, admin_access(UserFactory(is_staff=True)))


@pytest.fixture
def second_trainer(programme):
    return add_trainer(programme, admin_access(UserFactory(is_staff=True)))


@pytest.fixture
def participants(programme):
    return [enrol(programme, UserFactory()) for _ in range(3)]


@pytest.fixture
def live_session(programme):
    """An in-person session running now."""
    now = timezone.now()
    return Session.objects.create(
        programme=programme,
        title="Site visit: Seoul Digital Foundation",
        kind="technical_tour",
        starts_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(minutes=70),
    )
