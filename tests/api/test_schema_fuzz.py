"""Schema-driven fuzzing of the whole REST API (schemathesis).

Every operation in ``/api/schema/`` gets a bounded number of generated
requests from an authenticated participant; none may answer 5xx and every
response must match the schema it documents.
"""

import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from lms.models import User
from lms.services import api_token_create
from tests.seeded import DemoTestCase


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The fuzz calls the WSGI application in-process, inside the test's
    transaction. Django's handler closes "old" connections when each request
    starts and ends, and on PostgreSQL that closes the test's own, so later
    requests fail with "the connection is closed". Django's test client
    disconnects the same receiver around its requests; so do we."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _load_schema():
    # Loaded at collection through the WSGI app in-process; the schema view
    # needs no database.
    from lms.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = _load_schema()


class TestApiFuzz:
    """Against the whole demo, seeded once for the class by ``DemoTestCase``.

    schemathesis parametrizes pytest functions and methods of plain classes,
    not ``unittest`` methods, so this class is not a ``DemoTestCase``: a
    class-scoped fixture runs ``DemoTestCase``'s own class set-up and tear-down
    (the seeding in a transaction around the class, a media directory of its
    own), and each test runs in a savepoint inside it (pytest-django's ``db``),
    rolled back after the test, with empty caches (tests/conftest.py).
    """

    @pytest.fixture(scope="class")
    @classmethod
    def _demo(cls, django_db_setup, django_db_blocker):
        """The demo's media directory, while the seeding lasts."""

        class FuzzDemo(DemoTestCase):
            pass

        with django_db_blocker.unblock():
            try:
                FuzzDemo.setUpClass()
            except BaseException:
                FuzzDemo.doClassCleanups()
                raise
        try:
            yield django_settings.MEDIA_ROOT
        finally:
            with django_db_blocker.unblock():
                try:
                    FuzzDemo.tearDownClass()
                finally:
                    FuzzDemo.doClassCleanups()

    @pytest.fixture(autouse=True)
    def _demo_media(self, _demo, _media_and_cache, settings):
        """The seeding's media, not the empty directory tests/conftest.py gives
        every plain test."""
        settings.MEDIA_ROOT = _demo

    @pytest.fixture
    def participant_headers(self, _demo, db):
        user = User.objects.get(email="dev.hanoi@wego.example")
        return {"Authorization": f"Token {api_token_create(user=user, name='fuzz')}"}

    @schema.parametrize()
    @hypothesis_settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def test_api_answers_without_server_errors_and_as_documented(
        self, case, participant_headers
    ):
        case.call_and_validate(
            headers=participant_headers,
            checks=[not_a_server_error, response_schema_conformance],
        )
