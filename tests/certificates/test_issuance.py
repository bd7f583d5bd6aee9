import os
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, IssuanceJob, JobState
from lms.errors import Conflict, DomainError, PermissionDenied
from tests.certificates.factories import completed_enrolment, default_template
from tests.courses.factories import enrol
from tests.factories import UserFactory


def test_certificate_snapshots_holder_programme_and_office(completed, trainer):
    default_template()
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    assert certificate.holder_name == completed.user.get_full_name()
    assert certificate.organisation_name == completed.user.organisation.name
    assert certificate.programme_title == "Seoul Program 2016"
    assert certificate.office_name == "WeGO Secretariat"
    assert certificate.starts_on.year == 2016
    assert certificate.hours == 3  # two sessions of 1 h 30
    assert certificate.issued_by == trainer
    assert certificate.template.title == "Certificate of Completion"
    assert certificate.trainer_names == trainer.display_name


def test_holder_language_is_printed_besides_english(programme, trainer):
    enrolment = completed_enrolment(programme, trainer=trainer)
    enrolment.user.preferred_language = "ko"
    enrolment.user.save()
    certificate = services.certificate_issue(enrolment=enrolment, actor=trainer)
    assert certificate.language == "ko"


def test_no_certificate_without_trainer_confirmed_completion(programme, trainer):
    enrolment = enrol(programme, UserFactory())
    with pytest.raises(DomainError) as exc:
        services.certificate_issue(enrolment=enrolment, actor=trainer)
    assert exc.value.code == "not_completed"
    assert not Certificate.objects.exists()


def test_a_certificate_is_never_issued_twice(completed, trainer):
    services.certificate_issue(enrolment=completed, actor=trainer)
    with pytest.raises(Conflict) as exc:
        services.certificate_issue(enrolment=completed, actor=trainer)
    assert exc.value.code == "already_issued"
    assert Certificate.objects.count() == 1


def test_the_database_refuses_a_second_certificate_for_the_same_programme(
    completed, trainer
):
    first = services.certificate_issue(enrolment=completed, actor=trainer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="WG-TEST",
            user=first.user,
            programme=first.programme,
            holder_name="x",
            programme_title="x",
            issued_at=first.issued_at,
            status_list_index=first.status_list_index + 1,
        )


def test_a_revoked_certificate_is_not_silently_reissued(
    completed, trainer, secretariat
):
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Issued in error."
    )
    with pytest.raises(Conflict) as exc:
        services.certificate_ensure(enrolment=completed, actor=trainer)
    assert exc.value.code == "certificate_revoked"
    with pytest.raises(Conflict):
        services.certificate_issue(enrolment=completed, actor=trainer)
    assert Certificate.objects.count() == 1


def test_a_trainer_of_another_programme_cannot_issue(completed, other_programme):
    stranger = UserFactory(is_staff=True)
    other_programme.trainers.add(stranger)
    other_programme.save()
    with pytest.raises(PermissionDenied):
        services.certificate_issue(enrolment=completed, actor=stranger)
    with pytest.raises(PermissionDenied):
        services.certificates_issue_for_programme(
            programme=completed.programme, actor=stranger
        )


def test_the_secretariat_can_issue(completed, secretariat):
    certificate = services.certificate_issue(enrolment=completed, actor=secretariat)
    assert certificate.pk


def test_revocation_needs_the_secretariat_and_a_reason(completed, trainer, secretariat):
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=certificate, actor=trainer, reason="x")
    with pytest.raises(DomainError) as exc:
        services.certificate_revoke(
            certificate=certificate, actor=secretariat, reason=" "
        )
    assert exc.value.code == "reason_required"
    revoked = services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Name misspelt."
    )
    assert revoked.status == "revoked"
    assert revoked.revoked_by == secretariat
    assert revoked.revoked_at is not None
    with pytest.raises(Conflict):
        services.certificate_revoke(
            certificate=certificate, actor=secretariat, reason="again"
        )


def test_issuing_renders_the_pdf_and_emails_the_holder_after_commit(
    completed, trainer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    certificate.refresh_from_db()
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"
    with certificate.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [completed.user.email]
    assert f"/certificates/verify/{certificate.code}/" in mail.outbox[0].body


def test_a_task_delivered_twice_renders_and_emails_once(completed, trainer):
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    from certificates.tasks import render_certificate_pdf

    with mock.patch(
        "certificates.services.render.render_certificate_pdf",
        wraps=services.render.render_certificate_pdf,
    ) as render:
        render_certificate_pdf.delay(certificate.pk)
        render_certificate_pdf.delay(certificate.pk)
    assert render.call_count == 1
    assert len(mail.outbox) == 1


def test_a_send_repeated_after_a_crash_is_the_same_message(
    completed, trainer, secretariat, django_capture_on_commit_callbacks
):
    """Killed between the send and the commit that records it, the next
    delivery sends again: the copy carries the first one's Message-ID."""
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    assert services.certificate_notify(certificate_id=certificate.pk)
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
    assert services.certificate_notify(certificate_id=certificate.pk)
    first, again = (m.message()["Message-ID"] for m in mail.outbox[-2:])
    assert first == again
    assert first.startswith(f"<certificate-{certificate.code}-issued@")
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(
            certificate=certificate, actor=secretariat, reason="x"
        )
    revoked = mail.outbox[-1].message()["Message-ID"]
    assert revoked.startswith(f"<certificate-{certificate.code}-revoked@")


def test_a_crash_while_writing_never_leaves_a_half_written_pdf(completed, trainer):
    certificate = services.certificate_issue(enrolment=completed, actor=trainer)
    with (
        mock.patch(
            "certificates.services.render.os.replace", side_effect=OSError("disk")
        ),
        pytest.raises(OSError),
    ):
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert not certificate.pdf
    directory = os.path.dirname(
        services.render.default_storage.path(f"certificates/pdf/{certificate.code}.pdf")
    )
    assert os.listdir(directory) == []
    assert services.certificate_render(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    assert certificate.pdf


def _run_job(programme, actor, callbacks):
    with callbacks(execute=True):
        job = services.certificates_issue_for_programme(
            programme=programme, actor=actor
        )
    job.refresh_from_db()
    return job


def test_bulk_issuance_issues_everyone_who_completed_and_nobody_else(
    programme, trainer, django_capture_on_commit_callbacks
):
    done = [completed_enrolment(programme, trainer=trainer) for _ in range(3)]
    enrol(programme, UserFactory())  # attended but not confirmed
    job = _run_job(programme, trainer, django_capture_on_commit_callbacks)
    assert (job.state, job.done, job.total) == (JobState.DONE, 3, 3)
    assert set(Certificate.objects.values_list("user_id", flat=True)) == {
        e.user_id for e in done
    }
    assert all(c.pdf for c in Certificate.objects.all())
    assert len(mail.outbox) == 3


def test_bulk_issuance_rerun_after_a_crash_issues_nothing_twice(
    programme, trainer, django_capture_on_commit_callbacks
):
    for _ in range(4):
        completed_enrolment(programme, trainer=trainer)
    job = IssuanceJob.objects.create(programme=programme, requested_by=trainer)
    real_ensure = services.certificate_ensure
    calls = {"n": 0}

    def crash_on_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real_ensure(**kwargs)

    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch("certificates.services.jobs.certificate_ensure", crash_on_third),
        pytest.raises(SystemExit),
    ):
        services.job_run(job_id=job.pk)
    assert Certificate.objects.count() == 2
    job.refresh_from_db()
    assert job.state == JobState.RUNNING

    with django_capture_on_commit_callbacks(execute=True):
        services.job_run(job_id=job.pk)  # the broker re-delivers the task
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 4, 4, 2)
    assert Certificate.objects.count() == 4
    assert Certificate.objects.exclude(pdf="").count() == 4
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Certificate.objects.values_list("holder_email", flat=True)
    )


def test_bulk_issuance_leaves_revoked_certificates_out_and_lists_them(
    client, programme, trainer, secretariat, django_capture_on_commit_callbacks
):
    first = completed_enrolment(programme, trainer=trainer)
    completed_enrolment(programme, trainer=trainer)
    certificate = services.certificate_issue(enrolment=first, actor=trainer)
    services.certificate_revoke(
        certificate=certificate, actor=secretariat, reason="Wrong participant"
    )
    job = _run_job(programme, trainer, django_capture_on_commit_callbacks)
    # The revoked one is left out of the run, so its progress ends complete.
    assert (job.state, job.done, job.total, job.errors) == (JobState.DONE, 1, 1, [])
    assert Certificate.objects.count() == 2
    assert Certificate.objects.filter(status="revoked").count() == 1
    client.force_login(trainer)
    html = client.get(reverse("certificates:job", args=[job.pk])).content.decode()
    assert "Revoked, not issued again" in html
    assert f"{certificate.holder_name}: Wrong participant" in html


def test_a_job_that_keeps_crashing_is_marked_failed(programme, trainer):
    job = IssuanceJob.objects.create(
        programme=programme, requested_by=trainer, attempts=services.MAX_JOB_ATTEMPTS
    )
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.finished_at is not None


def test_tasks_are_acknowledged_late_and_time_limited():
    from certificates.tasks import issue_programme_certificates, render_certificate_pdf

    for task in (issue_programme_certificates, render_certificate_pdf):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.time_limit and task.soft_time_limit < task.time_limit
        assert task.max_retries == 5
