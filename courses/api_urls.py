from django.urls import path

from . import api

urlpatterns = [
    path("programmes/", api.ProgrammeListView.as_view(), name="api-programmes"),
    path(
        "programmes/<int:pk>/",
        api.ProgrammeDetailView.as_view(),
        name="api-programme",
    ),
    path(
        "programmes/<int:pk>/eligibility/",
        api.EligibilityView.as_view(),
        name="api-programme-eligibility",
    ),
    path(
        "programmes/<int:pk>/enrolments/",
        api.EnrolView.as_view(),
        name="api-programme-enrol",
    ),
    path(
        "programmes/<int:pk>/roster/",
        api.RosterView.as_view(),
        name="api-programme-roster",
    ),
    path(
        "programmes/<int:pk>/attendance/",
        api.AttendanceView.as_view(),
        name="api-programme-attendance",
    ),
    path(
        "enrolments/<int:pk>/withdraw/",
        api.WithdrawView.as_view(),
        name="api-enrolment-withdraw",
    ),
    path("me/enrolments/", api.MyEnrolmentsView.as_view(), name="api-my-enrolments"),
]
