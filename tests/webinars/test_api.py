import datetime

import pytest
from rest_framework.test import APIClient

from lms.services import api_token_create
from tests.webinars.factories import webinar_page
from webinars import services
from webinars.models import Question, Registration

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def test_webinar_list_and_detail_shape(office, webinar):
    webinar_page(office, slug="next", starts_in=datetime.timedelta(days=4))
    response = api().get("/api/v1/webinars/")
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert set(first) == {
        "id",
        "slug",
        "title",
        "office",
        "starts_at",
        "ends_at",
        "is_live",
        "url",
    }
    assert first["id"] == webinar.pk and first["is_live"] is True
    assert first["office"] == "eurasia-ulyanovsk"
    assert first["url"].endswith(webinar.url)
    detail = api().get(f"/api/v1/webinars/{webinar.pk}/").json()
    assert detail == first
    assert api().get("/api/v1/webinars/999999/").json()["code"] == "webinar_not_found"


def test_registration_is_idempotent(webinar, stranger):
    client = api(stranger)
    first = client.post(f"/api/v1/webinars/{webinar.pk}/registrations/")
    again = client.post(f"/api/v1/webinars/{webinar.pk}/registrations/")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Registration.objects.filter(user=stranger).count() == 1
    anonymous = api().post(f"/api/v1/webinars/{webinar.pk}/registrations/")
    assert anonymous.status_code == 401


def test_ask_vote_moderate_through_the_api(webinar, attendee, attendee2, host):
    response = api(attendee).post(
        f"/api/v1/webinars/{webinar.pk}/questions/",
        {"text": "Through the API", "anonymous": True},
        format="json",
    )
    assert response.status_code == 201
    question = response.json()
    assert question["author"] is None and question["anonymous"] is True
    question_id = question["id"]

    voted = api(attendee2).post(f"/api/v1/questions/{question_id}/vote/")
    assert voted.status_code == 200
    assert voted.json()["votes"] == 1 and voted.json()["voted_by_me"] is True
    assert voted.json()["author"] is None
    unvoted = api(attendee2).delete(f"/api/v1/questions/{question_id}/vote/")
    assert unvoted.json()["votes"] == 0

    refused = api(attendee2).post(
        f"/api/v1/questions/{question_id}/moderate/", {"action": "hide"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_moderator"
    bad = api(host).post(
        f"/api/v1/questions/{question_id}/moderate/",
        {"action": "explode"},
        format="json",
    )
    assert bad.status_code == 400
    done = api(host).post(
        f"/api/v1/questions/{question_id}/moderate/",
        {"action": "answer", "answer_text": "Yes"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["answered"] is True
    assert done.json()["author"]["id"] == attendee.pk


def test_api_errors_for_bad_input(webinar, attendee, stranger):
    url = f"/api/v1/webinars/{webinar.pk}/questions/"
    too_long = api(attendee).post(url, {"text": "x" * 501}, format="json")
    assert (
        too_long.status_code == 400 and too_long.json()["code"] == "question_too_long"
    )
    not_registered = api(stranger).post(url, {"text": "Hi"}, format="json")
    assert not_registered.status_code == 403
    assert not_registered.json()["code"] == "not_registered"
    api(attendee).post(url, {"text": "One"}, format="json")
    limited = api(attendee).post(url, {"text": "Two"}, format="json")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert api(attendee).post("/api/v1/questions/999999/vote/").status_code == 404
    assert Question.objects.count() == 1


def test_questions_list_and_resync_since(webinar, attendee, attendee2):
    first = services.question_ask(webinar=webinar, user=attendee, text="First")
    snapshot = api(attendee2).get(f"/api/v1/webinars/{webinar.pk}/questions/").json()
    assert [q["id"] for q in snapshot["questions"]] == [first.pk]
    since = snapshot["last_event_id"]
    second = services.question_ask(webinar=webinar, user=attendee2, text="Second")
    resync = (
        api(attendee2)
        .get(f"/api/v1/webinars/{webinar.pk}/questions/?since={since}")
        .json()
    )
    assert [(e["type"], e["question"]["id"]) for e in resync["events"]] == [
        ("question.created", second.pk)
    ]
    assert resync["last_event_id"] == since + 1
    anonymous = api().get(f"/api/v1/webinars/{webinar.pk}/questions/")
    assert anonymous.status_code == 200


def test_every_webinar_operation_documents_examples_and_errors():
    """The OpenAPI schema: each webinar/Q&A operation has a success example and
    an example for each documented error (clients are generated from it)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        if path.startswith(
            ("/api/v1/webinars/", "/api/v1/questions/", "/api/v1/polls/")
        )
        and "certificates" not in path
        for method, op in ops.items()
    ]
    assert len(operations) == 10
    for path, method, op in operations:
        responses = op["responses"]
        successes = [c for c in responses if c.startswith("2")]
        errors = [c for c in responses if c[0] in "45"]
        assert successes and errors, (method, path)
        for code in successes + errors:
            content = responses[code].get("content", {}).get("application/json", {})
            assert content.get("examples"), (method, path, code)
        if method in ("post",) and op.get("requestBody"):
            body = op["requestBody"]["content"]["application/json"]
            assert body.get("examples"), (method, path, "request")


# One validation for a question's text, whichever door it comes through (the
# socket's ``ask`` uses the same list: tests/webinars/test_consumer.py).
TEXT_CASES = [
    ({"text": 123}, "invalid_text"),
    ({"text": True}, "invalid_text"),
    ({"text": ["a"]}, "invalid_text"),
    ({"text": {"b": 1}}, "invalid_text"),
    ({}, "invalid_text"),
    ({"text": None}, "invalid_text"),
    ({"text": ""}, "empty_question"),
    ({"text": "   "}, "empty_question"),
    ({"text": "x" * 501}, "question_too_long"),
    ({"text": "bell\x07"}, "invalid_text"),
]


@pytest.mark.parametrize(("body", "code"), TEXT_CASES)
def test_the_api_validates_question_text_as_the_socket_does(
    webinar, attendee, body, code
):
    response = api(attendee).post(
        f"/api/v1/webinars/{webinar.pk}/questions/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Question.objects.exists()
