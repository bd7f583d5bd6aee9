"""Certificates of attendance for webinars: earned by presence minutes."""

import datetime
import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import credentials, selectors, services
from certificates.credential_texts import text_in
from certificates.models import Certificate, IssuanceJob, JobState
from lms.errors import Conflict, DomainError, PermissionDenied
from tests.certificates.factories import completed_enrolment, default_template
from tests.factories import UserFactory
from tests.webinars.factories import webinar_page
from webinars.models import Presence, Registration


@pytest.fixture
def host(db):
    return UserFactory(first_name="Hana", last_name="Host")


@pytest.fixture
def webinar(office, host):
    """'Using the CeDS self-assessment tool', 60 minutes, ended two hours ago."""
    default_template()
    return webinar_page(
        office,
        slug="using-ceds",
        title="Using the CeDS self-assessment tool",
        starts_in=-datetime.timedelta(hours=3),
        duration_minutes=60,
        timezone="Asia/Seoul",
        speakers="WeGO Secretariat\nWorld Bank Institute",
        hosts=[host],
    )


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what issuance enqueues after commit (the eager task), as in production."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def attend(webinar, minutes: int, **user_fields):
    """A registered attendee connected for ``minutes`` from the webinar's start."""
    user = UserFactory(**user_fields)
    Registration.objects.create(webinar=webinar, user=user)
    if minutes:
        start = webinar.starts_at
        Presence.objects.create(
            webinar=webinar,
            user=user,
            joined_at=start,
            last_seen_at=start + datetime.timedelta(minutes=minutes),
            left_at=start + datetime.timedelta(minutes=minutes),
        )
    return user


def test_minimum_is_half_the_duration_unless_set(webinar, host):
    assert selectors.webinar_minimum_minutes(webinar=webinar) == 30
    services.webinar_certificate_settings_update(
        webinar=webinar, actor=host, minimum_minutes=45, template=None
    )
    assert selectors.webinar_minimum_minutes(webinar=webinar) == 45


def test_issuing_below_the_minimum_is_refused_with_the_reason(webinar, host):
    late = attend(webinar, 12, first_name="Carlos", last_name="Mendoza")
    with pytest.raises(DomainError) as exc:
        services.webinar_certificate_issue(webinar=webinar, user=late, actor=host)
    assert exc.value.code == "below_minimum"
    assert exc.value.message == (
        "Carlos Mendoza attended 12 minutes; the certificate needs at least 30."
    )
    assert not Certificate.objects.exists()


def test_overlapping_tabs_count_once_toward_the_minimum(webinar, host):
    user = attend(webinar, 20)
    start = webinar.starts_at
    Presence.objects.create(  # a second tab, 10..25 min: union is 25 minutes
        webinar=webinar,
        user=user,
        joined_at=start + datetime.timedelta(minutes=10),
        last_seen_at=start + datetime.timedelta(minutes=25),
    )
    check = selectors.webinar_attendee_check(webinar=webinar, user=user)
    assert (check["minutes"], check["eligible"]) == (25, False)


def test_not_registered_and_not_over_are_refused(office, webinar, host):
    stranger = UserFactory(first_name="Ana", last_name="Silva")
    with pytest.raises(DomainError) as exc:
        services.webinar_certificate_issue(webinar=webinar, user=stranger, actor=host)
    assert exc.value.code == "not_registered"

    running = webinar_page(office, slug="now-on", hosts=[host])
    user = attend(running, 50)
    with pytest.raises(DomainError) as exc:
        services.webinar_certificate_issue(webinar=running, user=user, actor=host)
    assert exc.value.code == "webinar_not_over"
    with pytest.raises(DomainError):
        services.certificates_issue_for_webinar(webinar=running, actor=host)


def test_only_moderators_issue(webinar):
    participant = attend(webinar, 60)
    with pytest.raises(PermissionDenied):
        services.webinar_certificate_issue(
            webinar=webinar, user=participant, actor=participant
        )
    with pytest.raises(PermissionDenied):
        services.certificates_issue_for_webinar(webinar=webinar, actor=participant)


def test_certificate_snapshots_the_webinar(webinar, host, commits):
    user = attend(webinar, 55, first_name="Aigerim", last_name="Bekova")
    with commits():
        certificate = services.webinar_certificate_issue(
            webinar=webinar, user=user, actor=host
        )
    certificate.refresh_from_db()
    assert certificate.webinar_id == webinar.pk
    assert certificate.programme_id is None
    assert certificate.kind == "webinar"
    assert certificate.programme_title == "Using the CeDS self-assessment tool"
    assert certificate.office_name == "WeGO Secretariat"
    assert certificate.hours == 1
    assert certificate.minutes_attended == 55
    assert certificate.starts_on == webinar.local_starts_at.date()
    assert certificate.pdf  # rendered by the (eager) task


def test_bulk_issuance_reaches_only_those_above_the_minimum_and_never_twice(
    webinar, host, commits
):
    keen = [attend(webinar, m) for m in (30, 45, 60)]
    attend(webinar, 29)
    attend(webinar, 0)
    with commits():
        job = services.certificates_issue_for_webinar(webinar=webinar, actor=host)
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (JobState.DONE, 3, 3)
    issued = Certificate.objects.filter(webinar=webinar)
    assert set(issued.values_list("user_id", flat=True)) == {u.pk for u in keen}
    assert all(c.pdf for c in issued)
    codes = sorted(issued.values_list("code", flat=True))

    with commits():
        again = services.certificates_issue_for_webinar(webinar=webinar, actor=host)
    again.refresh_from_db()
    assert again.state == JobState.DONE
    assert sorted(issued.values_list("code", flat=True)) == codes
    assert IssuanceJob.objects.filter(webinar=webinar).count() == 2


def test_the_same_task_path_resumes_a_webinar_job(webinar, host, commits):
    attend(webinar, 40)
    job = IssuanceJob.objects.create(webinar=webinar, requested_by=host, total=1)
    from certificates.tasks import issue_programme_certificates

    with commits():
        issue_programme_certificates.delay(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done) == (JobState.DONE, 1)


def test_database_allows_one_certificate_per_person_and_webinar(webinar, host):
    user = attend(webinar, 40)
    first = services.webinar_certificate_issue(webinar=webinar, user=user, actor=host)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="WG-TWIN",
            user=user,
            webinar=webinar,
            holder_name="x",
            programme_title="x",
            issued_at=timezone.now(),
            status_list_index=first.status_list_index + 1,
        )


def test_database_refuses_a_certificate_for_both_or_neither(
    webinar, host, programme, trainer
):
    enrolment = completed_enrolment(programme, trainer=trainer)
    base = {
        "user": enrolment.user,
        "holder_name": "x",
        "programme_title": "x",
        "issued_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="WG-BOTH",
            programme=programme,
            webinar=webinar,
            status_list_index=1,
            **base,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(code="WG-NONE", status_list_index=2, **base)


def test_a_person_holds_a_programme_and_a_webinar_certificate(
    webinar, host, programme, trainer
):
    enrolment = completed_enrolment(programme, trainer=trainer)
    attend_user = enrolment.user
    Registration.objects.create(webinar=webinar, user=attend_user)
    Presence.objects.create(
        webinar=webinar,
        user=attend_user,
        joined_at=webinar.starts_at,
        last_seen_at=webinar.ends_at,
    )
    services.certificate_issue(enrolment=enrolment, actor=trainer)
    services.webinar_certificate_issue(webinar=webinar, user=attend_user, actor=host)
    record = selectors.learning_record(user=attend_user)
    assert len(record["certificates"]) == 2
    assert record["programmes"][0]["certificate"].programme_id == programme.pk
    assert record["webinar_rows"][0]["certificate"].webinar_id == webinar.pk


def test_verify_page_shows_the_webinar(client, webinar, host):
    user = attend(webinar, 40)
    certificate = services.webinar_certificate_issue(
        webinar=webinar, user=user, actor=host
    )
    page = client.get(f"/certificates/verify/{certificate.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Webinar</dt><dd>Using the CeDS self-assessment tool" in html
    assert "Certificate of attendance" in html
    assert "Programme</dt>" not in html


def test_revoked_webinar_certificate_reads_revoked_and_is_not_reissued(
    client, webinar, host, secretariat, commits
):
    user = attend(webinar, 40)
    certificate = services.webinar_certificate_issue(
        webinar=webinar, user=user, actor=host
    )
    services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Attended as a guest"
    )
    assert "Revoked" in client.get(certificate.get_absolute_url()).content.decode()
    with pytest.raises(Conflict):
        services.webinar_certificate_issue(webinar=webinar, user=user, actor=host)
    with commits():
        job = services.certificates_issue_for_webinar(webinar=webinar, actor=host)
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.errors) == ("done", 0, 0, [])
    assert Certificate.objects.filter(webinar=webinar).count() == 1


def test_credential_names_the_webinar_as_achievement_and_verifies(
    client, webinar, host, secretariat
):
    user = attend(webinar, 40)
    certificate = services.webinar_certificate_issue(
        webinar=webinar, user=user, actor=host
    )
    document = client.get(certificate.credential_url).json()
    achievement = document["credentialSubject"]["achievement"]
    assert text_in(achievement["name"]) == (
        "Attendance at the webinar Using the CeDS self-assessment tool"
    )
    assert achievement["id"].endswith(f"/achievements/webinar-{webinar.pk}")
    assert "webinar" in text_in(achievement["description"])
    assert "present for 40 minutes" in achievement["criteria"]["narrative"]
    assert text_in(document["name"]).endswith("certificate of attendance")

    def fetch(url):
        path = url.removeprefix("https://learning.wego.example")
        return json.loads(client.get(path).content)

    assert credentials.verify_credential(document, fetch=fetch) == {
        "verified": True,
        "revoked": False,
    }
    services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Issued in error"
    )
    assert credentials.verify_credential(document, fetch=fetch)["revoked"] is True


def test_my_certificates_lists_webinar_certificates(client, webinar, host, commits):
    user = attend(webinar, 40)
    with commits():
        services.webinar_certificate_issue(webinar=webinar, user=user, actor=host)
    client.force_login(user)
    html = client.get("/my/certificates/").content.decode()
    assert "Using the CeDS self-assessment tool" in html
    assert "Certificate of attendance · webinar" in html
    mine = client.get("/api/v1/me/certificates/").json()["results"]
    assert [(c["kind"], c["programme"]) for c in mine] == [
        ("webinar", "Using the CeDS self-assessment tool")
    ]
    record = client.get("/my/learning-record.pdf")
    assert record.content.startswith(b"%PDF")


def test_issue_page_shows_minutes_and_reasons_and_starts_the_job(
    client, webinar, host, commits
):
    attend(webinar, 50, first_name="Aigerim", last_name="Bekova")
    attend(webinar, 12, first_name="Carlos", last_name="Mendoza")
    client.force_login(host)
    url = f"/certificates/webinars/{webinar.pk}/issue/"
    html = client.get(url).content.decode()
    assert "Carlos Mendoza attended 12 minutes; the certificate needs at least 30." in (
        html
    )
    assert "1 attendee met the minimum presence" in html

    response = client.post(url, {"action": "settings", "minimum_minutes": "10"})
    assert response.status_code == 302
    assert "2 attendees met the minimum presence" in client.get(url).content.decode()

    with commits():
        response = client.post(url, {"action": "issue"})
    job = IssuanceJob.objects.get(webinar=webinar)
    assert response["Location"] == f"/certificates/jobs/{job.pk}/"
    progress = client.get(response["Location"]).content.decode()
    assert "Using the CeDS self-assessment tool" in progress
    assert f"/certificates/webinars/{webinar.pk}/issue/" in progress
    assert Certificate.objects.filter(webinar=webinar).count() == 2


def test_issue_page_refuses_a_bad_minimum_and_outsiders(client, webinar, host):
    url = f"/certificates/webinars/{webinar.pk}/issue/"
    client.force_login(host)
    response = client.post(
        url, {"action": "settings", "minimum_minutes": "ninety"}, follow=True
    )
    assert "whole number of minutes" in response.content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "issue"}).status_code == 403
    assert not IssuanceJob.objects.exists()


def test_api_attendance_single_and_bulk_issue(client, webinar, host, commits):
    ok = attend(webinar, 45, first_name="Aigerim", last_name="Bekova")
    low = attend(webinar, 12, first_name="Carlos", last_name="Mendoza")
    base = f"/api/v1/webinars/{webinar.pk}/certificates/"

    client.force_login(ok)
    assert client.get(base).json()["code"] == "not_moderator"
    assert client.post(f"{base}issue/").status_code == 403

    client.force_login(host)
    rows = {r["user"]: r for r in client.get(base).json()}
    assert rows[ok.pk]["eligible"] is True
    assert rows[low.pk]["code"] == "below_minimum"

    refused = client.post(base, {"user": low.pk}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "below_minimum"
    assert "12 minutes" in refused.json()["detail"]

    issued = client.post(base, {"user": ok.pk}, content_type="application/json")
    assert issued.status_code == 201
    assert issued.json()["kind"] == "webinar"
    again = client.post(base, {"user": ok.pk}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_issued")

    with commits():
        started = client.post(f"{base}issue/")
    assert started.status_code == 202
    progress = client.get(f"/api/v1/jobs/{started.json()['job']}/").json()
    # The one attendee already held the certificate issued above: nothing new.
    assert progress == {
        "state": "done",
        "done": 1,
        "total": 1,
        "new": 0,
        "already_issued": 1,
    }
    assert Certificate.objects.filter(webinar=webinar).count() == 1
    public = client.get(f"/api/v1/certificates/{issued.json()['code']}/").json()
    assert public["kind"] == "webinar"


def test_admin_lists_past_webinars_to_issue(client, webinar, secretariat, office):
    attend(webinar, 40)
    webinar_page(office, slug="later", starts_in=datetime.timedelta(days=3))
    client.force_login(secretariat)
    html = client.get("/admin/certificates/webinars/").content.decode()
    assert f'href="/certificates/webinars/{webinar.pk}/issue/"' in html
    assert "Using the CeDS self-assessment tool" in html
    assert "Later" not in html  # not over yet


def test_admin_webinar_list_is_for_moderators_only(client, webinar):
    from django.contrib.auth.models import Permission

    outsider = UserFactory(is_staff=True)
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    response = client.get("/admin/certificates/webinars/")
    # Wagtail turns the refusal into a redirect to the dashboard
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_impact_report_counts_webinar_attendance_and_certificates(
    webinar, host, completed, trainer, secretariat, client
):
    from lms.models import Organisation

    hanoi = Organisation.objects.create(name="Hanoi", country="VN")
    kept = attend(webinar, 50, organisation=hanoi)
    attend(webinar, 12, organisation=hanoi)  # registered, below the minimum
    attend(webinar, 0)  # registered, never joined
    services.webinar_certificate_issue(webinar=webinar, user=kept, actor=host)
    services.certificate_issue(enrolment=completed, actor=trainer)

    by_title = {r["label"]: r for r in selectors.impact_report(dimension="programme")}
    assert by_title["Using the CeDS self-assessment tool"] == {
        "label": "Using the CeDS self-assessment tool",
        "participants": 3,
        "completions": 1,
        "certificates": 1,
    }
    assert by_title["Seoul Program 2016"]["certificates"] == 1
    by_city = {r["label"]: r for r in selectors.impact_report(dimension="city")}
    assert (by_city["Hanoi"]["participants"], by_city["Hanoi"]["completions"]) == (2, 1)
    by_office = selectors.impact_report(dimension="office")
    assert sum(r["participants"] for r in by_office) == 4

    client.force_login(secretariat)
    csv = client.get("/admin/reports/impact/", {"format": "csv"}).content.decode()
    assert "Using the CeDS self-assessment tool,3,1,1" in csv.splitlines()
