import pytest

from tests.factories import UserFactory
from tests.webinars.factories import office_page, webinar_page
from webinars.models import Registration


@pytest.fixture
def office(db):
    return office_page()


@pytest.fixture
def host(db):
    return UserFactory(email="host@city.example")


@pytest.fixture
def webinar(office, host):
    """A webinar that is live now, hosted (moderated) by ``host``."""
    return webinar_page(office, hosts=[host])


@pytest.fixture
def other_webinar(office):
    return webinar_page(office, slug="other-webinar")


@pytest.fixture
def attendee(webinar):
    user = UserFactory(email="attendee@city.example")
    Registration.objects.create(webinar=webinar, user=user)
    return user


@pytest.fixture
def attendee2(webinar):
    user = UserFactory(email="attendee2@city.example")
    Registration.objects.create(webinar=webinar, user=user)
    return user


@pytest.fixture
def stranger(db):
    """Signed in, not registered for anything."""
    return UserFactory(email="stranger@city.example")
