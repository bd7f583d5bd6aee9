"""A participant's own certificate pages, under the language prefix.

Included in ``lms.urls``'s ``i18n_patterns`` (``/ko/my/learning/``; English
unprefixed); the public certificate addresses (verify, PDF, credential,
issuer, status list) stay unprefixed in ``certificates.urls``: QR codes and
credentials point at them.
"""

from django.urls import path

from . import views

app_name = "learner"

urlpatterns = [
    path("my/certificates/", views.my_certificates, name="my_certificates"),
    # The human verification pages in the visitor's language (/ko/…); the
    # unprefixed ones in ``certificates.urls`` answer first for English, so
    # QR codes and credentials keep pointing at one address.
    path("certificates/verify/", views.verify_form, name="verify_form"),
    path("certificates/verify/<str:code>/", views.verify, name="verify"),
    path("my/learning/", views.my_learning, name="my_learning"),
    path("my/learning-record.pdf", views.learning_record_pdf, name="learning_record"),
]
