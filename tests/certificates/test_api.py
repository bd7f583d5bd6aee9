import pytest
from django.core import mail

from certificates import services
from certificates.codes import generate_code
from certificates.models import Certificate
from tests.certificates.factories import completed_enrolment
from tests.factories import UserFactory


def test_trainer_starts_bulk_issuance_and_polls_the_job(
    client, programme, trainer, django_capture_on_commit_callbacks
):
    for _ in range(2):
        completed_enrolment(programme, trainer=trainer)
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/programmes/{programme.pk}/certificates/issue/")
    assert response.status_code == 202
    job = response.json()["job"]
    assert set(response.json()) == {"job"}
    progress = client.get(f"/api/v1/jobs/{job}/")
    assert progress.status_code == 200
    assert progress.json() == {
        "state": "done",
        "done": 2,
        "total": 2,
        "new": 2,
        "already_issued": 0,
    }
    assert Certificate.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_trainer_of_another_programme_is_refused(client, programme, other_programme):
    stranger = UserFactory(is_staff=True)
    other_programme.trainers.add(stranger)
    other_programme.save()
    client.force_login(stranger)
    response = client.post(f"/api/v1/programmes/{programme.pk}/certificates/issue/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_trainer"


def test_issuing_needs_a_signed_in_user(client, programme):
    response = client.post(f"/api/v1/programmes/{programme.pk}/certificates/issue/")
    assert response.status_code in (401, 403)


def test_unknown_programme_is_404(client, trainer):
    client.force_login(trainer)
    response = client.post("/api/v1/programmes/999999/certificates/issue/")
    assert response.status_code == 404


def test_jobs_of_other_programmes_are_hidden(client, programme, trainer):
    job = services.certificates_issue_for_programme(programme=programme, actor=trainer)
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404


def test_my_certificates_lists_only_mine(client, completed, trainer, programme):
    mine = services.certificate_issue(enrolment=completed, actor=trainer)
    services.certificate_issue(
        enrolment=completed_enrolment(programme, trainer=trainer), actor=trainer
    )
    client.force_login(completed.user)
    response = client.get("/api/v1/me/certificates/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["code"] for r in results] == [mine.code]
    assert results[0]["verify_url"].endswith(f"/certificates/verify/{mine.code}/")
    assert results[0]["credential_url"].endswith("/credential.json")


def test_my_certificates_needs_sign_in(client, db):
    assert client.get("/api/v1/me/certificates/").status_code in (401, 403)


def test_public_lookup_shape(client, completed, trainer):
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    response = client.get(f"/api/v1/certificates/{certificate.code}/")
    assert response.status_code == 200
    assert response.json() == {
        "code": certificate.code,
        "status": "valid",
        "kind": "programme",
        "holder": certificate.holder_name,
        "programme": "Seoul Program 2016",
        "issued_on": certificate.issued_at.date().isoformat(),
        "revoked_reason": "",
    }


def test_public_lookup_of_a_revoked_certificate(
    client, completed, trainer, secretariat
):
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Issued in error."
    )
    body = client.get(f"/api/v1/certificates/{certificate.code}/").json()
    assert body["status"] == "revoked"
    assert body["revoked_reason"] == "Issued in error."


@pytest.mark.parametrize(
    "code", ["unknown", generate_code()], ids=["malformed", "well-formed-unknown"]
)
def test_public_lookup_of_unknown_codes_is_404(client, db, code):
    response = client.get(f"/api/v1/certificates/{code}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_public_lookup_is_throttled_with_the_error_shape(client, db):
    for _ in range(20):
        client.get(f"/api/v1/certificates/{generate_code()}/")
    response = client.get(f"/api/v1/certificates/{generate_code()}/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["retry_after"] >= 1
