"""Each sign-in its own token; revoke revokes the calling token (issue 15, item 10)."""

from django.test import Client

from lms.models import ApiToken
from tests.factories import PASSWORD, UserFactory


def sign_in(user, **extra):
    response = Client().post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD, **extra},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def works(key) -> bool:
    response = Client().get("/api/v1/me/enrolments/", HTTP_AUTHORIZATION=f"Token {key}")
    return response.status_code == 200


def revoke(key, body=None):
    return Client().post(
        "/api/v1/auth/token/revoke/",
        body if body is not None else {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )


def test_two_clients_signing_in_without_a_name_keep_their_tokens(db):
    user = UserFactory()
    first = sign_in(user)
    second = sign_in(user)
    assert first != second
    assert works(first) and works(second)
    assert ApiToken.objects.filter(user=user).count() == 2


def test_signing_in_again_with_a_device_name_replaces_that_device_token(db):
    user = UserFactory()
    old = sign_in(user, name="phone")
    new = sign_in(user, name="phone")
    assert not works(old) and works(new)


def test_revoke_without_a_body_revokes_the_calling_token_only(db):
    user = UserFactory()
    mine = sign_in(user)
    other = sign_in(user)
    named = sign_in(user, name="default")
    response = Client().post(
        "/api/v1/auth/token/revoke/", HTTP_AUTHORIZATION=f"Token {mine}"
    )
    assert response.status_code == 204
    assert not works(mine)
    assert works(other) and works(named)


def test_revoke_with_an_empty_json_body_revokes_the_calling_token(db):
    user = UserFactory()
    mine = sign_in(user, name="laptop")
    assert revoke(mine).status_code == 204
    assert not works(mine)


def test_revoke_by_name_revokes_that_device(db):
    user = UserFactory()
    laptop = sign_in(user, name="laptop")
    phone = sign_in(user, name="phone")
    assert revoke(laptop, {"name": "phone"}).status_code == 204
    assert works(laptop) and not works(phone)
    missing = revoke(laptop, {"name": "phone"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_revoke_from_a_session_needs_a_name(db):
    user = UserFactory()
    sign_in(user, name="phone")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/api/v1/auth/token/revoke/", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "name_required"
    assert ApiToken.objects.filter(user=user).count() == 1
