"""The Q&A socket of a webinar: ``/ws/webinars/<id>/qa/``."""

import json
import logging
import time

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from lms.db import socket_database_sync_to_async as database_sync_to_async
from lms.errors import DomainError
from lms.observability import QA_SOCKETS

from . import services
from .realtime import poll_frame, user_group
from .room_duties import recheck_moderators, report_room_attendance
from .rooms import hub
from .selectors import qa_events_since, qa_snapshot
from .socket_messages import (
    answer_saved_notice,
    as_int,
    awaiting_approval_notice,
    error_frame,
    parse_message,
    paused_notice,
    question_saved_notice,
    refusal_message,
    resilient_receive,
    revoked_message,
    room_open,
    since_from_query,
    socket_credentials,
    unknown_type_error,
)

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60

# Without a push, a socket's session and access are re-checked this often
# (with the rest of its room, and before handling a message when its last
# check is older): revocation that sent no signal still closes it within ~35 s.
RECHECK_SECONDS = 30
CLOSE_UNAUTHENTICATED = services.CLOSE_SIGNED_OUT
CLOSE_FORBIDDEN = services.CLOSE_NO_ACCESS
CLOSE_NOT_FOUND = services.CLOSE_NOT_FOUND


class QAConsumer(AsyncWebsocketConsumer):
    """Thin adapter between a socket and the Q&A services.

    Signed-in viewers only (anonymous sockets are accepted and closed at once
    with 4401, so the client sees the code; they can read the page itself). Reading follows the page's
    visibility; asking and voting need registration, moderating needs the
    moderator role — the services check both. A bad message gets an ``error``
    frame and the socket stays open. Room events arrive pre-encoded from
    ``realtime`` through this process's room (``rooms``); this consumer only
    picks the variant for its viewer (``variants``).

    Revocation: every socket also joins its person's group (``user.<id>``).
    Logging out closes the sockets of that session, deactivation all of them
    (4401); a removed registration, group or token makes them re-check and
    close if access is gone (4401 or 4403). Sockets are also re-checked
    every 30–35 s, a room at a time (``room_tick``), and before a message
    when their last check is older than 30 s, so a change that sent no
    signal closes them within a minute all the same.
    """

    webinar = None
    room = None
    presence_id = None
    revoked_code = None
    counted = False  # in the open-sockets gauge (lms.observability)

    @property
    def channel_receive(self):
        return self._channel_receive

    @channel_receive.setter
    def channel_receive(self, receive) -> None:
        """Channels reads this socket's channel with ``receive``; a failing read
        (Redis down) would end the consumer and close the socket with 1011.
        It waits for the layer instead: the socket stays open on what it has
        while its room is paused (``rooms.Hub._recover``)."""
        self._channel_receive = resilient_receive(receive)

    async def refuse(self, code: int) -> None:
        """Refuse the socket so that a real client sees why.

        Closing before ``accept`` makes the server answer the handshake with a
        plain HTTP 403, and browsers and WebSocket libraries then report 1006
        whatever the reason. Accepted first, the client gets an ``error``
        frame and the close code (4401, 4403, 4404), sends nothing more, and
        knows not to retry. No state is read or sent before this.
        """
        await self.accept()
        await self.send(text_data=refusal_message(code))
        await self.close(code=code)

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        webinar_id = self.scope["url_route"]["kwargs"]["webinar_id"]
        webinar, moderator, voted, choices = await room_open(webinar_id, self.user)
        if webinar is None:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        if moderator is None:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        self.webinar = webinar
        self.moderator = moderator
        self.my_votes = voted
        self.my_polls = choices
        self.session_key, self.token_key = await database_sync_to_async(
            socket_credentials
        )(self.scope, self.user)
        self.checked_at = time.monotonic()
        self.room = hub()
        # The user's group carries revocation (log-out, deactivation,
        # access). With the channel layer away (Redis down) the socket opens
        # all the same, from the database, and says live updates are paused;
        # the room joins the group again when the layer is back, and the
        # periodic re-check covers revocation meanwhile.
        try:
            await self.channel_layer.group_add(
                user_group(self.user.pk), self.channel_name
            )
        except Exception:
            logger.warning("Q&A socket: channel layer unavailable", exc_info=True)
            self.room.paused = True
        await self.accept()
        # Join before reading state, so nothing falls between the two (events
        # wait in the room until the snapshot is out).
        await self.room.join(webinar.pk, self)
        await self.send_initial_state()
        await self.room.ready(webinar.pk, self)
        QA_SOCKETS.labels(str(webinar.pk)).inc()
        self.counted = True
        if self.room.paused:
            await self.send(text_data=paused_notice())
        self.presence_id = await self.call(services.presence_join, user=self.user)
        if self.presence_id is not None:
            self.presence_id = self.presence_id.pk
        self.beat_at = time.monotonic()

    async def send_initial_state(self):
        self.initial_event_id = await self._send_initial_state()

    async def _send_initial_state(self) -> int | None:
        since = since_from_query(self.scope)
        if since is not None:
            messages = await database_sync_to_async(qa_events_since)(
                webinar=self.webinar, user=self.user, since=since
            )
            if messages is not None:
                for message in messages:
                    await self.send(text_data=json.dumps(message))
                return max([since, *(m["event_id"] for m in messages)])
        snapshot = await database_sync_to_async(qa_snapshot)(
            webinar=self.webinar, user=self.user
        )
        await self.send(text_data=json.dumps(snapshot))
        return snapshot["last_event_id"]

    @property
    def credentials(self) -> services.SocketCredentials:
        return services.SocketCredentials(
            user_id=self.user.pk,
            session_key=self.session_key,
            token_key=self.token_key,
            attendee=self.presence_id is not None and not self.moderator,
        )

    @classmethod
    async def room_tick(cls, webinar_id: int, consumers: list) -> None:
        """The periodic duties of a room's sockets, done for all of them at once.

        Called by the process's room every few seconds (``rooms.TICK_SECONDS``):
        sockets whose last check is ``RECHECK_SECONDS`` old are re-checked in
        one batch (revocation that sent no signal closes them within ~35 s),
        and attendees whose last heartbeat is ``HEARTBEAT_SECONDS`` old beat
        in one update.
        """
        now = time.monotonic()
        due = [
            c
            for c in consumers
            if c.revoked_code is None and now - c.checked_at >= RECHECK_SECONDS
        ]
        if due:
            codes = await database_sync_to_async(services.socket_access_check_many)(
                webinar_id=webinar_id, sockets=[c.credentials for c in due]
            )
            for consumer, code in zip(due, codes, strict=True):
                consumer.checked_at = now
                if code is not None:
                    await consumer.revoke(code)
            await recheck_moderators(webinar_id, due)
        beats = [
            c
            for c in consumers
            if c.revoked_code is None
            and c.presence_id is not None
            and now - c.beat_at >= HEARTBEAT_SECONDS
        ]
        if beats:
            await database_sync_to_async(services.presence_heartbeat_many)(
                presence_ids=[c.presence_id for c in beats]
            )
            for consumer in beats:
                consumer.beat_at = now
        await report_room_attendance(webinar_id, consumers, now)

    async def recheck(self) -> bool:
        """Re-validate this socket now; close it (and return False) if revoked."""
        code = (
            await database_sync_to_async(services.socket_access_check_many)(
                webinar_id=self.webinar.pk, sockets=[self.credentials]
            )
        )[0]
        self.checked_at = time.monotonic()
        if code is not None:
            await self.revoke(code)
            return False
        await recheck_moderators(self.webinar.pk, [self])
        return True

    async def revoke(self, code: int) -> None:
        """Refuse everything from now on and close with ``code``."""
        if self.revoked_code is not None:
            return
        self.revoked_code = code
        await self.send(text_data=revoked_message(code))
        await self.close(code=code)

    async def session_revoked(self, message):
        """Push from ``services.sockets_revoke``: log-out or deactivation."""
        session = message.get("session")
        if session is not None and session != services.session_fingerprint(
            self.session_key
        ):
            return  # another session (device) of the same person logged out
        await self.revoke(CLOSE_UNAUTHENTICATED)

    async def access_recheck(self, message):
        """Push from ``services.sockets_recheck``: access may have changed."""
        webinar_id = message.get("webinar")
        if webinar_id is not None and webinar_id != self.webinar.pk:
            return
        if self.revoked_code is None:
            await self.recheck()

    async def disconnect(self, code):
        if self.counted:
            QA_SOCKETS.labels(str(self.webinar.pk)).dec()
            self.counted = False
        if self.room is not None:
            await self.room.leave(self.webinar.pk, self)
        if self.webinar is not None:
            try:
                await self.channel_layer.group_discard(
                    user_group(self.user.pk), self.channel_name
                )
            except Exception:  # membership expires on its own
                logger.warning("Q&A socket: leaving a group failed", exc_info=True)
        if self.presence_id is not None:
            await database_sync_to_async(services.presence_leave)(
                presence_id=self.presence_id
            )

    async def call(self, service, **kwargs):
        return await database_sync_to_async(service)(webinar=self.webinar, **kwargs)

    async def receive(self, text_data=None, bytes_data=None):
        if self.revoked_code is None and (
            time.monotonic() - self.checked_at >= RECHECK_SECONDS
        ):
            await self.recheck()
        if self.revoked_code is not None:
            # Revoked: nothing more is handled, whatever is still in flight.
            await self.send(text_data=revoked_message(self.revoked_code))
            await self.close(code=self.revoked_code)
            return
        content, refusal = parse_message(text_data, bytes_data)
        if refusal is not None:
            await self.send(text_data=refusal)
            return
        handler = {
            "ask": self.on_ask,
            "vote": self.on_vote,
            "unvote": self.on_unvote,
            "moderate": self.on_moderate,
            "poll.vote": self.on_poll_vote,
        }.get(content.get("type"))
        if handler is None:
            await self.send(text_data=unknown_type_error())
            return
        try:
            await handler(content)
        except DomainError as exc:
            await self.send(text_data=error_frame(exc.code, exc.message))
        except Exception:  # one bad message must never take the socket down
            logger.exception("Q&A message failed")
            await self.send(
                text_data=error_frame(
                    "server_error", _("Something went wrong; try again.")
                )
            )

    async def on_ask(self, content):
        question = await self.call(
            services.question_ask,
            user=self.user,
            text=content.get("text"),
            anonymous=bool(content.get("anonymous", False)),
        )
        if self.room is not None and self.room.paused:
            # Stored, but nobody (the asker included) hears it until the
            # channel layer is back; the room replays it then.
            await self.send(text_data=question_saved_notice())
            return
        if question.status == "pending" and not self.moderator:
            # Only moderators see pending questions in the room; tell the asker.
            await self.send(text_data=awaiting_approval_notice())

    async def on_vote(self, content):
        await self.call(
            services.question_vote, user=self.user, question_id=content.get("question")
        )
        self.my_votes.add(as_int(content.get("question")))

    async def on_unvote(self, content):
        await self.call(
            services.question_unvote,
            user=self.user,
            question_id=content.get("question"),
        )
        self.my_votes.discard(as_int(content.get("question")))

    async def on_poll_vote(self, content):
        """``poll.vote {poll, options}``: the same service as the form and the API.

        The answer reaches everyone (this socket too, with ``my_choice``) as
        ``poll.updated``; while live updates are paused, the voter is told it
        is saved.
        """
        poll = await self.call(
            services.poll_vote,
            user=self.user,
            poll_id=content.get("poll"),
            option_ids=content.get("options"),
        )
        self.my_polls[poll["id"]] = poll["my_choice"]
        if self.room is not None and self.room.paused:
            await self.send(text_data=answer_saved_notice())

    async def on_moderate(self, content):
        await self.call(
            services.question_moderate,
            user=self.user,
            question_id=content.get("question"),
            action=content.get("action"),
            answer_text=content.get("answer_text", ""),
        )

    def variants(self, items: list[dict]) -> list[tuple[dict, str]]:
        """Room events, already encoded: which variant of each this viewer gets.

        Called by the room (``rooms.Hub``) for every batch, in event order.
        """
        if self.revoked_code is not None:
            return []
        me = self.user.pk
        prefix = "mod" if self.moderator else "pub"
        chosen = []
        for item in items:
            poll_id = item.get("poll_id")
            if poll_id is not None:
                for voter, choice in item.get("choices") or ():
                    if voter == me:
                        self.my_polls[poll_id] = choice
                chosen.append((item, poll_frame(item, self.my_polls.get(poll_id))))
                continue
            question_id = item["question_id"]
            if item["voter"] == me and question_id is not None:
                if item["voted"]:
                    self.my_votes.add(question_id)
                else:
                    self.my_votes.discard(question_id)
            key = prefix + ("_v" if question_id in self.my_votes else "")
            if item["frames"].get(key) is not None:
                chosen.append((item, key))
        return chosen
