"""The client's address behind the reverse proxy.

Behind nginx every request comes from 127.0.0.1, so rate limits, sign-in
lockouts and the ``/metrics`` allow-list would all see one address. When a
request comes from an address in ``TRUSTED_PROXIES`` (``make prod`` and the
deploy files: 127.0.0.1), ``REMOTE_ADDR`` becomes the ``X-Real-IP`` that
proxy set (nginx: ``proxy_set_header X-Real-IP $remote_addr``, overwriting
whatever the client sent). From anywhere else the header is ignored: it is
client-controlled.
"""

from __future__ import annotations

from django.conf import settings


class TrustedProxyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real_ip and request.META.get("REMOTE_ADDR") in settings.TRUSTED_PROXIES:
            request.META["REMOTE_ADDR"] = real_ip
        return self.get_response(request)
