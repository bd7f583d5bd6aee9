"""Builders for certificate tests (programmes come from the courses builders)."""

from django.utils import timezone

from certificates.models import CertificateTemplate
from tests.courses.factories import enrol
from tests.factories import UserFactory


def completed_enrolment(programme, *, trainer=None, user=None, **user_fields):
    """A confirmed enrolment whose completion a trainer has confirmed."""
    user = user or UserFactory(**user_fields)
    enrolment = enrol(programme, user)
    enrolment.completed_at = timezone.now()
    enrolment.completed_by = trainer
    enrolment.save(update_fields=["completed_at", "completed_by"])
    return enrolment


def default_template(**fields):
    values = {"title": "Certificate of Completion", "is_default": True, **fields}
    return CertificateTemplate.objects.create(**values)
