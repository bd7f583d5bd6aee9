"""HTTP and WebSocket middleware of the platform."""

from channels.auth import AuthMiddlewareStack
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .authentication import token_from_header
from .db import socket_database_sync_to_async as database_sync_to_async


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict site policy, with a looser one for the Wagtail admin and API docs."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(
            tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES)
        ):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN
            parts.nonce = None
        return parts


class SecondFactorSetupMiddleware:
    """With ``REQUIRE_TWO_FACTOR``, staff, trainers and editors set up an
    authenticator app before any other page (sign-out and the setup pages
    themselves stay open). The token API refuses them until then."""

    _open_prefixes = ("/static/", "/media/", "/api/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_TWO_FACTOR and self._must_set_up(request):
            setup = reverse("mfa_activate_totp")
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect(setup)
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        from .signin import second_factor_setup_required

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        path = request.path_info
        if path.startswith(self._open_prefixes):
            return False
        # The account pages (sign-out, re-authentication, the two-factor
        # set-up itself), in any language.
        open_pages = [reverse("account_logout"), reverse("account_reauthenticate")]
        open_pages.append(reverse("mfa_index"))
        if any(page in path for page in open_pages):
            return False
        return second_factor_setup_required(user)


@database_sync_to_async
def _user_for_token(key: str):
    from .services import api_token_user

    return api_token_user(key)


class TokenAuthMiddleware:
    """Authenticates a WebSocket by ``Authorization: Token`` when there's no session.

    Non-browser clients (integrations, load tests) can't send a session cookie.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            key = None
            for name, value in scope.get("headers", []):
                if name == b"authorization":
                    key = token_from_header(value.decode("latin-1"))
            if key:
                token_user = await _user_for_token(key)
                if token_user is not None:
                    scope = dict(scope, user=token_user)
        return await self.app(scope, receive, send)


def WebSocketAuthStack(app):  # noqa: N802 - reads like channels' own stacks
    return AuthMiddlewareStack(TokenAuthMiddleware(app))
