"""Celery tasks: registration confirmations and reminders. Idempotent by flags."""

from celery import shared_task
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from lms.emails import branded_email, render_plain_text
from lms.links import absolute_url, page_url

from .models import Registration
from .selectors import registrations_due_reminder, webinars_to_report
from .services import presence_report_attendance


def _send(registration: Registration, template: str, subject: str) -> None:
    webinar = registration.webinar
    user = registration.user
    with translation.override(user.preferred_language or "en"):
        context = {
            "webinar": webinar,
            "user": user,
            "url": page_url(webinar),
            "ics_url": absolute_url(webinar.ics_url),
        }
        body = render_plain_text(template, context)
        # The subject is marked with gettext_noop where it is named,
        # translated here in the attendee's language.
        branded_email(
            gettext(subject) % {"title": webinar.title}, body, [user.email]
        ).send()


@shared_task(
    bind=True, max_retries=5, default_retry_delay=60, time_limit=60, soft_time_limit=50
)
def send_registration_confirmation(self, registration_id: int) -> None:
    """Confirm a registration by e-mail, once (a re-run finds it already sent)."""
    registration = (
        Registration.objects.select_related("webinar", "user")
        .filter(pk=registration_id, confirmation_sent_at__isnull=True)
        .first()
    )
    if registration is None:
        return
    try:
        _send(
            registration,
            "webinars/email/confirmation.txt",
            _("Registered: %(title)s"),
        )
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    Registration.objects.filter(pk=registration_id).update(
        confirmation_sent_at=timezone.now()
    )


@shared_task(time_limit=300)
def send_webinar_reminders() -> int:
    """Run by beat: remind everyone registered for a webinar in the next 24 hours.

    Each registration is reminded once (``reminder_sent_at``), whatever how
    often beat runs this.
    """
    sent = 0
    for registration in registrations_due_reminder():
        claimed = Registration.objects.filter(
            pk=registration.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            continue
        _send(registration, "webinars/email/reminder.txt", _("Reminder: %(title)s"))
        sent += 1
    return sent


@shared_task(time_limit=300)
def report_webinar_attendance() -> int:
    """Run by beat: report minutes of webinars linked to a programme session.

    Covers connections that dropped without a goodbye (their last heartbeat
    marks the end). Reporting is an upsert, so running twice is harmless.
    """
    reported = 0
    for webinar, user in webinars_to_report():
        presence_report_attendance(webinar=webinar, user=user)
        reported += 1
    return reported
