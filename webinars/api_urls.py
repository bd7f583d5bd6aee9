from django.urls import path

from . import api

urlpatterns = [
    path("webinars/", api.WebinarList.as_view(), name="api-webinars"),
    path("webinars/<id:pk>/", api.WebinarDetail.as_view(), name="api-webinar"),
    path(
        "webinars/<id:pk>/registrations/",
        api.RegistrationCreate.as_view(),
        name="api-webinar-registrations",
    ),
    path(
        "webinars/<id:pk>/questions/",
        api.QuestionListCreate.as_view(),
        name="api-webinar-questions",
    ),
    path(
        "questions/<id:pk>/vote/", api.QuestionVote.as_view(), name="api-question-vote"
    ),
    path(
        "questions/<id:pk>/moderate/",
        api.QuestionModerate.as_view(),
        name="api-question-moderate",
    ),
]
