"""The certificates API's OpenAPI documentation, one decorator per operation.

Views apply them (``@schema.certificate_lookup``) and stay a few lines each;
the examples and documented error tuples are in ``examples``.
"""

from .holders import certificate_lookup, my_certificates
from .jobs import (
    certificate_job_progress,
    certificate_job_resume,
    programme_certificates_issue,
)
from .webinars import (
    webinar_certificates_attendance,
    webinar_certificates_issue,
    webinar_certificates_issue_one,
)

__all__ = [
    "certificate_job_progress",
    "certificate_job_resume",
    "certificate_lookup",
    "my_certificates",
    "programme_certificates_issue",
    "webinar_certificates_attendance",
    "webinar_certificates_issue",
    "webinar_certificates_issue_one",
]
