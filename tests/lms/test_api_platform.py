import re

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings


def test_api_docs_load_only_our_own_static_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the docs page references its assets"
    assert all(s.startswith(("/static/", "/api/")) for s in sources), sources


def test_unknown_api_path_and_wrong_method_use_the_error_shape(client, db):
    response = client.get("/api/v1/auth/token/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.fixture
def three_failed_sign_ins_a_minute(monkeypatch):
    from lms.api import TokenThrottle

    monkeypatch.setattr(
        TokenThrottle,
        "THROTTLE_RATES",
        {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/min"},
    )
    cache.clear()


def test_token_endpoint_is_throttled_with_retry_after(
    client, db, three_failed_sign_ins_a_minute
):
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"email": "a@b.example", "password": "x"},
            content_type="application/json",
        ).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429
    last = client.post(
        "/api/v1/auth/token/",
        {"email": "a@b.example", "password": "x"},
        content_type="application/json",
    )
    assert last.json()["code"] == "throttled"
    assert int(last["Retry-After"]) > 0


def test_only_failed_sign_ins_count_toward_the_token_limit(
    client, db, three_failed_sign_ins_a_minute
):
    """A room of participants behind one address signs in at once."""
    from tests.factories import UserFactory

    users = UserFactory.create_batch(6, password="right-password-123")

    def sign_in(email, password):
        return client.post(
            "/api/v1/auth/token/",
            {"email": email, "password": password},
            content_type="application/json",
        )

    assert [sign_in(u.email, "right-password-123").status_code for u in users] == [
        200
    ] * 6
    assert sign_in(users[0].email, "wrong").status_code == 401
    assert sign_in(users[1].email, "wrong").status_code == 401
    assert sign_in(users[2].email, "right-password-123").status_code == 200
    assert sign_in(users[3].email, "wrong").status_code == 401
    # Three failures: from now on, even a right password waits.
    refused = sign_in(users[4].email, "right-password-123")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
