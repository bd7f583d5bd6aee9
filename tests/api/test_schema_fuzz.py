"""Schema-driven fuzzing of the whole REST API (schemathesis).

Every operation in ``/api/schema/`` gets a bounded number of generated
requests from an authenticated participant; none may answer 5xx and every
response must match the schema it documents.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from lms.models import User
from lms.services import api_token_create


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


@pytest.fixture
def participant_headers(demo):
    user = User.objects.get(email="dev.hanoi@wego.example")
    return {"Authorization": f"Token {api_token_create(user=user, name='fuzz')}"}


def _load_schema():
    # Loaded at collection through the WSGI app in-process; the schema view
    # needs no database.
    from lms.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = _load_schema()


@schema.parametrize()
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_without_server_errors_and_as_documented(case, participant_headers):
    case.call_and_validate(
        headers=participant_headers,
        checks=[not_a_server_error, response_schema_conformance],
    )
