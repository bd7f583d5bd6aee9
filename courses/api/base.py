"""What every courses API view shares: the 503 handling and the lookups."""

from __future__ import annotations

from django.db import OperationalError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from lms.errors import PermissionDenied

from .. import selectors, services
from ..models import ProgrammePage, SupportSlot


class CoursesAPIView(APIView):
    """Adds Retry-After to 503s: a busy seat lock or a lost database connection."""

    def handle_exception(self, exc):
        if isinstance(exc, OperationalError):
            exc = services.Busy(
                _("The service is briefly unavailable; please try again.")
            )
        response = super().handle_exception(exc)
        if isinstance(exc, services.Busy):
            response["Retry-After"] = str(exc.retry_after)
        return response


def programme_or_404(pk: int) -> ProgrammePage:
    """A live, public programme, or 404."""
    page = selectors.public_programme(pk)
    if page is None:
        raise Http404
    return page


def support_slot_or_404(programme: ProgrammePage, slot_pk: int) -> SupportSlot:
    return get_object_or_404(SupportSlot, pk=slot_pk, programme=programme)


def require_trainer(request, programme: ProgrammePage, message: str = "") -> None:
    """Refuse anyone but the programme's trainers and the Secretariat.

    Called before the body is read: who is refused learns nothing from it.
    """
    if not selectors.user_can_train(user=request.user, programme=programme):
        raise PermissionDenied(
            message
            or _("Only this programme's trainers and the Secretariat can see this.")
        )
