from django.urls import path

from .consumers import QAConsumer

websocket_urlpatterns = [
    path("ws/webinars/<id:webinar_id>/qa/", QAConsumer.as_asgi()),
]
