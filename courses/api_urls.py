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
        "programmes/<id:pk>/nominations/",
        api.NominationView.as_view(),
        name="api-programme-nominations",
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
    path(
        "enrolments/<id:pk>/offer/accept/",
        api.OfferAcceptView.as_view(),
        name="api-enrolment-offer-accept",
    ),
    path(
        "enrolments/<id:pk>/offer/decline/",
        api.OfferDeclineView.as_view(),
        name="api-enrolment-offer-decline",
    ),
    path(
        "programmes/<id:pk>/support-slots/",
        api.SupportSlotListView.as_view(),
        name="api-programme-support-slots",
    ),
    path(
        "programmes/<id:pk>/support-slots/<id:slot_pk>/",
        api.SupportSlotDetailView.as_view(),
        name="api-programme-support-slot",
    ),
    path(
        "programmes/<id:pk>/support-slots/<id:slot_pk>/book/",
        api.SupportSlotBookView.as_view(),
        name="api-programme-support-slot-book",
    ),
    path(
        "programmes/<id:pk>/support-slots/<id:slot_pk>/cancel/",
        api.SupportSlotCancelView.as_view(),
        name="api-programme-support-slot-cancel",
    ),
    path("me/enrolments/", api.MyEnrolmentsView.as_view(), name="api-my-enrolments"),
]
