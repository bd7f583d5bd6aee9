"""Certificate endpoints under ``/api/v1/`` (see CONTRACT.md)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "programmes/<id:programme_id>/certificates/issue/",
        api.IssueView.as_view(),
        name="api-certificates-issue",
    ),
    path(
        "webinars/<id:webinar_id>/certificates/",
        api.WebinarCertificatesView.as_view(),
        name="api-webinar-certificates",
    ),
    path(
        "webinars/<id:webinar_id>/certificates/issue/",
        api.WebinarIssueView.as_view(),
        name="api-webinar-certificates-issue",
    ),
    path("jobs/<id:job_id>/", api.JobView.as_view(), name="api-certificate-job"),
    path(
        "jobs/<id:job_id>/resume/",
        api.JobResumeView.as_view(),
        name="api-certificate-job-resume",
    ),
    path(
        "me/certificates/",
        api.MyCertificatesView.as_view(),
        name="api-my-certificates",
    ),
    path(
        "certificates/<str:code>/",
        api.CertificateLookupView.as_view(),
        name="api-certificate",
    ),
]
