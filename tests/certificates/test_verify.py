import pytest

from certificates import services
from certificates.codes import generate_code


@pytest.fixture
def certificate(completed, trainer):
    return services.certificate_issue(enrolment=completed, actor=trainer)


def test_verify_page_shows_a_valid_certificate_from_the_database(client, certificate):
    response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid" in html
    assert certificate.holder_name in html
    assert certificate.organisation_name in html
    assert "Seoul Program 2016" in html
    assert "WeGO Secretariat" in html
    assert "(UTC)" in html


def test_verify_page_shows_revocation_with_reason_and_date(
    client, certificate, secretariat
):
    revoked = services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Name misspelt."
    )
    response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Revoked" in html
    assert "Name misspelt." in html
    assert f"Revoked on {revoked.revoked_at:%-d %B %Y}" in html


def test_unknown_code_is_a_404_page(client, db):
    response = client.get(f"/certificates/verify/{generate_code()}/")
    assert response.status_code == 404
    assert "WeGO has issued no certificate with this code" in response.content.decode()


@pytest.mark.parametrize(
    "code", ["nonsense", "WG-0000", "%3Cscript%3E", "WG-" + "Z" * 60, "'; DROP"]
)
def test_malformed_code_is_a_404_page_not_an_error(client, db, code):
    response = client.get(f"/certificates/verify/{code}/")
    assert response.status_code == 404
    assert "not a valid certificate code" in response.content.decode()


def test_a_typed_code_in_another_form_redirects_to_the_canonical_page(
    client, certificate
):
    response = client.get(f"/certificates/verify/{certificate.code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/verify/{certificate.code}/"


def test_lookup_form_redirects_well_formed_codes_and_explains_typos(
    client, certificate
):
    assert client.get("/certificates/verify/").status_code == 200
    response = client.get("/certificates/verify/", {"code": certificate.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/verify/{certificate.code}/"
    typo = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    response = client.get("/certificates/verify/", {"code": typo})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_lookups_are_limited_to_20_a_minute_per_address(client, certificate):
    for _ in range(20):
        assert client.get(f"/certificates/verify/{generate_code()}/").status_code == 404
    response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    # The API and the downloads share the same budget.
    assert client.get(f"/api/v1/certificates/{certificate.code}/").status_code == 429
    other = client.get(
        f"/certificates/verify/{certificate.code}/", REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 200


def test_pdf_download_is_a_pdf_carrying_the_code(client, certificate):
    response = client.get(f"/certificates/{certificate.code}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert certificate.code.encode() in data
    certificate.refresh_from_db()
    assert certificate.pdf  # rendered on first download, stored from then on


def test_bilingual_pdf_renders_korean(client, programme, trainer):
    from tests.certificates.factories import completed_enrolment

    enrolment = completed_enrolment(programme, trainer=trainer)
    enrolment.user.preferred_language = "ko"
    enrolment.user.save()
    certificate = services.certificate_issue(enrolment=enrolment, actor=trainer)
    from certificates.pdf import certificate_context

    context = certificate_context(certificate)
    assert context["second_language"] == "ko"
    assert context["second"]["heading"]
    response = client.get(f"/certificates/{certificate.code}/certificate.pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_revoked_certificate_pdf_is_gone(client, certificate, secretariat):
    services.certificate_revoke(certificate=certificate, actor=secretariat, reason="x")
    response = client.get(f"/certificates/{certificate.code}/certificate.pdf")
    assert response.status_code == 410


def test_unknown_credential_is_404(client, db):
    assert (
        client.get(f"/certificates/{generate_code()}/credential.json").status_code
        == 404
    )
