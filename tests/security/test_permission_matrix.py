"""Who may do what: every role against every sensitive page, endpoint and socket action.

The table says which roles are allowed each request and what they get; every
other role must be refused (401/403, a 404 that hides the object, or a
redirect to the log-in page or the admin home) and must not change anything.

Roles: ``trainer_x`` trains programme X, ``trainer_y`` another programme;
``office_editor`` edits the pages of programme X's office (Seoul),
``other_editor`` those of another office (Asia); both are staff with admin
access, as the demo's office editors are. ``staff`` is the Secretariat.
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.models import GroupPagePermission

from tests.courses.factories import give_skill
from tests.factories import UserFactory

ROLES = [
    "anonymous",
    "participant",
    "trainer_x",
    "trainer_y",
    "office_editor",
    "other_editor",
    "staff",
]
SIGNED_IN = set(ROLES) - {"anonymous"}
TRAINERS = {"trainer_x", "trainer_y", "staff"}
API_DENIED = {401, 403, 404}
PAGE_DENIED = {302, 403, 404}
NOBODY: set[str] = set()


def _attendance_body(w):
    session = w.programme_x.sessions.first()
    return [
        {"session": session.pk, "participant": w.participant.pk, "status": "present"}
    ]


def _grid_body(w):
    """The attendance grid form: one cell changed from unmarked to present."""
    cell = f"{w.enrolment.pk}-{w.session.pk}"
    return {f"cell-{cell}": "present", f"orig-{cell}": ""}


# name, method, url(world), body(world) or None, allowed roles, allowed statuses,
# denied statuses. Methods: "get"; "post" (JSON, the API); "form" (an HTML form
# post, form-encoded). Rows run GETs first, then writes in table order.
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
        {"trainer_x", "office_editor", "staff"},
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
        "edit programme X's office page in the admin",
        "get",
        lambda w: f"/admin/pages/{w.office.pk}/edit/",
        None,
        {"office_editor", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "edit the other office's page in the admin",
        "get",
        lambda w: f"/admin/pages/{w.asia.pk}/edit/",
        None,
        {"other_editor", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "add a programme under programme X's office in the admin",
        "get",
        lambda w: f"/admin/pages/add/courses/programmepage/{w.office.pk}/",
        None,
        {"office_editor", "staff"},
        {200},
        PAGE_DENIED,
    ),
    # --- trainer tools (Wagtail admin) -------------------------------------
    (
        "trainer tools: my programmes",
        "get",
        lambda w: "/admin/trainer/",
        None,
        TRAINERS,
        {200},
        PAGE_DENIED,
    ),
    (
        "trainer tools: roster and completion",
        "get",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "trainer tools: attendance grid",
        "get",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/attendance/",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "trainer tools: save the attendance grid",
        "form",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/attendance/",
        _grid_body,
        {"trainer_x", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "trainer tools: confirm completion for all",
        "form",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/completion/",
        lambda w: {"action": "confirm_all"},
        {"trainer_x", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "trainer tools: revoke a completion",
        "form",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/completion/",
        lambda w: {
            "action": "revoke",
            "enrolment": w.enrolment.pk,
            "reason": "matrix",
        },
        {"trainer_x", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "trainer tools: attendance export (CSV)",
        "get",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/export.csv",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "trainer tools: attendance export (XLSX)",
        "get",
        lambda w: f"/admin/trainer/programmes/{w.programme_x.pk}/export.xlsx",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "trainer tools: session check-in screen (the live code)",
        "get",
        lambda w: f"/admin/trainer/sessions/{w.session.pk}/check-in/",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "participant check-in page",
        "get",
        lambda w: f"/check-in/{w.session.pk}/",
        None,
        SIGNED_IN,
        {200},
        PAGE_DENIED,
    ),
    # --- certificate issuance ----------------------------------------------
    (
        "start certificate issuance (page)",
        "form",
        lambda w: f"/certificates/programmes/{w.programme_x.pk}/issue/",
        lambda w: {},
        {"trainer_x", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "issuance progress page",
        "get",
        lambda w: f"/certificates/jobs/{w.job.pk}/",
        None,
        {"trainer_x", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "issuance progress (API)",
        "get",
        lambda w: f"/api/v1/jobs/{w.job.pk}/",
        None,
        {"trainer_x", "staff"},
        {200},
        API_DENIED,
    ),
    (
        "webinar certificates of attendance (page)",
        "get",
        lambda w: f"/certificates/webinars/{w.webinar.pk}/issue/",
        None,
        {"trainer_x", "office_editor", "staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "start webinar certificate issuance (page)",
        "form",
        lambda w: f"/certificates/webinars/{w.webinar.pk}/issue/",
        lambda w: {"action": "issue"},
        {"trainer_x", "office_editor", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "start webinar certificate issuance (API)",
        "post",
        lambda w: f"/api/v1/webinars/{w.webinar.pk}/certificates/issue/",
        lambda w: {},
        {"trainer_x", "office_editor", "staff"},
        # The world's webinar is live: a moderator passes the permission check
        # and is told it is not over yet (webinar_not_over); others get 403.
        {400},
        API_DENIED,
    ),
    (
        "resume a stalled issuance run (page)",
        "form",
        lambda w: f"/certificates/jobs/{w.job.pk}/resume/",
        lambda w: {},
        {"trainer_x", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "resume a stalled issuance run (API)",
        "post",
        lambda w: f"/api/v1/jobs/{w.job.pk}/resume/",
        lambda w: {},
        {"trainer_x", "staff"},
        {202},
        API_DENIED,
    ),
    # --- certificates in the admin: list, inspect, revoke (Secretariat) ------
    (
        "issued certificates list (admin)",
        "get",
        lambda w: "/admin/issued_certificates/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "issued certificates export (admin, CSV)",
        "get",
        lambda w: "/admin/issued_certificates/?export=csv",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "inspect a certificate (admin)",
        "get",
        lambda w: f"/admin/issued_certificates/inspect/{w.certificate.pk}/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "certificate history (admin)",
        "get",
        lambda w: f"/admin/issued_certificates/history/{w.certificate.pk}/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "revocation form (admin)",
        "get",
        lambda w: f"/admin/issued_certificates/edit/{w.certificate.pk}/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "revoke a certificate (admin)",
        "form",
        lambda w: f"/admin/issued_certificates/edit/{w.certificate.pk}/",
        lambda w: {"revoked_reason": "Issued in error (matrix)."},
        {"staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "add a certificate by hand (admin): nobody",
        "get",
        lambda w: "/admin/issued_certificates/new/",
        None,
        NOBODY,
        set(),
        PAGE_DENIED,
    ),
    (
        "delete a certificate (admin): nobody",
        "form",
        lambda w: f"/admin/issued_certificates/delete/{w.certificate.pk}/",
        lambda w: {},
        NOBODY,
        set(),
        PAGE_DENIED,
    ),
    (
        "certificate templates (admin)",
        "get",
        lambda w: "/admin/snippets/certificates/certificatetemplate/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    # --- organisations and their membership tiers (Secretariat) -------------
    (
        "organisations (admin)",
        "get",
        lambda w: "/admin/organisations/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "edit an organisation's membership (admin)",
        "get",
        lambda w: f"/admin/organisations/edit/{w.organisation.pk}/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "add an organisation (admin)",
        "get",
        lambda w: "/admin/organisations/new/",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "delete an organisation (admin)",
        "form",
        lambda w: f"/admin/organisations/delete/{w.organisation.pk}/",
        lambda w: {},
        {"staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "webinar certificates list (admin)",
        "get",
        lambda w: "/admin/certificates/webinars/",
        None,
        {"trainer_x", "office_editor", "staff"},
        {200},
        PAGE_DENIED,
    ),
    # --- impact report (Secretariat) -----------------------------------------
    (
        "impact report (admin)",
        "get",
        lambda w: "/admin/reports/impact/?by=country",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    (
        "impact report (CSV)",
        "get",
        lambda w: "/admin/reports/impact/?format=csv",
        None,
        {"staff"},
        {200},
        PAGE_DENIED,
    ),
    # --- applications (office editors of the programme's office) -------------
    (
        "applications to decide (admin; lists only the viewer's own)",
        "get",
        lambda w: "/admin/courses/approvals/",
        None,
        SIGNED_IN - {"participant"},
        {200},
        PAGE_DENIED,
    ),
    (
        "approve an application (admin)",
        "form",
        lambda w: f"/admin/courses/approvals/{w.pending.pk}/approve/",
        lambda w: {"reason": "matrix"},
        {"office_editor", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "reject an application (admin)",
        "form",
        lambda w: f"/admin/courses/approvals/{w.pending.pk}/reject/",
        lambda w: {"reason": "matrix"},
        {"office_editor", "staff"},
        {302},
        PAGE_DENIED,
    ),
    (
        "decide on a delegation as one (admin)",
        "form",
        lambda w: f"/admin/courses/approvals/delegations/{w.delegation.pk}/reject/",
        lambda w: {"reason": "matrix"},
        {"office_editor", "staff"},
        {302},
        PAGE_DENIED,
    ),
]


def _request(client, method, url, body):
    if method == "get":
        return client.get(url)
    if method == "form":
        return client.post(url, data=body)
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _rows():
    """GETs first, so the writes (issuing, revoking, approving) come last."""
    return sorted(MATRIX, key=lambda row: row[1] != "get")


def _grant_admin_access(group_name: str, users) -> None:
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for user in users:
        user.groups.add(group)


@pytest.fixture
def matrix(world):
    """The security world, completed with what the admin rows need.

    Trainers get the admin access the demo's Trainers group gives; the
    other office's editor is staff, as demo editors are; programme X's
    office gets its own editor; programme X gets an issued certificate, an
    issuance job and a pending application.
    """
    from certificates.services import (
        certificate_ensure,
        certificates_issue_for_programme,
    )
    from lms.services import TRAINERS_GROUP, office_editors_group_name
    from tests.courses.factories import enrol

    _grant_admin_access(TRAINERS_GROUP, [world.trainer_x, world.trainer_y])
    world.editor.is_staff = True
    world.editor.save(update_fields=["is_staff"])
    world.other_editor = world.editor
    # Named as the demo names office editor groups: the webinars app finds
    # an office's editors (its moderators) by this name.
    group, _ = Group.objects.get_or_create(
        name=office_editors_group_name(world.office.title)
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=world.office,
            permission=Permission.objects.get(codename=codename),
        )
    office_editor = UserFactory(email="editor.seoul@city.example", is_staff=True)
    _grant_admin_access(group.name, [office_editor])
    world.office_editor = office_editor
    world.session = world.programme_x.sessions.order_by("starts_at").first()
    world.certificate, _created = certificate_ensure(
        enrolment=world.enrolment, actor=world.trainer_x
    )
    world.job = certificates_issue_for_programme(
        programme=world.programme_x, actor=world.trainer_x
    )
    from lms.models import Organisation

    world.organisation = Organisation.objects.create(name="Matrix City")
    applicant = give_skill(UserFactory(email="applicant@city.example"))
    world.pending = enrol(world.programme_x, applicant, status="pending_approval")
    from courses.models import EnrolmentGroup

    world.delegation = EnrolmentGroup.objects.create(
        programme=world.programme_x, organisation=world.organisation
    )
    for n in range(2):
        enrol(
            world.programme_x,
            give_skill(UserFactory(email=f"delegate{n}@city.example")),
            status="pending_approval",
            group=world.delegation,
        )
    return world


@pytest.mark.parametrize("role", ROLES)
def test_every_sensitive_request_is_allowed_only_to_its_roles(matrix, role):
    mismatches = []
    for name, method, url, body, allowed, ok_statuses, denied_statuses in _rows():
        client = Client()
        user = matrix.user(role)
        if user is not None:
            client.force_login(user)
        target = url(matrix)
        response = _request(client, method, target, body(matrix) if body else None)
        expected = ok_statuses if role in allowed else denied_statuses
        if response.status_code not in expected:
            mismatches.append(
                f"{name}: {method.upper()} {target} as {role} → "
                f"{response.status_code}, expected one of {sorted(expected)}"
            )
        elif response.status_code == 302:
            location = response["Location"]
            refused = "login" in location or location.rstrip("/") == "/admin"
            if refused == (role in allowed):
                mismatches.append(
                    f"{name}: {method.upper()} {target} as {role} → "
                    f"redirected to {location}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_every_sensitive_url_is_in_the_matrix(matrix):
    """Every admin view of our apps and every issuance route has a row: a new
    trainer, certificate or report view fails here until it is given one."""
    from urllib.parse import urlsplit

    from django.urls import URLPattern, URLResolver, get_resolver, resolve

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    apps = {"courses", "certificates", "cms", "webinars", "lms"}
    sensitive = set()
    for route, callback in walk(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "") or ""
        if module.split(".")[0] not in apps:
            continue
        if getattr(callback, "__name__", "") == "admin_login":
            # Not a page: sends everyone to the site's sign-in (test_two_factor).
            continue
        if route.startswith("admin/") or any(
            part in route for part in ("/issue/", "jobs/", "/roster/", "/attendance/")
        ):
            sensitive.add(route)

    def plain(route: str) -> str:
        return route.replace("^", "").replace("$", "")

    sensitive = {plain(route) for route in sensitive}
    covered = {plain(resolve(urlsplit(row[2](matrix)).path).route) for row in MATRIX}
    # Wagtail's generic views (the certificates viewset) live in wagtail
    # modules; their routes are checked by name below.
    missing = sorted(sensitive - covered)
    assert not missing, f"sensitive routes with no row in the matrix: {missing}"
    for base, views in (
        (
            "admin/issued_certificates/",
            ("inspect/", "history/", "edit/", "new/", "delete/"),
        ),
        ("admin/organisations/", ("edit/", "new/", "delete/")),
    ):
        assert base in covered, base
        for view in views:
            assert any(r.startswith(base + view) for r in covered), base + view


@pytest.mark.parametrize(
    ("role", "sees_it"),
    [
        ("trainer_x", False),
        ("other_editor", False),
        ("office_editor", True),
        ("staff", True),
    ],
)
def test_approval_queue_lists_only_applications_the_viewer_may_decide(
    matrix, role, sees_it
):
    client = Client()
    client.force_login(matrix.user(role))
    response = client.get("/admin/courses/approvals/")
    assert response.status_code == 200
    applicant = matrix.pending.user.email
    assert (applicant in response.content.decode()) is sees_it


def test_refused_requests_change_nothing(matrix):
    """The denied writes leave attendance, completion, certificates,
    applications and moderation as they were."""
    from certificates.models import Certificate, IssuanceJob
    from courses.models import Attendance, Enrolment

    jobs_before = IssuanceJob.objects.count()
    for role in ("anonymous", "participant", "trainer_y", "office_editor"):
        client = Client()
        if matrix.user(role):
            client.force_login(matrix.user(role))
        for name, method, url, body, allowed, _ok, _denied in MATRIX:
            if method != "get" and "withdraw" not in name and role not in allowed:
                _request(client, method, url(matrix), body(matrix) if body else None)
    for role in ("other_editor",):
        client = Client()
        client.force_login(matrix.user(role))
        for name, method, url, body, allowed, _ok, _denied in MATRIX:
            if method != "get" and "withdraw" not in name and role not in allowed:
                _request(client, method, url(matrix), body(matrix) if body else None)
    assert not Attendance.objects.exists()
    assert Certificate.objects.count() == 1
    matrix.certificate.refresh_from_db()
    assert not matrix.certificate.is_revoked
    assert IssuanceJob.objects.count() == jobs_before
    matrix.enrolment.refresh_from_db()
    assert matrix.enrolment.completed_at is not None
    matrix.pending.refresh_from_db()
    assert matrix.pending.status == "pending_approval"
    assert Enrolment.objects.filter(completed_at__isnull=False).count() == 1
    matrix.question.refresh_from_db()
    assert not matrix.question.pinned
    assert type(matrix.organisation).objects.filter(pk=matrix.organisation.pk).exists()


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
        ("other_editor", False),
        ("office_editor", True),
        ("trainer_x", True),
        ("staff", True),
    ],
)
def test_socket_moderation_is_allowed_only_to_moderators(matrix, role, may_moderate):
    """Runs the socket inside the test's transaction (``async_to_sync`` sends
    the consumer's database calls back to this thread)."""
    world = matrix
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
        connected, _ = await communicator.connect(timeout=10)
        frames = []
        while True:
            output = await communicator.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                return connected, frames, output["code"]
            frames.append(json.loads(output["text"]))

    connected, frames, code = async_to_sync(scenario)()
    # Accepted only to be closed with the code a real client can see; the one
    # frame before it says why and carries no Q&A state.
    assert connected
    assert code == 4401
    assert [f["type"] for f in frames] == ["error"]
