from django.urls import path

from . import api

urlpatterns = [
    path("webinars/", api.WebinarList.as_view(), name="api-webinars"),
    path("webinars/<int:pk>/", api.WebinarDetail.as_view(), name="api-webinar"),
    path(
        "webinars/<int:pk>/registrations/",
        api.RegistrationCreate.as_view(),
        name="api-webinar-registrations",
    ),
    path(
        "webinars/<int:pk>/questions/",
        api.QuestionListCreate.as_view(),
        name="api-webinar-questions",
    ),
    path(
        "questions/<int:pk>/vote/", api.QuestionVote.as_view(), name="api-question-vote"
    ),
    path(
        "questions/<int:pk>/moderate/",
        api.QuestionModerate.as_view(),
        name="api-question-moderate",
    ),
]
