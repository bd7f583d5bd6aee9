"""Celery tasks: e-mails, offer expiry, promotion, reminders. Each is idempotent."""

from celery import shared_task

from .models import ProgrammePage
from .services import offers_expire, waitlist_promote
from .services.notifications import (
    endorsement_request_send,
    notification_send_for_event,
    reminder_send,
    reminders_due,
)

RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**RETRY)
def enrolment_notify(event_id: int) -> bool:
    """E-mail the participant about one status change (sent once per event)."""
    return notification_send_for_event(event_id=event_id)


@shared_task(**RETRY)
def endorsement_request(enrolment_id: int) -> bool:
    """Ask the focal point to endorse an application (sent once)."""
    return endorsement_request_send(enrolment_id=enrolment_id)


@shared_task(soft_time_limit=120, time_limit=150)
def programme_promote_waitlist(programme_id: int) -> int:
    """Offer freed or added seats to the waitlist (safe to run concurrently)."""
    programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if programme is None:
        return 0
    return len(waitlist_promote(programme=programme))


@shared_task(soft_time_limit=240, time_limit=280)
def expire_offers() -> int:
    """Beat: close offers past their deadline and pass the seats on."""
    return offers_expire()


@shared_task(soft_time_limit=240, time_limit=280)
def send_reminders() -> int:
    """Beat: the day-before reminder to every confirmed participant."""
    return sum(1 for pk in reminders_due() if reminder_send(enrolment_id=pk))


@shared_task(**RETRY)
def support_booking_notify(booking_id: int) -> bool:
    """E-mail a support-slot booking with its .ics (sent once)."""
    from .services.notifications import support_booking_confirmation_send

    return support_booking_confirmation_send(booking_id=booking_id)


@shared_task(**RETRY)
def support_slot_removed_notify(emails: list, title: str, when: str) -> int:
    """Tell the bookers that a trainer removed their support slot."""
    from .services.notifications import support_slot_removed_send

    return support_slot_removed_send(emails=emails, title=title, when=when)
