import re

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Enrolment, ProgrammeIndexPage, SessionKind
from tests.factories import UserFactory

from .factories import enrol, make_programme, site_tree
from .test_enrolment import PDF


def test_anonymous_visitor_sees_timetable_and_a_sign_in_prompt(client, programme):
    response = client.get(programme.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to see whether you can enrol" in html
    assert "Session 1" in html
    assert "Asia/Seoul" in html


def test_member_sees_verdicts_and_applies_without_javascript(client, programme, member):
    client.force_login(member)
    html = client.get(programme.url).content.decode()
    assert "seats are still free" in html
    assert f'action="/programmes/{programme.pk}/apply/"' in html
    response = client.post(f"/programmes/{programme.pk}/apply/")
    assert response.status_code == 302
    assert Enrolment.objects.get(user=member).status == "confirmed"
    page = client.get(programme.url).content.decode()
    assert "Withdraw my application" in page


def _motivation_field(html: str) -> str:
    return re.search(r"<textarea[^>]*name=\"motivation\"[^>]*>", html).group(0)


def test_questions_are_optional_on_the_form_unless_answers_are_required(
    client, office, member
):
    label = "how will your city use it?"
    optional = make_programme(office=office, asks_motivation=True)
    client.force_login(member)
    html = client.get(optional.url).content.decode()
    assert f"{label} (optional)" in html
    assert " required" not in _motivation_field(html)
    assert client.post(f"/programmes/{optional.pk}/apply/").status_code == 302
    assert Enrolment.objects.get(user=member).status == "confirmed"

    required = make_programme(
        office=office, asks_motivation=True, answers_required=True
    )
    html = client.get(required.url).content.decode()
    assert f"{label} (optional)" not in html
    assert " required" in _motivation_field(html)
    response = client.post(f"/programmes/{required.pk}/apply/", follow=True)
    assert "This field is required" in response.content.decode()
    assert not Enrolment.objects.filter(programme=required).exists()


def test_non_member_sees_why_not_and_no_form(client, office, egov_rules, non_member):
    programme = make_programme(office=office, rules=egov_rules)
    client.force_login(non_member)
    html = client.get(programme.url).content.decode()
    assert "is not a member" in html
    assert "/apply/" not in html
    client.post(f"/programmes/{programme.pk}/apply/")
    assert not Enrolment.objects.exists()


def test_viewer_local_time_is_shown(client, programme, member):
    member.timezone = "Africa/Nairobi"
    member.save()
    client.force_login(member)
    html = client.get(programme.url).content.decode()
    assert "Africa/Nairobi" in html


def test_my_programmes_lists_status_position_and_feed(client, office, member):
    programme = make_programme(office=office, capacity=1)
    enrol(programme, UserFactory())
    enrol(programme, member, status="waitlisted", waitlist_position=1)
    client.force_login(member)
    html = client.get("/my/programmes/").content.decode()
    assert programme.title in html
    assert "Position 1" in html
    assert member.calendar_token in html


def test_index_lists_upcoming_and_past_with_filters(client, office):
    home, _office = site_tree()
    index = ProgrammeIndexPage(title="Programmes", slug="programmes")
    home.add_child(instance=index)
    make_programme(office=office, title="Future one", kind="seoul_program")
    from datetime import date

    make_programme(
        office=office,
        title="Old one",
        starts_on=date(2016, 5, 2),
        ends_on=date(2016, 5, 13),
        enrolment_opens_at=None,
        enrolment_closes_at=None,
    )
    html = client.get(index.url).content.decode()
    assert "Future one" in html and "Old one" not in html
    past = client.get(index.url + "?when=past").content.decode()
    assert "Old one" in past and "Future one" not in past
    none = client.get(index.url + "?kind=jeju_workshop").content.decode()
    assert "Future one" not in none


def test_presentations_are_shared_with_the_cohort_only(client, office, member):
    programme = make_programme(office=office)
    session = programme.sessions.first()
    session.kind = SessionKind.PARTICIPANT_PRESENTATION
    session.save()
    enrolment = enrol(programme, member)
    colleague = UserFactory()
    enrol(programme, colleague)
    client.force_login(member)
    upload = SimpleUploadedFile("slides.pdf", PDF, "application/pdf")
    client.post(
        f"/programmes/{programme.pk}/presentation/",
        {"title": "Hanoi smart city", "file": upload},
    )
    presentation = enrolment.presentation
    client.force_login(colleague)
    assert client.get(f"/presentations/{presentation.pk}/slides.pdf").status_code == 200
    client.force_login(UserFactory())
    assert client.get(f"/presentations/{presentation.pk}/slides.pdf").status_code == 404


def test_approval_queue_in_admin(client, office, staff_user, member):
    programme = make_programme(office=office, rules=[("approval_required", {})])
    from courses import services

    enrolment = services.enrolment_apply(programme=programme, user=member, answers={})
    client.force_login(staff_user)
    html = client.get("/admin/courses/approvals/").content.decode()
    assert member.email in html
    client.post(f"/admin/courses/approvals/{enrolment.pk}/approve/")
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"
