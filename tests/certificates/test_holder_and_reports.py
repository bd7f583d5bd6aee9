"""What certificate holders and the Secretariat are told.

* Revoking a certificate e-mails its holder the reason, in their language,
  once (before, the holder was never told).
* The certificate e-mail itself is in the holder's language.
* A second bulk run says "0 new" instead of "done 2 / 2".
* The impact chart reads A→Z top to bottom, like its table (it read Z→A).
* "My learning": programmes, webinars and certificates across the years,
  with the learning-record PDF beside it, linked from the account menu.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from tests.certificates.factories import completed_enrolment
from tests.courses.factories import enrol, make_programme
from tests.factories import UserFactory


@pytest.fixture
def certificate(completed, trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.certificate_issue(enrolment=completed, actor=trainer)
    mail.outbox.clear()
    return issued


def _revoke(certificate, secretariat, commits, reason="Attendance sheets mixed up"):
    with commits(execute=True):
        return services.certificate_revoke(
            certificate=certificate, actor=secretariat, reason=reason
        )


def test_revoking_emails_the_holder_the_reason_once(
    certificate, secretariat, django_capture_on_commit_callbacks
):
    _revoke(certificate, secretariat, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [certificate.user.email]
    assert message.subject == "Your certificate for Seoul Program 2016 was revoked"
    assert "Reason: Attendance sheets mixed up" in message.body
    assert certificate.code in message.body
    assert f"/certificates/verify/{certificate.code}/" in message.body
    # A second delivery of the task sends nothing.
    assert not services.certificate_revocation_notify(certificate_id=certificate.pk)
    assert len(mail.outbox) == 1
    assert Certificate.objects.get(pk=certificate.pk).revocation_emailed_at


def test_the_revocation_email_is_in_the_holders_language(
    certificate, secretariat, django_capture_on_commit_callbacks
):
    holder = certificate.user
    holder.preferred_language = "ko"
    holder.save()
    _revoke(
        certificate,
        secretariat,
        django_capture_on_commit_callbacks,
        reason="출석부 오류",
    )
    message = mail.outbox[0]
    assert "Seoul Program 2016" in message.subject
    assert "revoked" not in message.subject
    assert "취소" in message.subject
    assert "출석부 오류" in message.body
    assert "Reason" not in message.body


def test_the_certificate_email_is_in_the_holders_language(
    programme, trainer, django_capture_on_commit_callbacks
):
    holder = UserFactory(preferred_language="fr")
    enrolment = completed_enrolment(programme, trainer=trainer, user=holder)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue(enrolment=enrolment, actor=trainer)
    message = mail.outbox[0]
    assert message.subject.startswith("Votre certificat")
    assert "Your certificate" not in message.body


def test_a_second_bulk_run_says_nothing_new(
    client, programme, trainer, django_capture_on_commit_callbacks
):
    for _ in range(2):
        completed_enrolment(programme, trainer=trainer)
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/certificates/programmes/{programme.pk}/issue/")
    first_page = client.get(first["Location"]).content.decode()
    assert "2 new certificates." in first_page
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(f"/certificates/programmes/{programme.pk}/issue/")
    second_page = client.get(second["Location"]).content.decode()
    assert (
        "0 new certificates; 2 people already had one (kept, not issued again)."
        in second_page
    )
    job = second["Location"].rstrip("/").rsplit("/", 1)[1]
    progress = client.get(f"/api/v1/jobs/{job}/").json()
    assert (progress["new"], progress["already_issued"]) == (0, 2)
    issue_page = client.get(f"/certificates/programmes/{programme.pk}/issue/")
    assert "0 new certificates; 2 people already had one" in issue_page.content.decode()
    assert Certificate.objects.count() == 2


def test_the_impact_chart_reads_like_its_table(client, office, trainer, secretariat):
    for title in ("Zeta Workshop", "Alpha Program", "Mu Seminar"):
        completed_enrolment(make_programme(office=office, title=title), trainer=trainer)
    client.force_login(secretariat)
    html = client.get("/admin/reports/impact/").content.decode()
    table = html[html.index('<table class="listing"') :]
    table_order = re.findall(
        r"<td>(Alpha Program|Mu Seminar|Zeta Workshop)</td>", table
    )
    assert table_order == ["Alpha Program", "Mu Seminar", "Zeta Workshop"]
    chart = html.index('class="report-chart"')
    svg = html[chart : html.index("</svg>", chart)]
    ys = {
        label: float(y)
        for y, label in re.findall(
            r'<text[^>]*y="([\d.]+)"[^>]*>(Alpha Program|Mu Seminar|Zeta Workshop)<',
            svg,
        )
    }
    top_to_bottom = sorted(ys, key=ys.get)
    assert top_to_bottom == ["Alpha Program", "Mu Seminar", "Zeta Workshop"]


# --- My learning ---------------------------------------------------------------


@pytest.fixture
def webinars(db):
    from tests.webinars.factories import office_page, webinar_page
    from webinars.models import Presence, Registration

    office = office_page()
    upcoming = webinar_page(
        office, slug="cities-and-ai", title="Cities and AI", starts_in=timedelta(days=5)
    )
    past = webinar_page(
        office,
        slug="open-data-2025",
        title="Open data in Ulyanovsk",
        starts_in=-timedelta(days=400),
    )
    return upcoming, past, Registration, Presence


def test_my_learning_lists_programmes_webinars_and_certificates_by_year(
    client, certificate, webinars, office
):
    upcoming, past, registration, presence = webinars
    holder = certificate.user
    for webinar in (upcoming, past):
        registration.objects.create(webinar=webinar, user=holder)
    joined = past.starts_at + timedelta(minutes=5)
    presence.objects.create(
        webinar=past,
        user=holder,
        joined_at=joined,
        last_seen_at=joined + timedelta(minutes=40),
        left_at=joined + timedelta(minutes=40),
    )
    this_year = make_programme(office=office, title="eGovFrame Technical Training")
    enrol(this_year, holder)
    client.force_login(holder)
    html = client.get("/my/learning/").content.decode()
    assert "<h1>My learning</h1>" in html
    assert 'href="/my/learning-record.pdf"' in html
    years = [int(y) for y in re.findall(r'<h2 id="year-(\d{4})">', html)]
    assert years == sorted(years, reverse=True)
    assert 2016 in years
    section_2016 = html[html.index('id="year-2016"') :]
    assert "Seoul Program 2016" in section_2016
    assert certificate.code in section_2016
    assert "Cities and AI" in html and "Registered" in html
    assert "Open data in Ulyanovsk" in html and "Attended 40 minutes" in html
    assert "eGovFrame Technical Training" in html
    assert "(Europe/Ulyanovsk)" in html  # webinar times name their zone
    # Reached from the account menu, in every language.
    assert 'href="/my/learning/">My learning</a>' in html
    korean = client.get("/ko/my/learning/").content.decode()
    assert (
        'href="/ko/my/learning/">나의 학습</a>' in korean
    )  # the menu keeps the language
    for language, heading in (
        ("ko", "나의 학습"),
        ("ru", "Моё обучение"),
        ("es", "Mi aprendizaje"),
        ("fr", "Mon parcours de formation"),
    ):
        page = client.get(f"/{language}/my/learning/").content.decode()
        assert f"<h1>{heading}</h1>" in page, language


def test_my_learning_needs_sign_in(client, db):
    assert client.get("/my/learning/").status_code == 302


def test_my_learning_is_empty_for_a_newcomer(client, db):
    client.force_login(UserFactory())
    html = client.get("/my/learning/").content.decode()
    assert "Nothing yet" in html
    assert timezone.now()  # the page renders without any record
