"""The participant's side of self check-in: a normal site page."""

from django.urls import path

from . import views

app_name = "courses_trainer_site"

urlpatterns = [
    path(
        "check-in/<id:session_id>/",
        views.participant_checkin,
        name="checkin",
    ),
]
