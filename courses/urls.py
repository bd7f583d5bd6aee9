from django.urls import path, re_path

from . import views

app_name = "courses"

urlpatterns = [
    path("my/programmes/", views.my_programmes, name="my_programmes"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "programmes/<id:pk>/calendar.ics",
        views.programme_calendar,
        name="programme_calendar",
    ),
    path("programmes/<id:pk>/apply/", views.programme_apply, name="apply"),
    path("programmes/<id:pk>/nominate/", views.programme_nominate, name="nominate"),
    path(
        "programmes/<id:pk>/presentation/",
        views.presentation_upload,
        name="presentation_upload",
    ),
    path(
        "presentations/<id:pk>/slides.pdf",
        views.presentation_download,
        name="presentation_download",
    ),
    path("enrolments/<id:pk>/withdraw/", views.enrolment_withdraw, name="withdraw"),
    path("enrolments/<id:pk>/letter.pdf", views.letter_download, name="letter"),
    re_path(
        r"^offers/(?P<pk>[0-9]+)/(?P<action>accept|decline)/$",
        views.offer_respond,
        name="offer_respond",
    ),
    path("endorse/<str:token>/", views.endorse, name="endorse"),
    path(
        "programmes/<id:pk>/support-slots/<id:slot_pk>/book/",
        views.support_book,
        name="support_book",
    ),
    path(
        "programmes/<id:pk>/support-slots/",
        views.support_manage,
        name="support_manage",
    ),
    path(
        "support-slots/<id:pk>/remove/",
        views.support_slot_remove,
        name="support_slot_remove",
    ),
    path(
        "support-bookings/<id:pk>/cancel/",
        views.support_cancel,
        name="support_cancel",
    ),
    path(
        "support-bookings/<id:pk>/booking.ics",
        views.support_booking_calendar,
        name="support_booking_calendar",
    ),
]
