"""The courses API's serializers: shape only, no decisions."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from lms.links import page_url
from lms.parsers import BoundedJSONField, json_depth_exceeds

from .. import selectors
from ..models import OfferState, ProgrammePage


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField()


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    office = serializers.SerializerMethodField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    capacity = serializers.IntegerField(allow_null=True)
    seats_left = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_office(self, obj) -> str | None:
        slug = getattr(obj, "office_slug", None)
        if slug is None and obj.office is not None:
            slug = obj.office.slug
        return slug

    def get_seats_left(self, obj) -> int | None:
        return selectors.seats_left(obj)

    def get_url(self, obj) -> str:
        # The page's one address, whatever the client's Accept-Language.
        with translation.override(settings.LANGUAGE_CODE):
            return page_url(obj, self.context.get("request"))


class ProgrammeDetailSerializer(ProgrammeSerializer):
    summary = serializers.CharField()
    format = serializers.CharField()
    venue = serializers.CharField()
    timezone = serializers.CharField()
    enrolment_opens_at = serializers.DateTimeField(allow_null=True)
    enrolment_closes_at = serializers.DateTimeField(
        source="effective_enrolment_closes_at"
    )
    is_open = serializers.BooleanField()
    sessions = serializers.SerializerMethodField()

    def get_sessions(self, obj) -> list[dict]:
        return SessionSerializer(obj.sessions.all(), many=True).data


class ReasonSerializer(serializers.Serializer):
    rule = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


def _has_nul(value) -> bool:
    """Whether a NUL character is anywhere in ``value``'s keys or strings
    (PostgreSQL cannot store one in text or JSON)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class ApplySerializer(serializers.Serializer):
    answers = BoundedJSONField(
        required=False,
        default=dict,
        help_text="Answers, as text, to the questions the programme asks: "
        "`motivation`, `technical_experience`, `delivery_location` "
        "(`home_country` or `korea`), `preferred_dates`. A question may be "
        "left out unless the programme requires every answer.",
    )
    letter = serializers.FileField(
        required=False, help_text="Letter of intent, PDF, at most 5 MB."
    )
    colleagues = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=4,
        help_text="A city delegation: e-mails of colleagues of the same "
        "organisation applying with you; all are seated or waitlisted together.",
    )

    def validate_answers(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError) as exc:
                raise serializers.ValidationError(
                    _("Answers must be a JSON object.")
                ) from exc
        if json_depth_exceeds(value):
            raise serializers.ValidationError(_("Answers must be a JSON object."))
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Answers must be a JSON object."))
        if _has_nul(value):
            raise serializers.ValidationError(
                _("Answers may not contain NUL characters.")
            )
        return value


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)


class GroupMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)


class ApplyResultSerializer(EnrolmentSerializer):
    group = serializers.SerializerMethodField(
        help_text="The delegation applied together, or null."
    )

    @extend_schema_field(
        inline_serializer(
            "Delegation",
            {
                "id": serializers.IntegerField(),
                "members": GroupMemberSerializer(many=True),
            },
            allow_null=True,
        )
    )
    def get_group(self, obj):
        if obj.group_id is None:
            return None
        members = obj.group.members.select_related("user").order_by("pk")
        return {
            "id": obj.group_id,
            "members": GroupMemberSerializer(members, many=True).data,
        }


class NominateSerializer(serializers.Serializer):
    emails = serializers.ListField(
        child=serializers.EmailField(),
        min_length=1,
        max_length=20,
        help_text="E-mails of officials of the focal point's organisation; "
        "at most the programme's delegation size.",
    )
    answers = BoundedJSONField(
        required=False,
        default=dict,
        help_text="The programme's questions, answered once for all nominees.",
    )

    validate_answers = ApplySerializer.validate_answers


class NominationSerializer(EnrolmentSerializer):
    email = serializers.EmailField(source="user.email")
    group = serializers.IntegerField(
        source="group_id", help_text="The delegation the nominees form."
    )


class MyEnrolmentSerializer(EnrolmentSerializer):
    programme = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    offer_expires_at = serializers.SerializerMethodField()

    def get_programme(self, obj) -> dict:
        return {
            "id": obj.programme_id,
            "title": obj.programme.title,
            "starts_on": obj.programme.starts_on,
            "ends_on": obj.programme.ends_on,
        }

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_offer_expires_at(self, obj):
        for offer in obj.offers.all():
            if offer.state == OfferState.OFFERED:
                return offer.expires_at
        return None


ID_MAX = 2**63 - 1
# Rows per attendance request: a session of a large programme fits; bigger
# grids are sent in several requests.
ATTENDANCE_MAX_ROWS = 1000


class AttendanceRowSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    participant = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="The participant's user id."
    )
    status = serializers.ChoiceField(choices=["present", "absent", "excused"])
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=24 * 60,
        help_text="Minutes attended, at most a day's.",
    )


_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


class ProgrammeFilterSerializer(serializers.Serializer):
    """The list's query filters; an unknown value is a 400 naming the allowed ones."""

    kind = serializers.CharField(required=False, allow_blank=True, max_length=50)
    office = serializers.CharField(required=False, allow_blank=True, max_length=100)
    open = serializers.CharField(required=False, allow_blank=True, max_length=10)

    def validate_kind(self, value: str) -> str:
        allowed = [c for c, _l in ProgrammePage._meta.get_field("kind").choices]
        if value and value not in allowed:
            raise serializers.ValidationError(
                _("Unknown kind %(value)s; use one of: %(allowed)s.")
                % {"value": repr(value), "allowed": ", ".join(allowed)}
            )
        return value

    def validate_open(self, value: str) -> bool | None:
        if value == "":
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise serializers.ValidationError(
            _("Unknown value %(value)s for open; use true or false.")
            % {"value": repr(value)}
        )


def roster_row(enrolment, completion, request) -> dict:
    """One roster entry: the participant, answers, letter, marks and completion."""
    user = enrolment.user
    return {
        "id": enrolment.pk,
        "participant": {
            "id": user.pk,
            "name": user.get_full_name(),
            "email": user.email,
            "organisation": enrolment.organisation_name,
        },
        "status": enrolment.status,
        "waitlist_position": enrolment.waitlist_position,
        "answers": enrolment.answers or {},
        "letter_url": request.build_absolute_uri(
            reverse("courses:letter", args=[enrolment.pk])
        )
        if enrolment.letter_of_intent
        else None,
        "attendance": [
            {
                "session": a.session_id,
                "status": a.status,
                "minutes": a.minutes,
                "source": a.source,
            }
            for a in enrolment.attendance.all()
        ],
        "completion": {
            "eligible": completion.eligible,
            "attended": completion.attended,
            "counted": completion.counted,
            "needed": completion.needed,
            "missing_required": completion.missing_required,
            "reason": completion.reason,
        },
        "completed_at": enrolment.completed_at,
    }


class SupportBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    status = serializers.CharField()
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    timezone = serializers.CharField(source="slot.timezone")
    video_link = serializers.CharField(source="slot.video_link")
    ics_url = serializers.SerializerMethodField()

    def get_ics_url(self, obj) -> str:
        path = reverse("courses:support_booking_calendar", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SupportSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="slot.pk")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    timezone = serializers.CharField(
        source="slot.timezone", help_text="The zone the times are shown in."
    )
    local_start = serializers.CharField(
        help_text="Start as wall-clock time in `timezone`, ISO 8601 with offset."
    )
    capacity = serializers.IntegerField(source="slot.capacity")
    seats_left = serializers.IntegerField()
    note = serializers.CharField(source="slot.note")
    booking = serializers.SerializerMethodField()
    video_link = serializers.CharField(
        allow_null=True, help_text="Only for the person who booked the slot."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_booking(self, obj):
        return obj.booking.pk if obj.booking is not None else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["local_start"] = instance.local_start.isoformat()
        data["video_link"] = instance.video_link or None
        return data


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that says its UTC offset: no guessing the zone."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                raise serializers.ValidationError(
                    _("Give the UTC offset too, e.g. 2026-12-21T10:00:00+09:00.")
                )
        return super().to_internal_value(value)


class SupportSlotPublishSerializer(serializers.Serializer):
    starts_at = OffsetDateTimeField(
        help_text="ISO 8601 with offset, e.g. 2026-12-21T10:00:00+09:00."
    )
    ends_at = OffsetDateTimeField(help_text="ISO 8601 with offset; after starts_at.")
    timezone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text="IANA zone the slot is shown in; the programme's when omitted.",
    )
    capacity = serializers.IntegerField(
        required=False, default=1, max_value=20, help_text="Places, at least 1."
    )
    video_link = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown only to the people who book the slot.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
