import pytest
from django.core.exceptions import ValidationError

from certificates import services
from certificates.models import CertificateTemplate, validate_placeholders
from tests.certificates.factories import completed_enrolment, default_template
from tests.factories import UserFactory


@pytest.fixture
def certificate(completed, trainer):
    return services.certificate_issue(enrolment=completed, actor=trainer)


def test_my_certificates_page_offers_pdf_verify_link_and_credential_url(
    client, certificate
):
    client.force_login(certificate.user)
    response = client.get("/my/certificates/")
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.pdf_url in html
    assert (
        f"https://learning.wego.example/certificates/verify/{certificate.code}/" in html
    )
    assert (
        f"https://learning.wego.example/certificates/{certificate.code}/credential.json"
        in html
    )
    assert 'for="verify-' in html  # every input is labelled
    assert "style=" not in html


def test_my_certificates_needs_sign_in(client, db):
    response = client.get("/my/certificates/")
    assert response.status_code == 302


def test_learning_record_is_one_pdf(client, certificate):
    client.force_login(certificate.user)
    response = client.get("/my/learning-record.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_learning_record_lists_programmes_and_certificates(certificate):
    from certificates.selectors import learning_record

    record = learning_record(user=certificate.user)
    assert [row["programme"].title for row in record["programmes"]] == [
        "Seoul Program 2016"
    ]
    assert record["programmes"][0]["certificate"] == certificate
    assert record["certificates"] == [certificate]


def test_trainer_issue_page_and_job_progress_work_without_javascript(
    client, programme, trainer, django_capture_on_commit_callbacks
):
    completed_enrolment(programme, trainer=trainer)
    client.force_login(trainer)
    page = client.get(f"/certificates/programmes/{programme.pk}/issue/")
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/certificates/programmes/{programme.pk}/issue/")
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200
    html = job_page.content.decode()
    assert "<progress" in html
    assert 'value="1"' in html


def test_job_page_refreshes_itself_while_running(client, programme, trainer):
    from certificates.models import IssuanceJob

    job = IssuanceJob.objects.create(programme=programme, requested_by=trainer, total=3)
    client.force_login(trainer)
    html = client.get(f"/certificates/jobs/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html


def test_issue_page_refuses_other_trainers(client, programme):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(f"/certificates/programmes/{programme.pk}/issue/")
    assert response.status_code == 403


def test_impact_report_for_the_secretariat_with_chart_and_csv(
    client, certificate, secretariat
):
    client.force_login(secretariat)
    for by in ("programme", "office", "country", "city", "year"):
        response = client.get("/admin/reports/impact/", {"by": by})
        assert response.status_code == 200, by
        html = response.content.decode()
        assert "<svg" in html
        assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    html = client.get("/admin/reports/impact/").content.decode()
    assert "Seoul Program 2016" in html
    csv = client.get("/admin/reports/impact/", {"by": "year", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[1] == "2016,1,1,1"


def test_impact_report_csv_neutralises_formulas(
    client, programme, trainer, secretariat
):
    from lms.models import Organisation

    user = UserFactory(organisation=Organisation.objects.create(name='=HYPERLINK("x")'))
    completed_enrolment(programme, trainer=trainer, user=user)
    client.force_login(secretariat)
    csv = client.get("/admin/reports/impact/", {"by": "city", "format": "csv"})
    assert "'=HYPERLINK" in csv.content.decode()


def test_impact_report_is_refused_to_editors(client, db):
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    response = client.get("/admin/reports/impact/")
    assert response.status_code in (302, 403)


def test_template_body_rejects_unknown_placeholders():
    validate_placeholders("{participant} completed {programme} in {hours} hours")
    with pytest.raises(ValidationError):
        validate_placeholders("Dear {name}")
    with pytest.raises(ValidationError):
        validate_placeholders("Unclosed {participant")
    with pytest.raises(ValidationError):
        validate_placeholders("{participant.__class__}")


def test_template_preview_renders_sample_data(client, secretariat):
    template = default_template(signatory_1_name="Secretary General")
    client.force_login(secretariat)
    response = client.get(
        f"/admin/snippets/certificates/certificatetemplate/preview/{template.pk}/"
    )
    if response.status_code == 405:
        response = client.post(
            f"/admin/snippets/certificates/certificatetemplate/preview/{template.pk}/",
            {
                "title": template.title,
                "body": template.body,
                "language": "en",
                "orientation": "landscape",
            },
        )
    assert response.status_code == 200
    context = template.get_preview_context(None, "")
    assert context["certificate"].holder_name == "Nguyen Thi Lan"
    assert "Nguyen Thi Lan" in context["body"]


def test_admin_revocation_requires_a_reason(client, certificate, secretariat):
    client.force_login(secretariat)
    url = f"/admin/issued_certificates/edit/{certificate.pk}/"
    assert client.get(url).status_code == 200
    client.post(url, {"revoked_reason": ""})
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    client.post(url, {"revoked_reason": "Signed by the wrong office."})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revoked_by == secretariat


def test_admin_certificates_are_closed_to_trainers(client, certificate, trainer):
    client.force_login(trainer)
    response = client.get(f"/admin/issued_certificates/edit/{certificate.pk}/")
    assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_default_template_exists_only_once_per_title(db):
    default_template()
    assert CertificateTemplate.objects.filter(is_default=True).count() == 1
