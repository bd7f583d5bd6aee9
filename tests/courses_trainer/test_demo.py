from django.urls import reverse

from courses.models import ProgrammePage
from lms.models import User
from tests.seeded import DemoTestCase


class TrainerDemoTests(DemoTestCase):
    def test_demo_trainer_runs_seoul_program_2016_and_participants_cannot(self):
        client = self.client
        trainer = User.objects.get(email="trainer@wego.example")
        seoul = ProgrammePage.objects.get(title="Seoul Program 2016")
        client.force_login(trainer)
        listing = client.get(reverse("courses_trainer_programmes"))
        assert listing.status_code == 200
        assert "Seoul Program 2016" in listing.content.decode()
        detail = client.get(reverse("courses_trainer_programme", args=[seoul.pk]))
        assert detail.status_code == 200
        assert "counted sessions; needs" in detail.content.decode()
        assert (
            client.get(
                reverse("courses_trainer_attendance", args=[seoul.pk])
            ).status_code
            == 200
        )

        client.force_login(User.objects.get(email="dev.hanoi@wego.example"))
        assert client.get(reverse("courses_trainer_programmes")).status_code != 200
