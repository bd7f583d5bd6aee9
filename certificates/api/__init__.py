"""REST API for certificates (CONTRACT.md): issuance jobs, mine, public lookup.

Programmes and webinars share one job resource (``GET jobs/{id}/``); webinars
add an attendance list and single issuance, since their rule (minimum
presence) is decided here rather than by a trainer's confirmation.

One module per subject; the OpenAPI documentation is in ``schema``, the
shapes in ``serializers``. The views are re-exported here for
``certificates.api_urls``.
"""

from .holders import CertificateLookupView, MyCertificatesView
from .jobs import IssueView, JobResumeView, JobView
from .webinars import WebinarCertificatesView, WebinarIssueView

__all__ = [
    "CertificateLookupView",
    "IssueView",
    "JobResumeView",
    "JobView",
    "MyCertificatesView",
    "WebinarCertificatesView",
    "WebinarIssueView",
]
