"""Behind nginx the client's address is the proxy's X-Real-IP, and only then."""

from django.test import RequestFactory

from lms.proxy import TrustedProxyMiddleware


def _address_seen(settings, remote: str, real_ip: str | None, trusted: list[str]):
    settings.TRUSTED_PROXIES = trusted
    headers = {"HTTP_X_REAL_IP": real_ip} if real_ip else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    return TrustedProxyMiddleware(lambda r: r.META["REMOTE_ADDR"])(request)


def test_a_trusted_proxy_names_the_client(settings):
    assert _address_seen(settings, "127.0.0.1", "203.0.113.7", ["127.0.0.1"]) == (
        "203.0.113.7"
    )


def test_a_client_cannot_name_itself(settings):
    # Straight to the application, or with no proxy configured: the header is ignored.
    assert _address_seen(settings, "198.51.100.9", "127.0.0.1", ["127.0.0.1"]) == (
        "198.51.100.9"
    )
    assert _address_seen(settings, "127.0.0.1", "203.0.113.7", []) == "127.0.0.1"


def test_the_middleware_runs_first(settings):
    assert settings.MIDDLEWARE[0] == "lms.proxy.TrustedProxyMiddleware"
