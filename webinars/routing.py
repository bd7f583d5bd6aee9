from django.urls import path

from .consumers import QAConsumer

websocket_urlpatterns = [
    path("ws/webinars/<int:webinar_id>/qa/", QAConsumer.as_asgi()),
]
