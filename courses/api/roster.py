"""The trainers' side: the roster with answers and completion, attendance marks."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from lms.errors import DomainError

from .. import selectors, services
from . import schema
from .base import CoursesAPIView, programme_or_404, require_trainer
from .serializers import (
    ATTENDANCE_MAX_ROWS,
    AttendanceRowSerializer,
    SessionSerializer,
    roster_row,
)


class RosterView(CoursesAPIView):
    """Enrolments with their application answers, attendance and computed
    completion, for trainers and staff.

    ``answers`` are as the applicant sent them (``delivery_location`` is
    ``home_country`` or ``korea``); ``letter_url`` is the letter of intent
    (PDF), or null.
    """

    permission_classes = [IsAuthenticated]

    @schema.programme_roster
    def get(self, request, pk: int):
        programme = programme_or_404(pk)
        require_trainer(request, programme)
        roster = selectors.programme_roster(programme=programme)
        return Response(
            {
                "programme": programme.pk,
                "sessions": SessionSerializer(programme.sessions.all(), many=True).data,
                "results": [roster_row(e, c, request) for e, c in roster],
            }
        )


class AttendanceView(CoursesAPIView):
    """Bulk upsert of attendance marks; all rows are checked before any is saved."""

    permission_classes = [IsAuthenticated]

    @schema.attendance_upsert
    def post(self, request, pk: int):
        programme = programme_or_404(pk)
        require_trainer(request, programme)
        if isinstance(request.data, list) and len(request.data) > ATTENDANCE_MAX_ROWS:
            raise DomainError(
                _(
                    "At most %(limit)d attendance rows per request; send the "
                    "rest in further requests."
                )
                % {"limit": ATTENDANCE_MAX_ROWS},
                code="too_many_rows",
                status=413,
                limit=ATTENDANCE_MAX_ROWS,
            )
        serializer = AttendanceRowSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        saved = services.attendance_bulk_upsert(
            programme=programme, actor=request.user, rows=serializer.validated_data
        )
        return Response({"saved": len(saved)})
