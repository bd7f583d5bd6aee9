"""What the Q&A socket says besides events, and what it reads when it opens.

Error, refusal and revocation frames, the live paused/resumed notices (also
sent by ``webinars.rooms``), the credentials that opened a socket, the room
as its viewer sees it at connect, and the validation of ids in messages.
"""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from django.utils.translation import gettext as _

from lms.db import socket_database_sync_to_async as database_sync_to_async

from . import services
from .models import WebinarPage
from .selectors import (
    user_can_moderate,
    user_poll_choices,
    user_voted_question_ids,
    webinar_can_view,
)

# The socket's log, whichever module writes to it.
logger = logging.getLogger("webinars.consumers")

MAX_FRAME_BYTES = 16 * 1024


def error_frame(code: str, message: str) -> str:
    return json.dumps({"type": "error", "code": code, "message": str(message)})


def revoked_message(code: int) -> str:
    if code == services.CLOSE_SIGNED_OUT:
        return error_frame(
            "session_ended", _("You have been signed out. Sign in again.")
        )
    return error_frame("access_revoked", _("You no longer have access to this Q&A."))


def paused_notice() -> str:
    return json.dumps(
        {
            "type": "notice",
            "code": "live_paused",
            "message": _(
                "Live updates paused: the page shows what was there when it loaded; you can still ask and vote."
            ),
        }
    )


def resumed_notice() -> str:
    return json.dumps(
        {
            "type": "notice",
            "code": "live_resumed",
            "message": _("Live: new questions appear as they are asked."),
        }
    )


def refusal_message(code: int) -> str:
    if code == services.CLOSE_SIGNED_OUT:
        return error_frame("not_authenticated", _("Sign in to follow the Q&A live."))
    if code == services.CLOSE_NOT_FOUND:
        return error_frame("webinar_not_found", _("No such webinar."))
    return error_frame("forbidden", _("You do not have access to this Q&A."))


def token_from_scope(scope) -> str | None:
    from lms.authentication import token_from_header

    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return token_from_header(value.decode("latin-1"))
    return None


def socket_credentials(scope, user) -> tuple[str | None, str | None]:
    """What opened this socket: its session key, else its API token key."""
    session = scope.get("session")
    if session is not None:
        try:
            if session.get("_auth_user_id") == str(user.pk):
                return session.session_key, None
        except Exception:  # an unreadable session is no session
            logger.warning("Q&A socket: session unreadable", exc_info=True)
    return None, token_from_scope(scope)


@database_sync_to_async
def room_open(webinar_id: int, user):
    webinar = WebinarPage.objects.filter(pk=webinar_id).first()
    if webinar is None:
        return None, False, set(), {}
    if not webinar_can_view(webinar=webinar, user=user):
        return webinar, None, set(), {}
    return (
        webinar,
        user_can_moderate(webinar=webinar, user=user),
        user_voted_question_ids(webinar=webinar, user=user),
        user_poll_choices(webinar=webinar, user=user),
    )


def as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_message(text_data, bytes_data) -> tuple[dict | None, str | None]:
    """A client's frame as a JSON object, or else the error frame to answer with."""
    if bytes_data is not None or text_data is None:
        return None, error_frame("invalid_message", _("Send JSON text."))
    if len(text_data.encode("utf-8", "replace")) > MAX_FRAME_BYTES:
        return None, error_frame("message_too_large", _("The message is too large."))
    try:
        content = json.loads(text_data)
    except (ValueError, RecursionError):  # deeply nested: not for us
        return None, error_frame("invalid_json", _("That is not JSON."))
    if not isinstance(content, dict):
        return None, error_frame("invalid_message", _("Send a JSON object."))
    return content, None


def unknown_type_error() -> str:
    return error_frame(
        "unknown_type",
        _("Unknown message type: use ask, vote, unvote, moderate or poll.vote."),
    )


def _notice(code: str, message: str) -> str:
    return json.dumps({"type": "notice", "code": code, "message": message})


def question_saved_notice() -> str:
    """Asked while live updates are paused: stored, heard when they resume."""
    return _notice(
        "question_saved",
        _(
            "Your question is saved. Live updates are paused; it appears when they resume."
        ),
    )


def awaiting_approval_notice() -> str:
    """Only moderators see pending questions in the room; the asker is told."""
    return _notice(
        "awaiting_approval",
        _("Thank you! Your question will appear once a moderator approves it."),
    )


def answer_saved_notice() -> str:
    """A poll answered while live updates are paused."""
    return _notice(
        "answer_saved",
        _(
            "Your answer is saved. Live updates are paused; results appear when they resume."
        ),
    )


def since_from_query(scope) -> int | None:
    """``?since=<event_id>`` of the socket's address (negative counts as 0), if any."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("since"):
        try:
            return max(0, int(query["since"][0]))
        except ValueError:
            return None
    return None


def resilient_receive(receive):
    """``receive`` of a socket's channel that waits out a failing channel layer.

    A failing read (Redis down) would end the consumer and close the socket
    with 1011; this one retries each second instead.
    """

    async def resilient():
        while True:
            try:
                return await receive()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the room logs the outage once
                await asyncio.sleep(1)

    return resilient
