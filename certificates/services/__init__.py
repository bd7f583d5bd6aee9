"""Changes to certificates: issue, render and store the PDF, notify, revoke.

Issuance is driven only by the participant's own trainer-confirmed completion
(``Enrolment.completed_at``), never by a bulk action alone (PITFALLS 9). The
database allows one certificate per person and programme, and every step is
written so that a task delivered twice, or re-run after a crash, does the work
once: an existing certificate is reused, a PDF already stored is not rendered
again, an e-mail already sent is not sent again.

Split by subject; import from ``certificates.services`` as one module.
"""

from .issue import (
    certificate_ensure,
    certificate_issue,
    programme_for_issue,
    webinar_for_issue,
)
from .jobs import (
    MAX_JOB_ATTEMPTS,
    certificate_publish,
    certificates_issue_for_programme,
    certificates_issue_for_webinar,
    job_resume,
    job_run,
)
from .notify import certificate_notify, certificate_revocation_notify
from .render import certificate_pdf_ensure, certificate_pdf_name, certificate_render
from .revoke import certificate_revoke
from .webinars import (
    webinar_certificate_ensure,
    webinar_certificate_issue,
    webinar_certificate_settings_update,
)

__all__ = [
    "MAX_JOB_ATTEMPTS",
    "certificate_ensure",
    "certificate_issue",
    "certificate_notify",
    "certificate_pdf_ensure",
    "certificate_pdf_name",
    "certificate_publish",
    "certificate_render",
    "certificate_revocation_notify",
    "certificate_revoke",
    "certificates_issue_for_programme",
    "certificates_issue_for_webinar",
    "job_resume",
    "job_run",
    "programme_for_issue",
    "webinar_certificate_ensure",
    "webinar_certificate_issue",
    "webinar_certificate_settings_update",
    "webinar_for_issue",
]
