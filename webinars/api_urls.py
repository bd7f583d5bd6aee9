from django.urls import path

from . import api

urlpatterns = [
    path("webinars/", api.WebinarListView.as_view(), name="api-webinars"),
    path("webinars/<id:pk>/", api.WebinarDetailView.as_view(), name="api-webinar"),
    path(
        "webinars/<id:pk>/registrations/",
        api.RegistrationCreateView.as_view(),
        name="api-webinar-registrations",
    ),
    path(
        "webinars/<id:pk>/questions/",
        api.QuestionListCreateView.as_view(),
        name="api-webinar-questions",
    ),
    path(
        "webinars/<id:pk>/polls/",
        api.PollListView.as_view(),
        name="api-webinar-polls",
    ),
    path(
        "polls/<id:pk>/votes/",
        api.PollVoteCreateView.as_view(),
        name="api-poll-votes",
    ),
    path(
        "questions/<id:pk>/vote/",
        api.QuestionVoteView.as_view(),
        name="api-question-vote",
    ),
    path(
        "questions/<id:pk>/moderate/",
        api.QuestionModerateView.as_view(),
        name="api-question-moderate",
    ),
]
