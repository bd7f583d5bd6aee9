from django.core.management import call_command

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import Enrolment
from lms.models import User


def test_demo_issues_seoul_2016_certificates_but_leaves_dev_hanoi_to_the_trainer(demo):
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


def test_demo_smart_cities_webinar_has_attendance_certificates(demo, client):
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
    client.force_login(admin)
    page = client.get(f"/certificates/webinars/{webinar.pk}/issue/").content.decode()
    assert "attended 18 minutes; the certificate needs at least 45." in page

    codes = sorted(certificates.values_list("code", flat=True))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(certificates.values_list("code", flat=True)) == codes
