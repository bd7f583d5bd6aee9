"""Programmes: the list, one programme, and the signed-in person's eligibility."""

from __future__ import annotations

from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors
from . import schema
from .base import CoursesAPIView, programme_or_404
from .serializers import (
    ProgrammeDetailSerializer,
    ProgrammeFilterSerializer,
    ProgrammeSerializer,
)


class ProgrammeListView(CoursesAPIView, GenericAPIView):
    """Programmes of every office, upcoming first; filter by kind, office, open."""

    serializer_class = ProgrammeSerializer
    filter_backends: list = []

    @schema.programme_list
    def get(self, request):
        filters = ProgrammeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        qs = selectors.programme_list(
            kind=params.get("kind") or None,
            office=params.get("office") or None,
            is_open=params.get("open"),
        )
        page = self.paginate_queryset(qs)
        data = ProgrammeSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class ProgrammeDetailView(CoursesAPIView):
    @schema.programme_detail
    def get(self, request, pk: int):
        programme = programme_or_404(pk)
        return Response(
            ProgrammeDetailSerializer(programme, context={"request": request}).data
        )


class EligibilityView(CoursesAPIView):
    """Every rule's verdict for the signed-in person, before applying."""

    permission_classes = [IsAuthenticated]

    @schema.programme_eligibility
    def get(self, request, pk: int):
        programme = programme_or_404(pk)
        eligible, verdicts = selectors.programme_eligibility(
            programme=programme, user=request.user
        )
        return Response(
            {"eligible": eligible, "reasons": [v.as_dict() for v in verdicts]}
        )
