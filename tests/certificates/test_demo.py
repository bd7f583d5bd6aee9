import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import Enrolment
from lms.models import User
from tests.seeded import DemoTestCase


class CertificatesDemoTests(DemoTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        # What this package's ``_signing_key`` fixture sets per test, set for
        # the whole class: the seeding (in ``setUpTestData``) runs before any
        # test fixture, and the seeding and its tests sign with one key.
        keys = tempfile.mkdtemp(prefix="wego-demo-signing-key-")
        signing = override_settings(
            CERTIFICATE_SIGNING_KEY="",
            DEV_SIGNING_KEY_PATH=Path(keys) / "dev-signing-key.pem",
            BASE_URL="https://learning.wego.example",
        )
        signing.enable()
        cls.addClassCleanup(shutil.rmtree, keys, True)
        cls.addClassCleanup(signing.disable)
        super().setUpClass()

    @pytest.fixture(autouse=True)
    def _signing_key(self):
        """Replaces the package's fixture: ``setUpClass`` sets the same."""

    def test_demo_issues_seoul_2016_certificates_but_leaves_dev_hanoi_to_the_trainer(
        self,
    ):
        certificates = Certificate.objects.filter(programme__title="Seoul Program 2016")
        completed = Enrolment.objects.filter(
            programme__title="Seoul Program 2016", completed_at__isnull=False
        )
        emails = set(certificates.values_list("user__email", flat=True))
        assert "dev.hanoi@wego.example" not in emails
        assert emails == set(
            completed.exclude(user__email="dev.hanoi@wego.example").values_list(
                "user__email", flat=True
            )
        )
        revoked = certificates.filter(status="revoked")
        assert revoked.count() == 1
        assert revoked.get().revoked_reason

        codes = sorted(certificates.values_list("code", "status"))
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert sorted(certificates.values_list("code", "status")) == codes

        hanoi = completed.get(user__email="dev.hanoi@wego.example")
        trainer = User.objects.get(email="trainer@wego.example")
        certificate = certificate_issue(enrolment=hanoi, actor=trainer)
        assert certificate.holder_email == "dev.hanoi@wego.example"

    def test_demo_smart_cities_webinar_has_attendance_certificates(self):
        from certificates.demo import DEMO_WEBINAR_SLUG

        certificates = Certificate.objects.filter(webinar__slug=DEMO_WEBINAR_SLUG)
        holders = set(certificates.values_list("user__email", flat=True))
        assert holders == {
            "dev.hanoi@wego.example",
            "official.nairobi@wego.example",
            "dev.ulaanbaatar@wego.example",
            "dev.tashkent@wego.example",
        }
        webinar = certificates.first().webinar
        assert webinar.series.name == "Smart Cities"
        assert webinar.is_past

        admin = User.objects.get(email="admin@wego.example")
        self.client.force_login(admin)
        page = self.client.get(
            f"/certificates/webinars/{webinar.pk}/issue/"
        ).content.decode()
        assert "attended 18 minutes; the certificate needs at least 45." in page

        codes = sorted(certificates.values_list("code", flat=True))
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert sorted(certificates.values_list("code", flat=True)) == codes
