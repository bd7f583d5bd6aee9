"""Who may do what: every role against every sensitive page, endpoint and socket action.

The table says which roles are allowed each request and what they get; every
other role must be refused (401/403, a 404 that hides the object, or a
redirect to the log-in page) and must not change anything.
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

ROLES = ["anonymous", "participant", "trainer_x", "trainer_y", "editor", "staff"]
SIGNED_IN = set(ROLES) - {"anonymous"}
API_DENIED = {401, 403, 404}
PAGE_DENIED = {302, 403, 404}


def _attendance_body(w):
    session = w.programme_x.sessions.first()
    return [
        {"session": session.pk, "participant": w.participant.pk, "status": "present"}
    ]


# name, method, url(world), body(world) or None, allowed roles, allowed statuses, denied statuses
MATRIX = [
    (
        "roster (API)",
        "get",
        lambda w: f"/api/v1/programmes/{w.programme_x.pk}/roster/",
        None,
        {"trainer_x", "staff"},
        {200},
        API_DENIED,
    ),
    (
        "bulk attendance (API)",
        "post",
        lambda w: f"/api/v1/programmes/{w.programme_x.pk}/attendance/",
        _attendance_body,
        {"trainer_x", "staff"},
        {200, 201},
        API_DENIED,
    ),
    (
        "issue certificates (API)",
        "post",
        lambda w: f"/api/v1/programmes/{w.programme_x.pk}/certificates/issue/",
        lambda w: {},
        {"trainer_x", "staff"},
        {202},
        API_DENIED,
    ),
    (
        "eligibility (API)",
        "get",
        lambda w: f"/api/v1/programmes/{w.programme_x.pk}/eligibility/",
        None,
        SIGNED_IN,
        {200},
        API_DENIED,
    ),
    (
        "own enrolments (API)",
        "get",
        lambda w: "/api/v1/me/enrolments/",
        None,
        SIGNED_IN,
        {200},
        API_DENIED,
    ),
    (
        "own certificates (API)",
        "get",
        lambda w: "/api/v1/me/certificates/",
        None,
        SIGNED_IN,
        {200},
        API_DENIED,
    ),
    (
        "withdraw someone's enrolment (API)",
        "post",
        lambda w: f"/api/v1/enrolments/{w.enrolment.pk}/withdraw/",
        lambda w: {},
        {"participant"},
        {200},
        API_DENIED,
    ),
    (
        "moderate a question (API)",
        "post",
        lambda w: f"/api/v1/questions/{w.question.pk}/moderate/",
        lambda w: {"action": "pin"},
        {"trainer_x", "staff"},
        {200},
        API_DENIED,
    ),
    (
        "certificate issuance page",
        "get",
        lambda w: f"/certificates/programmes/{w.programme_x.pk}/issue/",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "my programmes page",
        "get",
        lambda w: "/my/programmes/",
        None,
        SIGNED_IN,
        {200},
        PAGE_DENIED,
    ),
    (
        "edit another office's page in the admin",
        "get",
        lambda w: f"/admin/pages/{w.office.pk}/edit/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "edit own office's page in the admin",
        "get",
        lambda w: f"/admin/pages/{w.asia.pk}/edit/",
        None,
        {"editor", "staff"},
        {200},
        PAGE_DENIED,
    ),
]


def _request(client, method, url, body):
    if method == "get":
        return client.get(url)
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
def test_every_sensitive_request_is_allowed_only_to_its_roles(world, role):
    mismatches = []
    for name, method, url, body, allowed, ok_statuses, denied_statuses in MATRIX:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        target = url(world)
        response = _request(client, method, target, body(world) if body else None)
        expected = ok_statuses if role in allowed else denied_statuses
        if response.status_code not in expected:
            mismatches.append(
                f"{name}: {method.upper()} {target} as {role} → "
                f"{response.status_code}, expected one of {sorted(expected)}"
            )
        if response.status_code == 302 and role not in allowed:
            location = response["Location"]
            assert "login" in location or location.startswith("/admin/"), (
                f"{name} as {role} redirected to {location}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_refused_requests_change_nothing(world):
    """The denied writes of the matrix leave attendance, certificates and moderation as they were."""
    from certificates.models import Certificate
    from courses.models import Attendance

    for role in ("anonymous", "participant", "trainer_y", "editor"):
        client = Client()
        if world.user(role):
            client.force_login(world.user(role))
        for name, method, url, body, allowed, _ok, _denied in MATRIX:
            if method == "post" and "withdraw" not in name and role not in allowed:
                _request(client, method, url(world), body(world) if body else None)
    assert not Attendance.objects.exists()
    assert not Certificate.objects.exists()
    world.question.refresh_from_db()
    assert not world.question.pinned


async def _socket(world, user):
    from lms.asgi import application
    from lms.services import api_token_create

    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        key = await database_sync_to_async(api_token_create)(user=user, name="matrix")
        headers.append((b"authorization", f"Token {key}".encode()))
    return WebsocketCommunicator(
        application, f"/ws/webinars/{world.webinar.pk}/qa/", headers=headers
    )


async def _receive_until(communicator, kind: str, limit: int = 10):
    for _ in range(limit):
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} frame")


@pytest.mark.parametrize(
    ("role", "may_moderate"),
    [
        ("participant", False),
        ("trainer_y", False),
        ("editor", False),
        ("trainer_x", True),
        ("staff", True),
    ],
)
def test_socket_moderation_is_allowed_only_to_moderators(world, role, may_moderate):
    """Runs the socket inside the test's transaction (``async_to_sync`` sends
    the consumer's database calls back to this thread)."""
    from asgiref.sync import async_to_sync

    from webinars.models import Question, Registration

    user = world.user(role)
    # Registered, so only the moderator role (not registration) decides.
    Registration.objects.get_or_create(webinar=world.webinar, user=user)

    async def scenario():
        communicator = await _socket(world, user)
        connected, _code = await communicator.connect(timeout=10)
        assert connected
        await _receive_until(communicator, "snapshot")
        await communicator.send_json_to(
            {"type": "moderate", "question": world.question.pk, "action": "hide"}
        )
        if may_moderate:
            # The broadcast waits for a commit that this test never makes;
            # what matters is no error frame and the stored state below.
            frames = []
            while not await communicator.receive_nothing(timeout=2):
                frames.append(await communicator.receive_json_from(timeout=5))
            assert not [f for f in frames if f["type"] == "error"], frames
        else:
            error = await _receive_until(communicator, "error")
            assert error["code"] in {"forbidden", "permission_denied", "not_moderator"}
        await communicator.disconnect()

    async_to_sync(scenario)()
    question = Question.objects.get(pk=world.question.pk)
    assert (question.status == "hidden") is may_moderate


def test_anonymous_socket_is_refused_before_any_state(world):
    from asgiref.sync import async_to_sync

    async def scenario():
        communicator = await _socket(world, None)
        return await communicator.connect(timeout=10)

    connected, code = async_to_sync(scenario)()
    assert not connected
    assert code == 4401
