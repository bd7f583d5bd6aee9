from lms.models import ApiToken
from tests.factories import PASSWORD, UserFactory


def test_token_for_a_device_authenticates_api_calls(client, db):
    user = UserFactory()
    response = client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD, "name": "phone"},
        content_type="application/json",
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiToken.objects.filter(user=user, name="phone").count() == 1
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored

    revoke = client.post(
        "/api/v1/auth/token/revoke/",
        {"name": "phone"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert revoke.status_code == 204
    again = client.post(
        "/api/v1/auth/token/revoke/",
        {"name": "phone"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert again.status_code == 401
    assert again.json()["code"] == "authentication_failed"


def test_wrong_password_gets_the_error_shape(client, db):
    user = UserFactory()
    response = client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    assert body.pop("request_id") == response["X-Request-ID"]
    assert body == {
        "code": "invalid_credentials",
        "detail": "E-mail or password is wrong.",
    }


def test_validation_errors_use_the_error_shape(client, db):
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "not-an-email"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "email" in body["errors"] and "password" in body["errors"]


def test_schema_is_served(client, db):
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    assert b"/api/v1/auth/token/" in response.content
