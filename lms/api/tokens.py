"""API sign-in: token for a device (with the second factor when the account has
one), and revoking tokens."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api.schema import error_responses, ok_example, request_example
from lms.errors import DomainError
from lms.services import api_token_create, api_token_revoke
from lms.signin import (
    locked_out_message,
    second_factor_enabled,
    second_factor_setup_required,
    second_factor_verify,
    signin_is_locked,
    signin_record_failure,
    signin_record_success,
    signin_retry_after,
)
from lms.throttling import FailedSignInThrottle


class TokenThrottle(FailedSignInThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False
    )
    code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=(
            "The second factor, required when the account has an authenticator "
            "app: its current 6-digit code, or one of the account's recovery codes."
        ),
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Device name: signing in again with the same name replaces "
        "that device's token. Without a name every sign-in gets a token of "
        "its own.",
    )


def _signin_refused(code: str, detail: str, status_code: int, **extra) -> DomainError:
    return DomainError(detail, code=code, status=status_code, **extra)


class TokenView(APIView):
    """Exchange e-mail and password (and the second factor) for a token for one device.

    When the account has an authenticator app, ``code`` is required: its
    current code or a recovery code. Without it the answer is 401
    ``mfa_required``; a wrong one is 401 ``mfa_invalid`` and counts as a
    failed sign-in. After repeated failures at any sign-in (this endpoint,
    the site's form, the admin) the account is locked for a while: 429
    ``locked_out``, even with the right password.

    Asking again for the same device ``name`` replaces that device's token;
    without a name each sign-in gets a token of its own, so two clients on one
    account never sign each other out. ``POST /api/v1/auth/token/revoke/``
    with no body revokes the token making that request.
    """

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            **error_responses(
                400,
                401,
                403,
                429,
                codes={
                    401: [
                        ("invalid_credentials", "E-mail or password is wrong."),
                        (
                            "mfa_required",
                            "This account uses two-factor authentication: "
                            "send the code from your authenticator app as 'code'.",
                        ),
                        ("mfa_invalid", "The two-factor code is wrong or was used."),
                    ],
                    403: [
                        (
                            "mfa_setup_required",
                            "Set up two-factor authentication on the site first.",
                        )
                    ],
                    429: [
                        (
                            "locked_out",
                            "Sign-in for this account is paused for a few minutes "
                            "after repeated failures.",
                        ),
                        ("throttled", "Request was throttled."),
                    ],
                },
                descriptions={
                    401: "E-mail, password or second factor is wrong or missing.",
                    403: "Two-factor authentication is required for this role "
                    "and not set up yet.",
                    429: "Too many failed sign-ins for this account (`locked_out`) "
                    "or from this address (`throttled`).",
                },
            ),
        },
        examples=[
            request_example(
                "Laptop token",
                {
                    "email": "dev.hanoi@wego.example",
                    "password": "correct horse battery staple",
                    "name": "hanoi-city-portal",
                },
            ),
            request_example(
                "With the second factor",
                {
                    "email": "secretariat@wego.example",
                    "password": "correct horse battery staple",
                    "code": "492039",
                    "name": "secretariat-laptop",
                },
            ),
            ok_example("Token", {"token": "3f9c2a7e5b1d4c8f9a0e6b2d7c1f4a8e5b3d9c0f"}),
        ],
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        email = data["email"]
        locked = _signin_refused(
            "locked_out",
            locked_out_message(),
            429,
            retry_after=signin_retry_after(),
        )
        if signin_is_locked(django_request, email):
            raise locked
        user = authenticate(django_request, email=email, password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            # This failure was the one that locked the account.
            raise locked
        if user is None or not user.is_active:
            TokenThrottle().record_failure(request, self)
            raise _signin_refused(
                "invalid_credentials", _("E-mail or password is wrong."), 401
            )
        if second_factor_enabled(user):
            code = data.get("code", "")
            if not code:
                raise _signin_refused(
                    "mfa_required",
                    _(
                        "This account uses two-factor authentication: send the "
                        "code from your authenticator app as 'code'."
                    ),
                    401,
                )
            if not second_factor_verify(user, code):
                TokenThrottle().record_failure(request, self)
                signin_record_failure(django_request, email)
                if signin_is_locked(django_request, email):
                    raise locked
                raise _signin_refused(
                    "mfa_invalid", _("The two-factor code is wrong or was used."), 401
                )
        elif second_factor_setup_required(user):
            raise _signin_refused(
                "mfa_setup_required",
                _(
                    "Your role requires two-factor authentication: set up an "
                    "authenticator app on the site (Profile, Two-factor "
                    "authentication), then sign in again."
                ),
                403,
            )
        signin_record_success(django_request, user)
        return Response(
            {"token": api_token_create(user=user, name=data.get("name") or None)}
        )


class TokenRevokeSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The device whose token to revoke; without it, the token "
        "making this request.",
    )


class TokenRevokeView(APIView):
    """Revoke a token: the one making this request, or one device's by ``name``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TokenRevokeSerializer,
        responses={
            204: OpenApiResponse(description="The token no longer works."),
            **error_responses(
                400,
                401,
                404,
                codes={
                    400: [
                        (
                            "name_required",
                            "Signed in with a session: name the device whose "
                            "token to revoke.",
                        )
                    ],
                    404: [("not_found", "No token for that device.")],
                },
            ),
        },
        examples=[
            request_example("This token", {}),
            request_example("Revoke a device", {"name": "hanoi-city-portal"}),
        ],
    )
    def post(self, request):
        serializer = TokenRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("name") or None
        key = request.auth if isinstance(request.auth, str) else None
        if name is None and key is None:
            raise DomainError(
                _("Signed in with a session: name the device whose token to revoke."),
                code="name_required",
            )
        if not api_token_revoke(user=request.user, name=name, key=key):
            raise exceptions.NotFound(_("No token for that device."))
        return Response(status=status.HTTP_204_NO_CONTENT)
