"""REST plumbing shared by every app: one error shape, tokens, the schema hook."""

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .services import api_token_create, api_token_revoke

_DRF_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


def error_response(exc: DomainError) -> Response:
    return Response(
        {"code": exc.code, "detail": exc.message, **exc.extra}, status=exc.status
    )


def exception_handler(exc, context):
    """Every API failure as ``{"code", "detail", ...}`` with the right status."""
    if isinstance(exc, DomainError):
        return error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = _DRF_CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": _("The request is not valid; see 'errors' for each field."),
            "errors": data,
        }
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else data
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            if isinstance(codes, str) and codes not in ("error", "invalid"):
                code = codes
        response.data = {"code": code, "detail": str(detail)}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response.data["retry_after"] = int(exc.wait)
    return response


def only_api_paths(endpoints):
    """drf-spectacular preprocessing hook: document our REST API, nothing else."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False
    )
    name = serializers.CharField(
        max_length=100, required=False, default="default", help_text="Device name."
    )


class TokenView(APIView):
    """Exchange e-mail and password for a token for one device.

    Asking again for the same device name replaces that device's token;
    ``DELETE`` with the token revokes it.
    """

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(ErrorSerializer),
            401: OpenApiResponse(ErrorSerializer),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(
            request._request, email=data["email"], password=data["password"]
        )
        if user is None or not user.is_active:
            return Response(
                {
                    "code": "invalid_credentials",
                    "detail": _("E-mail or password is wrong."),
                },
                status=status.HTTP_401_UNAUTHORIZED,
            )
        return Response({"token": api_token_create(user=user, name=data["name"])})


class TokenRevokeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, default="default")


class TokenRevokeView(APIView):
    """Revoke the token of one of the caller's devices."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TokenRevokeSerializer,
        responses={
            204: None,
            400: OpenApiResponse(ErrorSerializer),
            401: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request):
        serializer = TokenRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["name"]
        if not api_token_revoke(user=request.user, name=name):
            raise exceptions.NotFound(_("No token for that device."))
        return Response(status=status.HTTP_204_NO_CONTENT)
