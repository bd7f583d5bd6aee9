"""Public certificate URLs (site root, unprefixed: the QR code points here)."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/verify/", views.verify_form, name="verify_form"),
    path("certificates/verify/<str:code>/", views.verify, name="verify"),
    path("certificates/issuer.json", views.issuer, name="issuer"),
    path(
        "certificates/status/<id:list_id>.json", views.status_list, name="status_list"
    ),
    path("certificates/contexts/<str:name>", views.context, name="context"),
    path(
        "certificates/programmes/<id:programme_id>/issue/",
        views.issue,
        name="issue",
    ),
    path(
        "certificates/webinars/<id:webinar_id>/issue/",
        views.webinar_issue,
        name="webinar_issue",
    ),
    path("certificates/jobs/<id:job_id>/", views.job, name="job"),
    path("certificates/jobs/<id:job_id>/resume/", views.job_resume, name="job_resume"),
    path(
        "certificates/<str:code>/certificate.pdf",
        views.certificate_pdf,
        name="pdf",
    ),
    path(
        "certificates/<str:code>/credential.json",
        views.credential,
        name="credential",
    ),
]
