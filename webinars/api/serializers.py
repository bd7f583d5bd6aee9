"""Shapes of the webinars API: the webinar, and (documentation only) questions and polls."""

from django.conf import settings
from django.utils import translation
from rest_framework import serializers

from lms.links import page_url

from .. import services
from ..models import WebinarPage
from ..selectors import webinar_office


class WebinarSerializer(serializers.ModelSerializer):
    office = serializers.SerializerMethodField()
    ends_at = serializers.DateTimeField(read_only=True)
    is_live = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = WebinarPage
        fields = [
            "id",
            "slug",
            "title",
            "office",
            "starts_at",
            "ends_at",
            "is_live",
            "url",
        ]

    def get_office(self, obj) -> str | None:
        office = webinar_office(webinar=obj)
        return office.slug if office else None

    def get_url(self, obj) -> str:
        # The page's one address, whatever the client's Accept-Language.
        with translation.override(settings.LANGUAGE_CODE):
            return page_url(obj)


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    """Shape of a question (documentation only; views return the selector's dict)."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    author = AuthorSerializer(allow_null=True)
    anonymous = serializers.BooleanField()
    votes = serializers.IntegerField()
    voted_by_me = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["pending", "visible", "hidden"])
    pinned = serializers.BooleanField()
    answered = serializers.BooleanField()
    answer_text = serializers.CharField()
    created_at = serializers.DateTimeField()


class AskSerializer(serializers.Serializer):
    """The body of a question. ``text`` is checked by the service, as for the
    socket's ``ask`` (same codes: ``invalid_text``, ``empty_question``,
    ``question_too_long``), never coerced from a number."""

    text = serializers.CharField(
        help_text="Plain text, 1-500 characters.", required=False
    )
    anonymous = serializers.BooleanField(default=False)


class AskOptionsSerializer(serializers.Serializer):
    anonymous = serializers.BooleanField(default=False)


class ModerateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=services.MODERATION_ACTIONS)
    answer_text = serializers.CharField(required=False, allow_blank=True, default="")


class PollOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    votes = serializers.IntegerField(help_text="People who chose this answer.")


class PollSerializer(serializers.Serializer):
    """Shape of a poll (documentation only; views return the selector's dict)."""

    id = serializers.IntegerField()
    question = serializers.CharField()
    multiple = serializers.BooleanField(help_text="Several answers may be chosen.")
    state = serializers.ChoiceField(choices=["open", "closed"])
    options = PollOptionSerializer(many=True)
    voters = serializers.IntegerField(help_text="People who answered.")
    my_choice = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="The option ids the caller chose; null if not answered.",
    )


class PollVoteSerializer(serializers.Serializer):
    """Documentation of the body; the service validates it (as for the socket)."""

    options = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Chosen option ids: exactly one unless the poll is `multiple`.",
    )
