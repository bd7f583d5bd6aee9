"""Certificate templates, certificates and bulk-issuance jobs, by subject.

A ``Certificate`` snapshots everything it states (holder, organisation,
programme, dates, hours, office) at issuance, so the verification page and the
signed credential say the same thing years later even if the programme page or
the person's profile change. A certificate is either of completion (a
programme) or of attendance (a webinar), never both; the database enforces one
certificate per person and programme, and one per person and webinar.

One module per subject; all are importable from here, as
``certificates.models.Certificate`` and so on (the app label stays
``certificates``).
"""

from .certificate import Certificate, CertificateKind, CertificateStatus
from .jobs import IssuanceJob, JobState
from .templates import (
    DEFAULT_BODY,
    LANGUAGES,
    PLACEHOLDERS,
    WEBINAR_DEFAULT_BODY,
    CertificateTemplate,
    Orientation,
    validate_placeholders,
)
from .webinars import WebinarCertificateSettings

__all__ = [
    "DEFAULT_BODY",
    "LANGUAGES",
    "PLACEHOLDERS",
    "WEBINAR_DEFAULT_BODY",
    "Certificate",
    "CertificateKind",
    "CertificateStatus",
    "CertificateTemplate",
    "IssuanceJob",
    "JobState",
    "Orientation",
    "WebinarCertificateSettings",
    "validate_placeholders",
]
