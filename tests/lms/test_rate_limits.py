"""The one rate limiter (lms.throttling) at each door that uses it.

Each door refuses after its limit and says so as it did: the API with 429
``{code, detail, retry_after}`` and ``Retry-After``, the certificate pages
with their 429 page, the Q&A with ``rate_limited``. Anonymous callers are
counted by address, and a made-up ``X-Forwarded-For`` is a header like any
other, not a new address. With the cache down, everyone is let through.
"""

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from certificates.codes import generate_code
from lms import throttling
from lms.throttling import AnonRateThrottle, rate_limit_hit
from tests.factories import UserFactory
from tests.lms.test_cache import production_cache
from tests.webinars.factories import office_page, webinar_page
from webinars import services as webinar_services
from webinars.models import Question, Registration

pytestmark = pytest.mark.django_db

NOW = 1_800_000_010.0  # ten seconds into a minute


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    monkeypatch.setattr(throttling, "_clock", lambda: NOW)
    cache.clear()


@pytest.fixture
def cache_down(monkeypatch):
    """The default cache as the resilient Redis cache behaves with Redis away,
    and worse: a counter that cannot be incremented raises."""

    def down(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(cache, "add", lambda *a, **k: False)
    monkeypatch.setattr(cache, "get", lambda *a, **k: None)
    monkeypatch.setattr(cache, "incr", down)


def _spoofed(n: int) -> dict:
    return {
        "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}",
        "HTTP_X_REAL_IP": f"198.51.100.{n}",
    }


# --- the function ------------------------------------------------------------------


def test_the_limiter_refuses_after_the_limit_until_the_next_window(monkeypatch):
    hits = [rate_limit_hit("t", "a", limit=3, window=60) for _ in range(5)]
    assert hits == [False, False, False, True, True]
    assert rate_limit_hit("t", "b", limit=3, window=60) is False  # another key
    assert rate_limit_hit("other", "a", limit=3, window=60) is False  # another scope
    monkeypatch.setattr(throttling, "_clock", lambda: NOW + 60)
    assert rate_limit_hit("t", "a", limit=3, window=60) is False
    assert throttling.retry_after(60, NOW) == 50


def test_the_limiter_fails_open_when_redis_is_away():
    down = production_cache(
        "redis://127.0.0.1:1/0",
        OPTIONS={"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    )
    assert [
        rate_limit_hit("t", "a", limit=1, window=60, cache=down) for _ in range(3)
    ] == [False] * 3


def test_the_limiter_fails_open_on_any_cache_error():
    class Broken:
        def add(self, *args, **kwargs):
            raise RuntimeError("unexpected reply")

        incr = get = add

    assert rate_limit_hit("t", "a", limit=1, window=60, cache=Broken()) is False
    assert rate_limit_hit("t", "a", limit=1, window=60, cache=Broken()) is False
    assert (
        throttling.rate_limit_reached("t", "a", limit=1, window=60, cache=Broken())
        is False
    )


# --- door 1: the API (anonymous per address, signed-in per user, failed sign-ins) -


@pytest.fixture
def three_anonymous_a_minute(monkeypatch):
    monkeypatch.setattr(
        AnonRateThrottle,
        "THROTTLE_RATES",
        {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/min"},
    )
    monkeypatch.setattr(AnonRateThrottle, "timer", lambda self: NOW)


def test_anonymous_api_traffic_is_limited_per_address(three_anonymous_a_minute):
    client = APIClient()
    assert [client.get("/api/v1/programmes/").status_code for _ in range(3)] == [
        200
    ] * 3
    refused = client.get("/api/v1/programmes/")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled"
    assert body["retry_after"] == 50 and refused["Retry-After"] == "50"
    assert "50 seconds" in body["detail"]
    # Another address has a budget of its own.
    assert client.get("/api/v1/programmes/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_spoofed_forwarded_for_does_not_reset_the_anonymous_count(
    three_anonymous_a_minute,
):
    client = APIClient()
    statuses = [
        client.get("/api/v1/programmes/", **_spoofed(n)).status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_signed_in_callers_are_not_counted_as_anonymous(three_anonymous_a_minute):
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert [client.get("/api/v1/programmes/").status_code for _ in range(5)] == [
        200
    ] * 5
    # Nor do their requests eat the address's anonymous budget.
    assert APIClient().get("/api/v1/programmes/").status_code == 200


def test_the_api_lets_everyone_through_with_the_cache_down(
    three_anonymous_a_minute, cache_down
):
    client = APIClient()
    assert [client.get("/api/v1/programmes/").status_code for _ in range(6)] == [
        200
    ] * 6


@pytest.fixture
def three_failed_sign_ins_a_minute(monkeypatch):
    from lms.api import TokenThrottle

    monkeypatch.setattr(
        TokenThrottle,
        "THROTTLE_RATES",
        {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/min"},
    )


def test_a_spoofed_forwarded_for_does_not_reset_failed_sign_ins(
    client, three_failed_sign_ins_a_minute
):
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"email": f"guess{n}@b.example", "password": "x"},
            content_type="application/json",
            **_spoofed(n),
        ).status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


# --- door 2: certificate lookups (20 a minute per address) ---------------------------


def test_certificate_lookups_are_limited_and_told_on_the_api_and_the_page(client):
    for _ in range(20):
        assert client.get(f"/api/v1/certificates/{generate_code()}/").status_code == 404
    api = client.get(f"/api/v1/certificates/{generate_code()}/")
    assert api.status_code == 429
    assert api.json()["code"] == "throttled"
    assert api.json()["retry_after"] == 50 and api["Retry-After"] == "50"
    page = client.get(f"/certificates/verify/{generate_code()}/")
    assert page.status_code == 429 and page["Retry-After"] == "50"
    assert "Please try again in 50 seconds." in page.content.decode()


def test_a_spoofed_forwarded_for_does_not_reset_certificate_lookups(client):
    statuses = [
        client.get(
            f"/certificates/verify/{generate_code()}/", **_spoofed(n)
        ).status_code
        for n in range(22)
    ]
    assert statuses == [404] * 20 + [429, 429]


def test_certificate_lookups_go_on_with_the_cache_down(client, cache_down):
    statuses = {
        client.get(f"/api/v1/certificates/{generate_code()}/").status_code
        for _ in range(25)
    }
    assert statuses == {404}


# --- door 3: the Q&A (one question per 10 s, 20 votes per 10 s) ----------------------


@pytest.fixture
def webinar(db):
    return webinar_page(office_page(), hosts=[UserFactory()])


def _attendee(webinar):
    user = UserFactory()
    Registration.objects.create(webinar=webinar, user=user)
    client = APIClient()
    client.force_authenticate(user)
    return user, client


def test_a_second_question_within_ten_seconds_is_refused(webinar):
    _alice, client = _attendee(webinar)
    url = f"/api/v1/webinars/{webinar.pk}/questions/"
    assert client.post(url, {"text": "One"}, format="json").status_code == 201
    refused = client.post(url, {"text": "Two"}, format="json")
    assert refused.status_code == 429
    body = refused.json()
    body.pop("request_id", None)
    assert body == {
        "code": "rate_limited",
        "detail": "You can ask one question every 10 seconds. Please wait a moment.",
        "retry_after": 10,
    }
    assert refused["Retry-After"] == "10"
    # Someone else may still ask.
    _bob, other = _attendee(webinar)
    assert other.post(url, {"text": "Mine"}, format="json").status_code == 201
    assert sorted(Question.objects.values_list("text", flat=True)) == ["Mine", "One"]


def test_votes_are_refused_after_twenty_in_ten_seconds(webinar):
    alice, _ = _attendee(webinar)
    bob, client = _attendee(webinar)
    question = webinar_services.question_ask(webinar=webinar, user=alice, text="Q")
    url = f"/api/v1/questions/{question.pk}/vote/"
    statuses = []
    for _ in range(10):  # vote and unvote: twenty changes
        statuses.append(client.post(url).status_code)
        statuses.append(client.delete(url).status_code)
    assert set(statuses) <= {200, 201, 204}
    refused = client.post(url)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert (
        refused.json()["detail"] == "Too many votes at once. Please wait a few seconds."
    )
    assert refused.json()["retry_after"] == 10


def test_the_qa_limits_fail_open_with_the_cache_down(webinar, cache_down):
    alice, client = _attendee(webinar)
    url = f"/api/v1/webinars/{webinar.pk}/questions/"
    assert [
        client.post(url, {"text": t}, format="json").status_code for t in "ABC"
    ] == [201] * 3
    question = Question.objects.first()
    vote = f"/api/v1/questions/{question.pk}/vote/"
    assert {client.post(vote).status_code for _ in range(25)} <= {200, 201}
