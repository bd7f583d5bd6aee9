"""Demo certificates: a default template, the Seoul Program 2016 cohort, one revoked,
and certificates of attendance for the past Smart Cities webinar.

dev.hanoi's certificate is deliberately left unissued so the trainer can issue
it in the demo; at the webinar, one attendee left too early to earn one. PDFs are not rendered here (it would slow ``make run`` down);
each renders on its first download and is stored from then on.
"""

import datetime

from django.contrib.auth import get_user_model

from courses.models import ProgrammePage
from lms.errors import Conflict

from .models import (
    Certificate,
    CertificateTemplate,
    WebinarCertificateSettings,
)
from .selectors import completed_enrolments_for
from .services import certificate_ensure, certificate_revoke, webinar_certificate_ensure

DEMO_PROGRAMME = "Seoul Program 2016"
LEFT_FOR_THE_TRAINER = "dev.hanoi@wego.example"
DEMO_WEBINAR_SLUG = "using-the-ceds-self-assessment-tool"
# (email, minutes present): the last one stayed too briefly for a certificate.
WEBINAR_ATTENDEES = [
    ("dev.hanoi@wego.example", 74),
    ("official.nairobi@wego.example", 68),
    ("dev.ulaanbaatar@wego.example", 61),
    ("dev.tashkent@wego.example", 52),
    ("official.johorbahru@wego.example", 18),
]
WEBINAR_MINIMUM_MINUTES = 45
REVOKED_REASON = (
    "Issued in error: completion was confirmed for the wrong participant; "
    "the trainers have corrected the attendance record."
)


def _secretariat_may_edit_templates() -> None:
    from django.contrib.auth.models import Group, Permission

    from lms.services import SECRETARIAT_GROUP

    group = Group.objects.filter(name=SECRETARIAT_GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="certificates",
                content_type__model="certificatetemplate",
            )
        )


def seed(command, options) -> None:
    _secretariat_may_edit_templates()
    template, _ = _template_named(
        "Certificate of Completion",
        defaults={
            "is_default": True,
            "language": "en",
            "orientation": "landscape",
            "signatory_1_name": "Secretary General",
            "signatory_1_title": "WeGO Secretariat",
            "signatory_2_name": "Programme Director",
            "signatory_2_title": "Seoul Human Resource Development Center",
        },
    )
    User = get_user_model()
    issuer = (
        User.objects.filter(email="trainer@wego.example").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    seed_webinar(
        issuer=User.objects.filter(email="admin@wego.example").first() or issuer
    )
    programme = ProgrammePage.objects.filter(title=DEMO_PROGRAMME).first()
    if programme is None:
        return
    issued = []
    for enrolment in completed_enrolments_for(programme=programme).exclude(
        user__email=LEFT_FOR_THE_TRAINER
    ):
        try:
            certificate, _created = certificate_ensure(
                enrolment=enrolment, actor=issuer
            )
        except Conflict:
            continue  # revoked on an earlier run: stays revoked
        issued.append(certificate)
    if (
        len(issued) >= 2
        and not Certificate.objects.filter(
            programme=programme, status="revoked"
        ).exists()
    ):
        admin = User.objects.filter(email="admin@wego.example").first()
        revoked = sorted(issued, key=lambda c: c.holder_name)[-1]
        certificate_revoke(
            certificate=revoked, actor=admin, reason=REVOKED_REASON, notify=False
        )


def _template_named(title: str, *, defaults: dict) -> tuple[CertificateTemplate, bool]:
    """The oldest template of that title, or a new one: editors may have made
    another with the same title, and seeding must not fail on it."""
    found = CertificateTemplate.objects.filter(title=title).order_by("pk").first()
    if found is not None:
        return found, False
    return CertificateTemplate.objects.create(title=title, **defaults), True


def _attendance_template() -> CertificateTemplate:
    template, _ = _template_named(
        "Certificate of Attendance",
        defaults={
            "is_default": False,
            "language": "en",
            "orientation": "portrait",
            "body": (
                "This is to certify that {participant} of {organisation} attended "
                "the webinar {programme}, held on {dates} by {office} with the "
                "World Bank Institute, a session of {hours} hours."
            ),
            "signatory_1_name": "Secretary General",
            "signatory_1_title": "WeGO Secretariat",
        },
    )
    return template


def seed_webinar(*, issuer) -> None:
    """The past Smart Cities webinar: attendance minutes and a few certificates."""
    from webinars.models import Presence, Registration, WebinarPage

    webinar = WebinarPage.objects.filter(slug=DEMO_WEBINAR_SLUG).first()
    if webinar is None:
        return
    WebinarCertificateSettings.objects.get_or_create(
        webinar=webinar,
        defaults={
            "template": _attendance_template(),
            "minimum_minutes": WEBINAR_MINIMUM_MINUTES,
        },
    )
    User = get_user_model()
    for email, minutes in WEBINAR_ATTENDEES:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        Registration.objects.get_or_create(webinar=webinar, user=user)
        if not Presence.objects.filter(webinar=webinar, user=user).exists():
            joined = webinar.starts_at + datetime.timedelta(minutes=2)
            left = joined + datetime.timedelta(minutes=minutes)
            Presence.objects.create(
                webinar=webinar,
                user=user,
                joined_at=joined,
                last_seen_at=left,
                left_at=left,
            )
        if minutes < WEBINAR_MINIMUM_MINUTES:
            continue
        try:
            webinar_certificate_ensure(webinar=webinar, user=user, actor=issuer)
        except Conflict:
            continue  # revoked by someone in the demo: stays revoked
