"""500 eligible officials enrol at once on a 30-seat programme, over real HTTP.

The threaded live server on PostgreSQL, 500 distinct members with tokens,
64 client threads firing together (PostgreSQL's connection limit, not the
test, bounds the parallelism). Exactly 30 seats are confirmed, the waitlist is
numbered 1..470 without gaps, no request fails with a server error (a 503
``busy`` with ``Retry-After`` is the documented answer under lock contention
and is retried), and every person holds exactly one enrolment.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from lms.models import MembershipTier, Organisation, SkillLevel, User, UserSkill
from lms.services import api_token_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 500
SEATS = 30
WORKERS = 64


def _crowd(n: int) -> list[User]:
    organisation = Organisation.objects.create(
        name="Rush City",
        country="Viet Nam",
        region="asia",
        membership_tier=MembershipTier.FULL,
    )
    password = make_password("x")
    users = User.objects.bulk_create(
        User(
            email=f"rush{i}@city.example",
            first_name="Rush",
            last_name=str(i),
            organisation=organisation,
            password=password,
        )
        for i in range(n)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    UserSkill.objects.bulk_create(
        UserSkill(user=u, skill="java", level=SkillLevel.INTERMEDIATE) for u in users
    )
    return users


def _post(url: str, token: str, deadline: float) -> tuple[int, dict]:
    body = json.dumps({"answers": {}}).encode()
    while True:
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            if (
                exc.code == 503
                and exc.headers.get("Retry-After")
                and (time.monotonic() < deadline)
            ):
                time.sleep(min(float(exc.headers["Retry-After"]), 3))
                continue
            try:
                return exc.code, json.loads(payload)
            except ValueError:
                return exc.code, {"raw": payload[:200].decode(errors="replace")}
        except (ConnectionError, urllib.error.URLError):
            # The test server's listen backlog is small: a refused or reset
            # connection never reached the application, so the client retries.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_500_concurrent_enrolments_fill_30_seats_and_number_the_waitlist(live_server):
    from courses.models import Enrolment
    from tests.courses.factories import make_programme

    programme = make_programme(
        capacity=SEATS,
        rules=[
            ("membership_tiers", {"tiers": [MembershipTier.FULL]}),
            ("skill", {"skill": "java", "min_level": SkillLevel.INTERMEDIATE}),
            ("capacity", {"waitlist": True}),
        ],
    )
    users = _crowd(PEOPLE)
    tokens = [api_token_create(user=u, name="rush") for u in users]
    url = f"{live_server.url}/api/v1/programmes/{programme.pk}/enrolments/"
    start = threading.Barrier(WORKERS)
    deadline = time.monotonic() + 240

    def fire(index: int):
        if index < WORKERS:
            start.wait(timeout=60)
        return _post(url, tokens[index], deadline)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(fire, range(PEOPLE)))

    statuses = [status for status, _ in results]
    assert not [r for r in results if r[0] >= 500], [r for r in results if r[0] >= 500][
        :5
    ]
    # 409 only when a retried request had already been served (its answer lost).
    assert set(statuses) <= {201, 409}, sorted(set(statuses))
    assert all(b.get("code") == "already_enrolled" for s, b in results if s == 409)
    answered = [body["status"] for status, body in results if status == 201]
    assert answered.count("confirmed") <= SEATS

    rows = Enrolment.objects.filter(programme=programme)
    assert rows.count() == PEOPLE
    assert rows.values("user").distinct().count() == PEOPLE
    assert rows.filter(status="confirmed").count() == SEATS
    positions = sorted(
        rows.filter(status="waitlisted").values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, PEOPLE - SEATS + 1))
