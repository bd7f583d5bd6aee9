"""Answering a seat offered from the waitlist: accept or decline."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from lms.errors import Conflict

from .. import services
from ..models import Enrolment, OfferState, WaitlistOffer
from . import schema
from .base import CoursesAPIView
from .serializers import EnrolmentSerializer


def open_offer(request, pk: int) -> WaitlistOffer:
    """The caller's enrolment and its open offer; others' enrolments are 404."""
    enrolment = get_object_or_404(Enrolment, pk=pk, user=request.user)
    offer = enrolment.offers.filter(state=OfferState.OFFERED).first()
    if offer is None:
        raise Conflict(
            _("There is no open seat offer on this application."), code="no_offer"
        )
    return offer


class _OfferAnswerView(CoursesAPIView):
    """Answer one's own open waitlist offer with the service named by ``answer``."""

    permission_classes = [IsAuthenticated]
    answer = ""

    def post(self, request, pk: int):
        offer = open_offer(request, pk)
        enrolment = getattr(services, self.answer)(offer=offer, user=request.user)
        return Response(EnrolmentSerializer(enrolment).data)


@schema.offer_accept
class OfferAcceptView(_OfferAnswerView):
    """Accept the seat offered from the waitlist, before its deadline."""

    answer = "offer_accept"


@schema.offer_decline
class OfferDeclineView(_OfferAnswerView):
    """Decline the offered seat; it passes to the next person waiting."""

    answer = "offer_decline"
