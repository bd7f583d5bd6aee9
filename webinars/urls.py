from django.urls import path

from . import views

urlpatterns = [
    path("webinars/<id:pk>/calendar.ics", views.webinar_ics, name="webinar-ics"),
]
