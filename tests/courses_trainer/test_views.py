import csv
import io
import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.models import Attendance, Enrolment
from courses.services import attendance_mark
from tests.courses.factories import enrol
from tests.factories import OrganisationFactory, UserFactory

from .conftest import add_trainer, admin_access


def grid_url(programme):
    return reverse("courses_trainer_attendance", args=[programme.pk])


def detail_url(programme):
    return reverse("courses_trainer_programme", args=[programme.pk])


def form_of(response) -> dict:
    """What the browser would post back: every cell and its hidden original."""
    data = {}
    grid = response.context["grid"]
    for row in grid.rows:
        for cell in row.cells:
            if cell.editable:
                key = f"{row.enrolment.pk}-{cell.session.pk}"
                data[f"orig-{key}"] = cell.status
                data[f"cell-{key}"] = cell.status
    return data


def test_trainer_sees_only_their_programmes(
    client, trainer, programme, other_programme
):
    client.force_login(trainer)
    response = client.get(reverse("courses_trainer_programmes"))
    assert response.status_code == 200
    content = response.content.decode()
    assert programme.title in content
    assert other_programme.title not in content


def test_secretariat_sees_every_programme(
    client, staff_user, programme, other_programme
):
    client.force_login(staff_user)
    content = client.get(reverse("courses_trainer_programmes")).content.decode()
    assert programme.title in content and other_programme.title in content


def test_trainer_tools_menu_item_is_shown_to_trainers(client, trainer):
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_home"))
    assert "Trainer tools" in response.content.decode()


def test_grid_renders_labelled_cells_and_bulk_buttons(
    client, trainer, programme, participants
):
    client.force_login(trainer)
    response = client.get(grid_url(programme))
    assert response.status_code == 200
    content = response.content.decode()
    session = programme.sessions.first()
    enrolment = participants[0]
    cell = f"cell-{enrolment.pk}-{session.pk}"
    assert f'<label class="trainer-sr-only" for="{cell}">' in content
    assert f'name="orig-{enrolment.pk}-{session.pk}" value=""' in content
    assert f'name="all_present" value="{session.pk}"' in content
    assert len(response.context["grid"].rows) == 3


def test_late_participant_cells_read_not_enrolled_yet(client, trainer, programme):
    sessions = list(programme.sessions.order_by("starts_at"))
    late = enrol(programme, UserFactory())
    Enrolment.objects.filter(pk=late.pk).update(
        confirmed_at=sessions[1].starts_at + timedelta(minutes=1)
    )
    client.force_login(trainer)
    response = client.get(grid_url(programme))
    content = response.content.decode()
    assert "not enrolled yet" in content
    assert f"cell-{late.pk}-{sessions[0].pk}" not in content
    assert f"cell-{late.pk}-{sessions[2].pk}" in content
    # the late cells are not counted, so "mark all present" leaves them alone
    client.post(
        grid_url(programme), {**form_of(response), "all_present": sessions[0].pk}
    )
    assert not Attendance.objects.filter(enrolment=late, session=sessions[0]).exists()


def test_saving_writes_only_changed_cells(client, trainer, programme, participants):
    session = programme.sessions.first()
    attendance_mark(
        session=session, enrolment=participants[1], status="excused", actor=trainer
    )
    client.force_login(trainer)
    data = form_of(client.get(grid_url(programme)))
    data[f"cell-{participants[0].pk}-{session.pk}"] = "present"
    response = client.post(grid_url(programme), data)
    assert response.status_code == 302
    marks = {(a.enrolment_id, a.session_id): a.status for a in Attendance.objects.all()}
    assert marks == {
        (participants[0].pk, session.pk): "present",
        (participants[1].pk, session.pk): "excused",
    }


def test_two_trainers_editing_at_once_keep_each_others_cells(
    client, trainer, second_trainer, programme, participants
):
    first, second = list(programme.sessions.order_by("starts_at"))[:2]
    a, b = participants[0], participants[1]
    client.force_login(trainer)
    form_a = form_of(client.get(grid_url(programme)))
    client.force_login(second_trainer)
    form_b = form_of(client.get(grid_url(programme)))

    form_a[f"cell-{a.pk}-{first.pk}"] = "present"
    client.force_login(trainer)
    client.post(grid_url(programme), form_a)

    # B's page still shows A's cell empty; B only changed another cell.
    form_b[f"cell-{b.pk}-{second.pk}"] = "absent"
    client.force_login(second_trainer)
    client.post(grid_url(programme), form_b)

    marks = {
        (m.enrolment_id, m.session_id): (m.status, m.marked_by_id)
        for m in Attendance.objects.all()
    }
    assert marks == {
        (a.pk, first.pk): ("present", trainer.pk),
        (b.pk, second.pk): ("absent", second_trainer.pk),
    }


def test_same_cell_changed_by_two_trainers_keeps_the_first_and_warns(
    client, trainer, second_trainer, programme, participants
):
    session = programme.sessions.first()
    a = participants[0]
    cell = f"cell-{a.pk}-{session.pk}"
    client.force_login(trainer)
    form_a = form_of(client.get(grid_url(programme)))
    client.force_login(second_trainer)
    form_b = form_of(client.get(grid_url(programme)))
    client.force_login(trainer)
    client.post(grid_url(programme), {**form_a, cell: "excused"})
    client.force_login(second_trainer)
    response = client.post(grid_url(programme), {**form_b, cell: "absent"}, follow=True)
    assert Attendance.objects.get(enrolment=a, session=session).status == "excused"
    assert "changed by someone else" in response.content.decode()


def test_mark_all_present_for_one_session(client, trainer, programme, participants):
    first, second = list(programme.sessions.order_by("starts_at"))[:2]
    attendance_mark(
        session=first, enrolment=participants[2], status="present", actor=trainer
    )
    client.force_login(trainer)
    data = form_of(client.get(grid_url(programme)))
    client.post(grid_url(programme), {**data, "all_present": first.pk})
    assert set(
        Attendance.objects.filter(session=first).values_list("enrolment_id", "status")
    ) == {(e.pk, "present") for e in participants}
    assert not Attendance.objects.filter(session=second).exists()


def _attend(programme, enrolment, trainer, present: int):
    for index, session in enumerate(programme.sessions.order_by("starts_at")):
        status = "present" if index < present else "absent"
        attendance_mark(
            session=session, enrolment=enrolment, status=status, actor=trainer
        )


def test_completion_confirm_is_refused_below_the_rule(
    client, trainer, programme, participants
):
    enrolment = participants[0]
    _attend(programme, enrolment, trainer, present=2)  # 2 of 4, needs 3
    client.force_login(trainer)
    response = client.post(
        reverse("courses_trainer_completion", args=[programme.pk]),
        {"action": "confirm", "enrolment": enrolment.pk},
        follow=True,
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert "attended 2 of 4 counted sessions; needs 3" in response.content.decode()


def test_completion_confirm_is_recorded_with_who_and_when(
    client, trainer, programme, participants
):
    enrolment = participants[0]
    _attend(programme, enrolment, trainer, present=3)
    client.force_login(trainer)
    client.post(
        reverse("courses_trainer_completion", args=[programme.pk]),
        {"action": "confirm", "enrolment": enrolment.pk},
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.completed_by == trainer
    page = client.get(detail_url(programme)).content.decode()
    assert f"Confirmed by {trainer}" in page and " UTC" in page


def test_bulk_completion_confirms_only_those_who_meet_the_rule(
    client, trainer, programme, participants
):
    _attend(programme, participants[0], trainer, present=4)
    _attend(programme, participants[1], trainer, present=3)
    _attend(programme, participants[2], trainer, present=1)
    client.force_login(trainer)
    client.post(
        reverse("courses_trainer_completion", args=[programme.pk]),
        {"action": "confirm_all"},
    )
    done = set(
        Enrolment.objects.filter(completed_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert done == {participants[0].pk, participants[1].pk}


def test_completion_can_be_revoked_with_a_reason(
    client, trainer, programme, participants
):
    enrolment = participants[0]
    _attend(programme, enrolment, trainer, present=4)
    client.force_login(trainer)
    url = reverse("courses_trainer_completion", args=[programme.pk])
    client.post(url, {"action": "confirm", "enrolment": enrolment.pk})
    client.post(url, {"action": "revoke", "enrolment": enrolment.pk, "reason": "typo"})
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert enrolment.events.filter(reason__contains="typo").exists()


def test_roster_shows_status_organisation_country_and_reason(
    client, trainer, programme, participants
):
    client.force_login(trainer)
    content = client.get(detail_url(programme)).content.decode()
    person = participants[0]
    assert str(person.user) in content
    assert person.organisation.name in content
    assert "Viet Nam" in content
    assert "Confirmed" in content
    assert "attended 0 of 4 counted sessions; needs 3" in content


def test_programme_page_has_svg_charts_and_a_table_alternative(
    client, trainer, programme, participants
):
    first = programme.sessions.order_by("starts_at").first()
    attendance_mark(
        session=first, enrolment=participants[0], status="present", actor=trainer
    )
    client.force_login(trainer)
    content = client.get(detail_url(programme)).content.decode()
    assert (
        content.count('<svg xmlns="http://www.w3.org/2000/svg" class="trainer-chart"')
        == 2
    )
    assert "Session 1: 1 of 3 present" in content  # the chart's <desc>
    assert "<script" not in content.split("trainer-charts")[1].split("</section>")[0]
    assert "The charts&#x27; figures" in content or "The charts' figures" in content


def test_check_in_screen_shows_code_and_inline_qr(client, trainer, live_session):
    from courses.trainer.checkin import checkin_code

    client.force_login(trainer)
    response = client.get(reverse("courses_trainer_checkin", args=[live_session.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    code = checkin_code(session_id=live_session.pk).code
    assert code in content
    assert "<svg" in content
    assert f"/check-in/{live_session.pk}/?code={code}" in content


HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile(programme):
    organisation = OrganisationFactory(name="@SUM(1)", country="-Nowhere")
    user = UserFactory(first_name=HOSTILE, last_name="+1", organisation=organisation)
    return enrol(programme, user)


def test_csv_export_is_rfc4180_and_formula_safe(client, trainer, programme, hostile):
    client.force_login(trainer)
    response = client.get(reverse("courses_trainer_export", args=[programme.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Participant"
    row = rows[1]
    assert row[0] == "'" + HOSTILE + " +1"
    assert row[2] == "'@SUM(1)"
    assert row[3] == "'-Nowhere"
    assert '"\'=HYPERLINK(""http://x"",""y"") +1"' in text  # quotes doubled
    for value in row:
        assert not value.startswith(("=", "+", "-", "@"))


def test_xlsx_export_stores_no_formula(client, trainer, programme, hostile):
    client.force_login(trainer)
    response = client.get(
        reverse("courses_trainer_export", args=[programme.pk, "xlsx"])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + HOSTILE + " +1" in values
    assert "'@SUM(1)" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_safe_cell_prefixes_every_trigger():
    from courses.trainer.exports import safe_cell

    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(trigger + "1") == "'" + trigger + "1"
    assert safe_cell("Seoul") == "Seoul"
    assert safe_cell(None) == ""


# --- permissions ----------------------------------------------------------------


def test_trainer_of_x_cannot_see_mark_or_export_y(
    client, trainer, other_programme, caplog
):
    other = enrol(other_programme, UserFactory())
    session = other_programme.sessions.first()
    client.force_login(trainer)
    caplog.set_level(logging.WARNING, logger="security")
    urls = [
        detail_url(other_programme),
        grid_url(other_programme),
        reverse("courses_trainer_export", args=[other_programme.pk, "csv"]),
        reverse("courses_trainer_export", args=[other_programme.pk, "xlsx"]),
        reverse("courses_trainer_checkin", args=[session.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(
        grid_url(other_programme),
        {
            f"cell-{other.pk}-{session.pk}": "present",
            f"orig-{other.pk}-{session.pk}": "",
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("courses_trainer_completion", args=[other_programme.pk]),
        {"action": "confirm_all"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    refusals = [r for r in caplog.records if r.name == "security"]
    assert len(refusals) >= len(urls) + 2
    message = refusals[0].getMessage()
    assert f"user={trainer.pk}" in message
    assert f"programme:{other_programme.pk}" in message
    assert "+00:00" in message


def test_unknown_programme_is_404(client, trainer):
    client.force_login(trainer)
    assert (
        client.get(reverse("courses_trainer_programme", args=[999999])).status_code
        == 404
    )


def test_participant_cannot_reach_trainer_tools(client, programme, participants):
    person = participants[0].user
    client.force_login(person)
    for url in (reverse("courses_trainer_programmes"), detail_url(programme)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert response.status_code != 200
    # even with admin access, someone who trains nothing is refused
    admin_access(person)
    assert client.get(reverse("courses_trainer_programmes")).status_code == 403
    assert client.get(detail_url(programme)).status_code == 403


def test_trainer_of_another_programme_only_is_refused_here(
    client, other_programme, programme
):
    someone = add_trainer(other_programme, admin_access(UserFactory(is_staff=True)))
    client.force_login(someone)
    assert client.get(detail_url(programme)).status_code == 403
    assert client.get(detail_url(other_programme)).status_code == 200


def test_staff_can_do_everything(client, staff_user, programme, participants):
    session = programme.sessions.first()
    client.force_login(staff_user)
    assert client.get(detail_url(programme)).status_code == 200
    response = client.get(grid_url(programme))
    assert response.status_code == 200
    client.post(grid_url(programme), {**form_of(response), "all_present": session.pk})
    assert Attendance.objects.filter(session=session, status="present").count() == 3
    assert (
        client.get(
            reverse("courses_trainer_export", args=[programme.pk, "csv"])
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("courses_trainer_checkin", args=[session.pk])).status_code
        == 200
    )


def test_programme_page_links_check_in_only_for_sessions_not_over(
    client, trainer, programme, live_session
):
    from django.utils import timezone

    from courses.models import Session

    past = Session.objects.create(
        programme=programme,
        title="Yesterday's lecture",
        starts_at=timezone.now() - timedelta(days=1, hours=2),
        ends_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(trainer)
    content = client.get(detail_url(programme)).content.decode()
    assert reverse("courses_trainer_checkin", args=[live_session.pk]) in content
    assert reverse("courses_trainer_checkin", args=[past.pk]) not in content


def test_unknown_export_format_is_404(client, trainer, programme):
    client.force_login(trainer)
    url = reverse("courses_trainer_export", args=[programme.pk, "pdf"])
    assert client.get(url).status_code == 404
