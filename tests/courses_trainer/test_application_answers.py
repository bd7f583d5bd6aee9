"""The people who plan a training read what each applicant asked for.

eGovFrame asks where to deliver the training, preferred dates, Java / Spring /
MyBatis experience and takes a letter of intent, and has no approval step:
the answers used to appear only in the approval queue, so nobody saw them.
Trainers and the Secretariat now read them on the roster (trainer tools and
the API) and in the CSV/XLSX exports; the letter opens for them only.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from courses import services
from tests.courses.factories import give_skill, make_programme
from tests.factories import UserFactory

from .conftest import add_trainer, admin_access

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def egov(db):
    return make_programme(
        title="eGovFrame Technical Training",
        asks_motivation=False,
        asks_technical_experience=True,
        asks_delivery_location=True,
        asks_preferred_dates=True,
        accepts_letter_of_intent=True,
    )


@pytest.fixture
def egov_trainer(egov):
    return add_trainer(egov, admin_access(UserFactory(is_staff=True)))


@pytest.fixture
def applicants(egov):
    an = give_skill(UserFactory(first_name="An", last_name="Nguyen"))
    services.enrolment_apply(
        programme=egov,
        user=an,
        answers={
            "technical_experience": "Six years of Java, three of Spring & MyBatis",
            "delivery_location": "korea",
            "preferred_dates": "Any week in March",
        },
        letter=SimpleUploadedFile("letter.pdf", PDF, "application/pdf"),
    )
    bo = give_skill(UserFactory(first_name="Bo", last_name="Kim"))
    services.enrolment_apply(
        programme=egov,
        user=bo,
        answers={
            "technical_experience": "=1+1 (spreadsheet bait)",
            "delivery_location": "home_country",
        },
    )
    return an, bo


def test_trainer_roster_shows_each_applicants_answers(
    client, egov, egov_trainer, applicants
):
    client.force_login(egov_trainer)
    html = client.get(reverse("courses_trainer_programme", args=[egov.pk])).content
    html = html.decode()
    section = html[html.index('id="applications-heading"') :]
    for heading in (
        "Java, Spring and MyBatis experience",
        "Delivery location",
        "Preferred dates",
        "Letter of intent",
    ):
        assert heading in section
    assert "Six years of Java, three of Spring &amp; MyBatis" in section
    assert "In Korea" in section and "In my home country" in section
    assert "Any week in March" in section
    assert "In Korea: <strong>1</strong>" in section
    an, _bo = applicants
    enrolment = an.enrolments.get()
    assert f'href="/enrolments/{enrolment.pk}/letter.pdf"' in section


def test_the_letter_opens_for_the_trainer_and_the_applicant_only(
    client, egov, egov_trainer, applicants
):
    an, bo = applicants
    url = f"/enrolments/{an.enrolments.get().pk}/letter.pdf"
    for user, expected in ((egov_trainer, 200), (an, 200), (bo, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
    other_trainer = add_trainer(
        make_programme(title="Other"), admin_access(UserFactory(is_staff=True))
    )
    client.force_login(other_trainer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_api_roster_carries_the_answers_and_the_letter(egov, egov_trainer, applicants):
    api = APIClient()
    api.force_authenticate(egov_trainer)
    body = api.get(f"/api/v1/programmes/{egov.pk}/roster/").json()
    by_email = {row["participant"]["email"]: row for row in body["results"]}
    an, bo = applicants
    assert by_email[an.email]["answers"] == {
        "technical_experience": "Six years of Java, three of Spring & MyBatis",
        "delivery_location": "korea",
        "preferred_dates": "Any week in March",
    }
    assert by_email[an.email]["letter_url"].endswith(
        f"/enrolments/{an.enrolments.get().pk}/letter.pdf"
    )
    assert by_email[bo.email]["letter_url"] is None


def test_csv_export_has_one_column_per_question_formula_safe(
    client, egov, egov_trainer, applicants
):
    client.force_login(egov_trainer)
    response = client.get(reverse("courses_trainer_export", args=[egov.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    columns = {
        name: header.index(name)
        for name in (
            "Java, Spring and MyBatis experience",
            "Delivery location",
            "Preferred dates",
            "Letter of intent",
        )
    }
    an, bo = applicants
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email[an.email][columns["Delivery location"]] == "In Korea"
    assert by_email[an.email][columns["Preferred dates"]] == "Any week in March"
    assert by_email[an.email][columns["Letter of intent"]].endswith(
        f"/enrolments/{an.enrolments.get().pk}/letter.pdf"
    )
    assert by_email[bo.email][columns["Delivery location"]] == "In my home country"
    assert (
        by_email[bo.email][columns["Java, Spring and MyBatis experience"]]
        == "'=1+1 (spreadsheet bait)"
    )
    assert by_email[bo.email][columns["Letter of intent"]] == ""


def test_xlsx_export_has_the_answers(client, egov, egov_trainer, applicants):
    client.force_login(egov_trainer)
    response = client.get(reverse("courses_trainer_export", args=[egov.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "Delivery location" in rows[0]
    values = {v for row in rows[1:] for v in row}
    assert {"In Korea", "In my home country", "Any week in March"} <= values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
