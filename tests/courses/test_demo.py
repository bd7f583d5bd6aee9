import os

from django.core.management import call_command

from courses.models import Attendance, Enrolment, ProgrammePage, Session
from courses.selectors import programme_eligibility
from lms.models import User
from tests.seeded import DemoTestCase


def _counts():
    return (
        ProgrammePage.objects.count(),
        Session.objects.count(),
        Enrolment.objects.count(),
        Attendance.objects.count(),
        sorted(Session.objects.values_list("pk", flat=True)),
    )


class CoursesDemoTests(DemoTestCase):
    def test_demo_programmes_show_what_the_personas_need(self):
        titles = set(ProgrammePage.objects.live().values_list("title", flat=True))
        assert {
            "Seoul Program 2016",
            "Jeju Workshop 2016",
            "eGovFrame Technical Training",
            "eGovFrame Technical Training 2016",
            "Asia Regional Office e-Government Training 2015",
        } <= titles
        assert any(
            t.startswith("Seoul Program 20") and t != "Seoul Program 2016"
            for t in titles
        )
        seoul = ProgrammePage.objects.get(title="Seoul Program 2016")
        hanoi = User.objects.get(email="dev.hanoi@wego.example")
        trainer = User.objects.get(email="trainer@wego.example")
        enrolment = Enrolment.objects.get(programme=seoul, user=hanoi)
        assert enrolment.completed_at and enrolment.completed_by == trainer
        assert (
            Enrolment.objects.filter(
                programme=seoul, completed_at__isnull=False
            ).count()
            >= 5
        )
        assert set(trainer.trained_programmes.values_list("title", flat=True)) == {
            "Seoul Program 2016",
            "eGovFrame Technical Training",
        }

        egov = ProgrammePage.objects.get(title="eGovFrame Technical Training")
        assert egov.is_open and egov.capacity == 20
        assert programme_eligibility(programme=egov, user=hanoi)[0]
        nairobi = User.objects.get(email="official.nairobi@wego.example")
        ok, verdicts = programme_eligibility(programme=egov, user=nairobi)
        assert not ok and [v.rule for v in verdicts if not v.ok] == ["skill"]
        johor = User.objects.get(email="official.johorbahru@wego.example")
        ok, verdicts = programme_eligibility(programme=egov, user=johor)
        assert not ok
        assert "Johor Bahru City Council is not a member" in " ".join(
            v.message for v in verdicts
        )

    def test_seeding_twice_changes_nothing(self):
        before = _counts()
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert _counts() == before

    def test_demo_pages_render(self):
        client = self.client
        assert client.get("/programmes/").status_code == 200
        egov = ProgrammePage.objects.get(title="eGovFrame Technical Training")
        client.force_login(User.objects.get(email="dev.hanoi@wego.example"))
        html = client.get(egov.url).content.decode()
        assert "Where should the training take place?" in html
        assert client.get("/").status_code == 200

    def test_home_and_office_pages_show_programmes(self):
        client = self.client
        home = client.get("/").content.decode()
        assert "Open for enrolment" in home
        assert "eGovFrame Technical Training" in home
        from cms.models import RegionalOfficePage

        asia = RegionalOfficePage.objects.get(slug="asia-chengdu")
        office = client.get(asia.url).content.decode()
        assert "Asia Regional Office e-Government Training 2015" in office
        assert "Seoul Program 2016" not in office

    def test_demo_has_support_slots_after_the_upcoming_egovframe_training(self):
        from courses.models import SupportSlot

        programme = ProgrammePage.objects.get(title="eGovFrame Technical Training")
        slots = list(SupportSlot.objects.filter(programme=programme))
        assert len(slots) == 8
        assert all(s.starts_at.date() > programme.ends_on for s in slots)
        assert all(s.capacity == 1 and s.timezone == "Asia/Seoul" for s in slots)
        assert all(s.host and s.host.email == "trainer@wego.example" for s in slots)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert SupportSlot.objects.filter(programme=programme).count() == 8

    def test_hanois_focal_point_nominates_its_developer_for_egovframe(self):
        from courses import services
        from courses.models import EnrolmentStatus
        from courses.services.answers import asked_questions

        focal = User.objects.get(email="focal.hanoi@wego.example")
        training = ProgrammePage.objects.get(title="eGovFrame Technical Training")
        answers = {
            key: "korea" if key == "delivery_location" else "Java and Spring since 2019"
            for key in asked_questions(training)
        }
        [enrolment] = services.enrolment_nominate(
            programme=training,
            nominator=focal,
            emails=["dev.hanoi@wego.example"],
            answers=answers,
        )
        assert enrolment.user.email == "dev.hanoi@wego.example"
        assert enrolment.status == EnrolmentStatus.CONFIRMED
        assert not Enrolment.objects.filter(programme=training, user=focal).exists()
