"""Demo certificates: a default template, the Seoul Program 2016 cohort, one revoked.

dev.hanoi's certificate is deliberately left unissued so the trainer can issue
it in the demo. PDFs are not rendered here (it would slow ``make run`` down);
each renders on its first download and is stored from then on.
"""

from django.contrib.auth import get_user_model

from courses.models import ProgrammePage
from lms.errors import Conflict

from .models import Certificate, CertificateTemplate
from .selectors import completed_enrolments_for
from .services import certificate_ensure, certificate_revoke

DEMO_PROGRAMME = "Seoul Program 2016"
LEFT_FOR_THE_TRAINER = "dev.hanoi@wego.example"
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
    template, _ = CertificateTemplate.objects.get_or_create(
        title="Certificate of Completion",
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
    programme = ProgrammePage.objects.filter(title=DEMO_PROGRAMME).first()
    if programme is None:
        return
    User = get_user_model()
    issuer = (
        User.objects.filter(email="trainer@wego.example").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
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
        certificate_revoke(certificate=revoked, actor=admin, reason=REVOKED_REASON)
