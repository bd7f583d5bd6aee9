"""ASGI entry point: Daphne serves HTTP and WebSockets from here."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

# Build Django (apps, settings) before importing anything that touches models,
# as django.core.asgi.get_asgi_application does.
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from lms.asgi_http import BoundedASGIHandler  # noqa: E402

django_asgi_app = BoundedASGIHandler(limit=settings.ASGI_HTTP_CONCURRENCY)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from lms.middleware import WebSocketAuthStack  # noqa: E402
from lms.websocket_origin import SameOriginValidator  # noqa: E402


def websocket_urlpatterns() -> list:
    patterns = []
    for dotted in settings.WEBSOCKET_URLPATTERNS:
        try:
            patterns += import_string(dotted)
        except ImportError:
            # An app that has no WebSocket routes yet simply contributes none.
            if dotted.startswith("lms."):
                raise
    return patterns


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(
            WebSocketAuthStack(URLRouter(websocket_urlpatterns()))
        ),
    }
)

from lms.process import freeze_loaded_heap  # noqa: E402

freeze_loaded_heap()  # a stop within the supervisor's 10 s (lms.process)
