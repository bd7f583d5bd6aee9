"""Webinars: the public list, one webinar, registering for it."""

from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..selectors import webinars_public
from . import schema
from .base import _webinar
from .serializers import WebinarSerializer


class WebinarListView(generics.ListAPIView):
    """Published public webinars, soonest first."""

    serializer_class = WebinarSerializer
    filter_backends: list = []

    def get_queryset(self):
        return webinars_public()

    @schema.webinar_list
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WebinarDetailView(generics.RetrieveAPIView):
    """One webinar the caller may read."""

    serializer_class = WebinarSerializer

    @schema.webinar_detail
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return _webinar(self.request, self.kwargs["pk"])


class RegistrationCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @schema.registration_create
    def post(self, request, pk):
        webinar = _webinar(request, pk)
        registration, created = services.webinar_register(
            webinar=webinar, user=request.user
        )
        return Response(
            {
                "id": registration.pk,
                "webinar": webinar.pk,
                "created_at": registration.created_at,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
