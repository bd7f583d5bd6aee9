"""One lock-out policy for every sign-in route (issue 15, item 3)."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from lms.models import ApiToken
from tests.factories import PASSWORD, UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 4
    # Per-address limits are not what is tested here.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token": "1000/min",
        },
    }


def web_fail(user, times, address="198.51.100.1"):
    client = Client(REMOTE_ADDR=address)
    for _ in range(times):
        client.post(reverse("account_login"), {"login": user.email, "password": "x"})


def token(address="198.51.100.2", **body):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )


def assert_locked_json(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "locked_out"
    assert "paused" in body["detail"]
    assert body["retry_after"] > 0
    assert int(response["Retry-After"]) == body["retry_after"]


def test_web_form_lock_out_refuses_the_token_api_the_right_password(db):
    user = UserFactory()
    web_fail(user, 4)
    response = token(email=user.email, password=PASSWORD)
    assert_locked_json(response)
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_api_failures_lock_the_web_form(db):
    user = UserFactory()
    for _ in range(4):
        token(email=user.email, password="wrong")
    client = Client(REMOTE_ADDR="198.51.100.3")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_failure_that_locks_already_answers_locked(db):
    user = UserFactory()
    answers = [token(email=user.email, password="wrong") for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [401] * 3
    assert_locked_json(answers[3])


def test_admin_log_in_is_refused_while_locked(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    web_fail(user, 4)
    client = Client(REMOTE_ADDR="198.51.100.4")
    response = client.post(
        "/admin/login/", {"username": user.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    login = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert login.status_code == 429
    assert response.status_code == 200


def test_wrong_codes_count_and_a_locked_account_is_refused_the_right_code(db):
    user = UserFactory()
    TOTP.activate(user, SECRET)
    for _ in range(4):
        assert token(
            email=user.email, password=PASSWORD, code="000000"
        ).status_code in (401, 429)
    code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
    assert_locked_json(token(email=user.email, password=PASSWORD, code=code))


def test_wrong_codes_on_the_web_form_lock_the_account(db):
    user = UserFactory()
    TOTP.activate(user, SECRET)
    client = Client(REMOTE_ADDR="198.51.100.5")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    for _ in range(4):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert_locked_json(token(email=user.email, password=PASSWORD, code=code))


def test_a_successful_token_sign_in_clears_earlier_failures(db):
    user = UserFactory()
    web_fail(user, 3)
    assert token(email=user.email, password=PASSWORD).status_code == 200
    web_fail(user, 3)
    assert token(email=user.email, password=PASSWORD).status_code == 200


@pytest.mark.django_db
def test_the_lock_out_records_the_connecting_address_not_a_forwarded_for_header():
    from axes.models import AccessAttempt

    user = UserFactory()
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    client.post(reverse("account_login"), {"login": user.email, "password": "x"})
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"198.51.100.7"}
