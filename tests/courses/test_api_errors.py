"""Everything under /api/ answers JSON {code, detail} (issue 15, item 4)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from lms.services import api_token_create
from tests.factories import UserFactory

from .factories import enrol, make_programme


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "detail"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programmes/abc/",
        "/api/v1/no-such-thing/",
        "/api/v1/jobs/-1.5/",
        "/api/v1/programmes/1/no-such-thing/",
        "/api/no-such-version/",
        "/api/v1/programmes/99999999999999999999999/",
    ],
)
def test_unknown_paths_and_malformed_ids_are_json_404(db, path):
    assert_error(Client().get(path), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "delete", "put", "patch"])
def test_token_requests_to_malformed_ids_are_never_csrf_checked(db, method):
    key = api_token_create(user=UserFactory(), name="laptop")
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        "/api/v1/programmes/abc/enrolments/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert_error(response, 404, "not_found")


def test_token_requests_with_a_session_cookie_are_not_csrf_checked(programme):
    """A client holding a session cookie and a token is judged by its token."""
    user = UserFactory()
    key = api_token_create(user=user, name="laptop")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code in (201, 400, 403, 409)
    assert response.json().get("code") != "csrf_failed"


def test_session_requests_without_the_csrf_token_get_a_json_403(programme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        {},
        content_type="application/json",
    )
    body = assert_error(response, 403)
    assert "CSRF" in body["detail"]


def test_server_errors_under_api_are_json_500(db, monkeypatch):
    import courses.api

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(courses.api.selectors, "programme_list", boom)
    response = Client(raise_request_exception=False).get("/api/v1/programmes/")
    body = assert_error(response, 500, "server_error")
    assert "boom" not in body["detail"]


def test_server_errors_elsewhere_stay_a_page(db, monkeypatch):
    import lms.views

    monkeypatch.setattr(lms.views, "health", lambda: 1 / 0)
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_too_large_body_is_a_json_413(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(
        "/api/v1/auth/token/",
        {"email": "a@b.example", "password": "x" * 5000},
        content_type="application/json",
    )
    body = assert_error(response, 413, "too_large")
    assert (
        "1000" in body["detail"]
        or "1 KB" in body["detail"]
        or "bytes" in body["detail"]
    )


def test_a_malformed_multipart_body_is_a_json_400(programme):
    key = api_token_create(user=UserFactory(), name="laptop")
    response = Client().post(
        f"/api/v1/programmes/{programme.pk}/enrolments/",
        data=b"--nope\r\nContent-Disposition: form-data\r\n\r\nx",
        content_type="multipart/form-data; boundary=",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert_error(response, 400)


def test_a_malformed_json_body_is_a_json_400(db):
    response = Client().post(
        "/api/v1/auth/token/", data=b"{nope", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


# --- Unknown filter values -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "allowed"),
    [
        ("kind=bogus", "kind", "seoul_program"),
        ("open=maybe", "open", "true"),
    ],
)
def test_unknown_filter_values_are_a_400_naming_the_allowed_values(
    db, query, field, allowed
):
    body = assert_error(Client().get(f"/api/v1/programmes/?{query}"), 400, "invalid")
    assert allowed in " ".join(body["errors"][field])


def test_known_filter_values_still_filter(office):
    make_programme(office=office, kind="seoul_program")
    client = Client()
    assert client.get("/api/v1/programmes/?kind=seoul_program").json()["count"] == 1
    assert client.get("/api/v1/programmes/?open=false").json()["count"] == 0
    assert client.get("/api/v1/programmes/?open=").status_code == 200


# --- The attendance 400 matches its schema ------------------------------------


def test_attendance_400_errors_are_an_object_of_message_lists(
    programme, trainer, member
):
    programme.trainers.add(trainer)
    programme.save()
    enrol(programme, member)
    api = APIClient()
    api.force_authenticate(trainer)
    session = programme.sessions.first()
    rows = [
        {"session": session.pk, "participant": member.pk, "status": "present"},
        {"session": session.pk, "participant": "x", "status": "late"},
    ]
    response = api.post(
        f"/api/v1/programmes/{programme.pk}/attendance/", rows, format="json"
    )
    body = assert_error(response, 400, "invalid")
    errors = body["errors"]
    assert isinstance(errors, dict)
    assert set(errors) == {"1.participant", "1.status"}
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in errors.values()
    )
    not_a_list = api.post(
        f"/api/v1/programmes/{programme.pk}/attendance/",
        {"session": session.pk},
        format="json",
    )
    assert list(assert_error(not_a_list, 400)["errors"]) == ["non_field_errors"]


# --- The schema documents every operation's errors ------------------------------


def test_every_operation_documents_400_401_403_404_429(db):
    schema = Client().get("/api/schema/?format=json").json()
    missing = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status in ("400", "401", "403", "404", "429"):
                response = operation["responses"].get(status)
                if response is None:
                    missing.append(f"{method.upper()} {path} {status}")
                    continue
                schema_ref = response["content"]["application/json"]["schema"]
                assert "$ref" in schema_ref, (path, method, status)
    assert missing == []
