"""The Q&A socket of a webinar: ``/ws/webinars/<id>/qa/``."""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from lms.errors import DomainError

from . import services
from .models import WebinarPage
from .realtime import room_group
from .selectors import (
    qa_events_since,
    qa_snapshot,
    user_can_moderate,
    user_voted_question_ids,
    webinar_can_view,
)

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
HEARTBEAT_SECONDS = 60
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def _error(code: str, message: str) -> str:
    return json.dumps({"type": "error", "code": code, "message": str(message)})


@database_sync_to_async
def _open(webinar_id: int, user):
    webinar = WebinarPage.objects.filter(pk=webinar_id).first()
    if webinar is None:
        return None, False, set()
    if not webinar_can_view(webinar=webinar, user=user):
        return webinar, None, set()
    return (
        webinar,
        user_can_moderate(webinar=webinar, user=user),
        user_voted_question_ids(webinar=webinar, user=user),
    )


class QAConsumer(AsyncWebsocketConsumer):
    """Thin adapter between a socket and the Q&A services.

    Signed-in viewers only (anonymous sockets are closed with 4401 before
    accept; they can read the page itself). Reading follows the page's
    visibility; asking and voting need registration, moderating needs the
    moderator role — the services check both. A bad message gets an ``error``
    frame and the socket stays open. Room events arrive pre-encoded from
    ``realtime``; this consumer only picks the variant for its viewer.
    """

    webinar = None
    presence_id = None
    heartbeat_task = None

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        webinar_id = self.scope["url_route"]["kwargs"]["webinar_id"]
        webinar, moderator, voted = await _open(webinar_id, self.user)
        if webinar is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if moderator is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.webinar = webinar
        self.moderator = moderator
        self.my_votes = voted
        self.group = room_group(webinar.pk)
        # Join before reading state, so nothing falls between the two.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_initial_state()
        self.presence_id = await self.call(services.presence_join, user=self.user)
        if self.presence_id is not None:
            self.presence_id = self.presence_id.pk
            self.heartbeat_task = asyncio.ensure_future(self.heartbeat())

    async def send_initial_state(self):
        since = None
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        if query.get("since"):
            try:
                since = max(0, int(query["since"][0]))
            except ValueError:
                since = None
        if since is not None:
            messages = await database_sync_to_async(qa_events_since)(
                webinar=self.webinar, user=self.user, since=since
            )
            if messages is not None:
                for message in messages:
                    await self.send(text_data=json.dumps(message))
                return
        snapshot = await database_sync_to_async(qa_snapshot)(
            webinar=self.webinar, user=self.user
        )
        await self.send(text_data=json.dumps(snapshot))

    async def heartbeat(self):
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await database_sync_to_async(services.presence_heartbeat)(
                presence_id=self.presence_id
            )

    async def disconnect(self, code):
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        if self.webinar is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.presence_id is not None:
            await database_sync_to_async(services.presence_leave)(
                presence_id=self.presence_id
            )

    async def call(self, service, **kwargs):
        return await database_sync_to_async(service)(webinar=self.webinar, **kwargs)

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            await self.send(text_data=_error("invalid_message", _("Send JSON text.")))
            return
        if len(text_data.encode("utf-8", "replace")) > MAX_FRAME_BYTES:
            await self.send(
                text_data=_error("message_too_large", _("The message is too large."))
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send(text_data=_error("invalid_json", _("That is not JSON.")))
            return
        if not isinstance(content, dict):
            await self.send(
                text_data=_error("invalid_message", _("Send a JSON object."))
            )
            return
        handler = {
            "ask": self.on_ask,
            "vote": self.on_vote,
            "unvote": self.on_unvote,
            "moderate": self.on_moderate,
        }.get(content.get("type"))
        if handler is None:
            await self.send(
                text_data=_error(
                    "unknown_type",
                    _("Unknown message type: use ask, vote, unvote or moderate."),
                )
            )
            return
        try:
            await handler(content)
        except DomainError as exc:
            await self.send(text_data=_error(exc.code, exc.message))
        except Exception:  # one bad message must never take the socket down
            logger.exception("Q&A message failed")
            await self.send(
                text_data=_error("server_error", _("Something went wrong; try again."))
            )

    async def on_ask(self, content):
        question = await self.call(
            services.question_ask,
            user=self.user,
            text=content.get("text"),
            anonymous=bool(content.get("anonymous", False)),
        )
        if question.status == "pending" and not self.moderator:
            # Only moderators see pending questions in the room; tell the asker.
            await self.send(
                text_data=json.dumps(
                    {
                        "type": "notice",
                        "code": "awaiting_approval",
                        "message": _(
                            "Thank you! Your question will appear once a moderator approves it."
                        ),
                    }
                )
            )

    async def on_vote(self, content):
        await self.call(
            services.question_vote, user=self.user, question_id=content.get("question")
        )
        self.my_votes.add(_as_int(content.get("question")))

    async def on_unvote(self, content):
        await self.call(
            services.question_unvote,
            user=self.user,
            question_id=content.get("question"),
        )
        self.my_votes.discard(_as_int(content.get("question")))

    async def on_moderate(self, content):
        await self.call(
            services.question_moderate,
            user=self.user,
            question_id=content.get("question"),
            action=content.get("action"),
            answer_text=content.get("answer_text", ""),
        )

    async def qa_frames(self, message):
        """Room events, already encoded: send this viewer's variant of each."""
        me = self.user.pk
        prefix = "mod" if self.moderator else "pub"
        for item in message["items"]:
            question_id = item["question_id"]
            if item["voter"] == me and question_id is not None:
                if item["voted"]:
                    self.my_votes.add(question_id)
                else:
                    self.my_votes.discard(question_id)
            key = prefix + ("_v" if question_id in self.my_votes else "")
            text = item["frames"].get(key)
            if text is not None:
                await self.send(text_data=text)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
