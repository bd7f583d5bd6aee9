from django.urls import path

from . import api

urlpatterns = [
    path("programmes/", api.ProgrammeListView.as_view(), name="api-programmes"),
    path(
        "programmes/<id:pk>/",
        api.ProgrammeDetailView.as_view(),
        name="api-programme",
    ),
    path(
        "programmes/<id:pk>/eligibility/",
        api.EligibilityView.as_view(),
        name="api-programme-eligibility",
    ),
    path(
        "programmes/<id:pk>/enrolments/",
        api.EnrolView.as_view(),
        name="api-programme-enrol",
    ),
    path(
        "programmes/<id:pk>/roster/",
        api.RosterView.as_view(),
        name="api-programme-roster",
    ),
    path(
        "programmes/<id:pk>/attendance/",
        api.AttendanceView.as_view(),
        name="api-programme-attendance",
    ),
    path(
        "enrolments/<id:pk>/withdraw/",
        api.WithdrawView.as_view(),
        name="api-enrolment-withdraw",
    ),
    path("me/enrolments/", api.MyEnrolmentsView.as_view(), name="api-my-enrolments"),
]
