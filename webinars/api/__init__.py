"""REST API for webinars and their Q&A: thin views over the same services as the socket.

One module per subject; the OpenAPI documentation is in ``schema``, the
shapes in ``serializers``. The views are re-exported here for
``webinars.api_urls``.
"""

from .polls import PollListView, PollVoteCreateView
from .questions import QuestionListCreateView, QuestionModerateView, QuestionVoteView
from .webinars import RegistrationCreateView, WebinarDetailView, WebinarListView

__all__ = [
    "PollListView",
    "PollVoteCreateView",
    "QuestionListCreateView",
    "QuestionModerateView",
    "QuestionVoteView",
    "RegistrationCreateView",
    "WebinarDetailView",
    "WebinarListView",
]
