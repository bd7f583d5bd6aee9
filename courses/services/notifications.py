"""E-mails to participants and focal points, each sent at most once."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation

from lms.emails import branded_email, render_plain_text, split_subject
from lms.links import base_url, page_url

from ..models import Enrolment, EnrolmentEvent, EnrolmentStatus

ENDORSEMENT_SALT = "courses.endorse"

KIND_BY_STATUS = {
    EnrolmentStatus.PENDING_ENDORSEMENT: "received",
    EnrolmentStatus.PENDING_APPROVAL: "received",
    EnrolmentStatus.CONFIRMED: "confirmed",
    EnrolmentStatus.WAITLISTED: "waitlisted",
    EnrolmentStatus.OFFERED: "offered",
    EnrolmentStatus.REJECTED: "rejected",
    EnrolmentStatus.WITHDRAWN: "withdrawn",
}


def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _send(kind: str, *, to: str, language: str, context: dict) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_plain_text(f"courses/email/{kind}.txt", context)
    subject, body = split_subject(text)
    branded_email(
        subject, body, [to], language=language or settings.LANGUAGE_CODE
    ).send()


def _context(enrolment: Enrolment) -> dict:
    programme = enrolment.programme
    user = enrolment.user
    first = programme.sessions.order_by("starts_at").first()
    offer = enrolment.offers.order_by("-offered_at").first()
    group = enrolment.group if enrolment.group_id else None
    put_forward_by = (
        group.created_by
        if group is not None and group.created_by_id not in (None, user.pk)
        else None
    )
    return {
        "enrolment": enrolment,
        "programme": programme,
        "user": user,
        # Who applied for them: their focal point nominating them, or a
        # colleague applying as a delegation (then they did not "apply").
        "nominated_by": put_forward_by
        if put_forward_by is not None
        and enrolment.endorsed_by_email
        and put_forward_by.email.lower() == enrolment.endorsed_by_email.lower()
        else None,
        "applied_for_by": put_forward_by,
        "first_session": first,
        "programme_zone": programme.zoneinfo,
        "user_zone": _zone(user.timezone),
        "offer": offer,
        "base_url": base_url(),
        "my_url": base_url() + "/my/programmes/",
        "programme_url": page_url(programme) or base_url(),
    }


def notification_send_for_event(*, event_id: int) -> bool:
    """Tell the participant about one status change, exactly once, unless a
    later change superseded it before the task ran.

    The event row is locked and stamped in the same transaction as the send,
    so a retried task does not e-mail twice; a failed send leaves it unstamped
    for the retry.
    """
    with transaction.atomic():
        event = (
            EnrolmentEvent.objects.select_for_update(of=("self",))
            .select_related("enrolment__programme", "enrolment__user")
            .filter(pk=event_id)
            .first()
        )
        if event is None or event.notified_at is not None:
            return False
        kind = KIND_BY_STATUS.get(event.to_status)
        if kind is None:
            return False
        enrolment = event.enrolment
        if enrolment.status != event.to_status:
            # Superseded before the task ran (waitlisted, then offered a seat a
            # moment later): the e-mail would describe a state that is gone
            # ("position None"); the later event's e-mail tells the current one.
            event.notified_at = timezone.now()
            event.save(update_fields=["notified_at"])
            return False
        context = _context(enrolment) | {"event": event}
        _send(
            kind,
            to=enrolment.user.email,
            language=enrolment.user.preferred_language,
            context=context,
        )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return True


def endorsement_token(enrolment: Enrolment) -> str:
    return signing.dumps(
        {"e": enrolment.pk, "m": enrolment.organisation.focal_point_email.lower()},
        salt=ENDORSEMENT_SALT,
    )


def endorsement_read_token(token: str, *, max_age_days: int = 30) -> tuple[int, str]:
    data = signing.loads(
        token, salt=ENDORSEMENT_SALT, max_age=timedelta(days=max_age_days)
    )
    return int(data["e"]), str(data["m"])


def _focal_point_language(email: str) -> str:
    """The focal point's own language if they have an account, else the site's."""
    from lms.models import User

    account = User.objects.filter(email__iexact=email, is_active=True).first()
    return (account.preferred_language if account else "") or settings.LANGUAGE_CODE


def endorsement_request_send(*, enrolment_id: int) -> bool:
    """Ask the applicant's focal point, by a signed link, to endorse them. Once.

    A delegation is asked about in one e-mail naming every member; the link's
    answer is for all of them.
    """
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("programme", "user", "organisation")
            .filter(pk=enrolment_id, status=EnrolmentStatus.PENDING_ENDORSEMENT)
            .first()
        )
        if (
            enrolment is None
            or enrolment.endorsement_requested_at
            or not enrolment.organisation
            or not enrolment.organisation.focal_point_email
        ):
            return False
        members = [enrolment]
        if enrolment.group_id is not None:
            members = list(
                Enrolment.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(
                    group_id=enrolment.group_id,
                    status=EnrolmentStatus.PENDING_ENDORSEMENT,
                )
                .order_by("pk")
            )
            if any(m.endorsement_requested_at for m in members):
                return False
        focal = enrolment.organisation.focal_point_email
        link = base_url() + reverse(
            "courses:endorse", args=[endorsement_token(enrolment)]
        )
        with translation.override(_focal_point_language(focal)):
            context = _context(enrolment) | {
                "link": link,
                "members": members,
                # The second time shown is the applicant's, not the reader's.
                "zone_of_applicant": True,
            }
            _send(
                "endorsement_request",
                to=focal,
                language=translation.get_language(),
                context=context,
            )
        now = timezone.now()
        for member in members:
            member.endorsement_requested_at = now
            member.save(update_fields=["endorsement_requested_at"])
    return True


def reminders_due(now=None) -> list[int]:
    """Confirmed enrolments whose first session starts within the next 36 hours."""
    now = now or timezone.now()
    return list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.CONFIRMED, reminder_sent_at__isnull=True
        )
        .annotate(first_start=Min("programme__sessions__starts_at"))
        .filter(first_start__gt=now, first_start__lte=now + timedelta(hours=36))
        .values_list("pk", flat=True)
    )


def reminder_send(*, enrolment_id: int) -> bool:
    """The day-before reminder with the first session's time in both zones. Once."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("programme", "user")
            .filter(
                pk=enrolment_id,
                status=EnrolmentStatus.CONFIRMED,
                reminder_sent_at__isnull=True,
            )
            .first()
        )
        if enrolment is None:
            return False
        _send(
            "reminder",
            to=enrolment.user.email,
            language=enrolment.user.preferred_language,
            context=_context(enrolment),
        )
        enrolment.reminder_sent_at = timezone.now()
        enrolment.save(update_fields=["reminder_sent_at"])
    return True


def support_booking_confirmation_send(*, booking_id: int) -> bool:
    """E-mail the booker their support slot, in the slot's zone and theirs,
    with the .ics attached. Once: the booking row is stamped in the same
    transaction."""
    from ..calendar import support_booking_ics
    from ..models import SupportBooking, SupportBookingStatus

    with transaction.atomic():
        booking = (
            SupportBooking.objects.select_for_update(of=("self",))
            .select_related("slot__programme", "enrolment__user")
            .filter(
                pk=booking_id,
                status=SupportBookingStatus.BOOKED,
                confirmation_sent_at__isnull=True,
            )
            .first()
        )
        if booking is None:
            return False
        user = booking.enrolment.user
        slot = booking.slot
        context = _context(booking.enrolment) | {
            "booking": booking,
            "slot": slot,
            "slot_zone": slot.zoneinfo,
        }
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            text = render_plain_text("courses/email/support_booked.txt", context)
        subject, body = split_subject(text)
        message = branded_email(subject, body, [user.email], language=language)
        message.attach(
            "technical-support.ics", support_booking_ics(booking), "text/calendar"
        )
        message.send()
        booking.confirmation_sent_at = timezone.now()
        booking.save(update_fields=["confirmation_sent_at"])
    return True


def support_slot_removed_send(*, emails: list[str], title: str, when: str) -> int:
    """Tell the bookers of a removed slot (the slot row is gone already)."""
    for email in emails:
        _send(
            "support_removed",
            to=email,
            language=settings.LANGUAGE_CODE,
            context={
                "title": title,
                "when": when,
                "my_url": base_url() + "/my/programmes/",
            },
        )
    return len(emails)
