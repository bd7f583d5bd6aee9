"""Broadcasting stored Q&A events to the sockets of a webinar's room.

Called by services through ``transaction.on_commit``, so nothing is announced
that was not stored. Three things keep a room fast with a thousand sockets:

* each event is encoded to JSON once, here, in the few variants viewers can
  differ by (moderator or not, voted or not); consumers only pick a string;
* vote-count updates are coalesced for ``VOTE_BATCH_SECONDS``: only the latest
  state of each question goes out (it carries the full question, so nothing is
  lost), with everything pending sent in one group message, in event order;
* each server process receives the batch once and frames it for its own
  sockets (``rooms``), instead of one channel message per socket;
* group sends may drop messages under load (channel layers do, by design):
  clients resync by event id, so a drop costs a resync, never a question.
"""

import asyncio
import contextvars
import json
import logging
import os

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from lms.observability import CHANNEL_LAYER_FAILURES

from .events import event_message
from .rooms import fanout_group

logger = logging.getLogger(__name__)

VOTE_BATCH_SECONDS = 0.2

# Per process, per webinar: items waiting for the next flush (loop thread only).
_pending: dict[int, dict] = {}
_scheduled: set[int] = set()


def user_group(user_id: int) -> str:
    """Every Q&A socket of one person, whatever the webinar (for revocation)."""
    return f"user.{user_id}"


def _dumps(message: dict | None) -> str | None:
    if message is None:
        return None
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def encode_event(
    event_type: str,
    state: dict,
    event_id: int,
    *,
    voter: int | None = None,
    voted: bool | None = None,
    choice: list[int] | None = None,
) -> dict:
    """One event in every variant a viewer may need, each encoded once.

    A poll's frames carry ``my_choice: null``; the sockets of people who
    answered it get a variant with their own choice, made once per distinct
    choice and process (``poll_frame``). ``choices`` names who just answered
    what, so their other sockets learn it too.
    """
    frames = {}
    for moderator in (False, True):
        for has_voted in (False, True):
            key = ("mod" if moderator else "pub") + ("_v" if has_voted else "")
            frames[key] = _dumps(
                event_message(
                    event_type, state, event_id, moderator=moderator, voted=has_voted
                )
            )
    is_poll = event_type.startswith("poll.")
    return {
        "event_id": event_id,
        "question_id": state.get("id") if event_type.startswith("question.") else None,
        "poll_id": state.get("id") if is_poll else None,
        "choices": [[voter, list(choice)]] if is_poll and choice is not None else [],
        "voter": voter,
        "voted": voted,
        "frames": frames,
    }


def poll_frame(item: dict, choice: list[int] | None) -> str:
    """The key of the frame of a poll item for a viewer with ``choice``; the
    frame is made (once per item and choice) from the common one."""
    if choice is None:
        return "pub"
    key = "c:" + ",".join(str(pk) for pk in choice)
    if key not in item["frames"]:
        message = json.loads(item["frames"]["pub"])
        message["poll"]["my_choice"] = list(choice)
        item["frames"][key] = _dumps(message)
    return key


def encode_plain(message: dict) -> dict:
    """A message every viewer gets alike (attendee count)."""
    text = _dumps(message)
    return {
        "event_id": None,
        "question_id": None,
        "poll_id": None,
        "choices": [],
        "voter": None,
        "voted": None,
        "frames": {"pub": text, "pub_v": text, "mod": text, "mod_v": text},
    }


def items_since(webinar_id: int, since: int) -> list[dict] | None:
    """The stored events after ``since``, encoded as a broadcast would have them.

    For a room catching up after the channel layer was away; None when there
    are more than a reconnecting client would be sent (snapshot instead).
    """
    from .models import QAEvent
    from .selectors import RESYNC_MAX_EVENTS

    events = list(
        QAEvent.objects.filter(webinar_id=webinar_id, event_id__gt=since).order_by(
            "event_id"
        )[: RESYNC_MAX_EVENTS + 1]
    )
    if len(events) > RESYNC_MAX_EVENTS:
        return None
    return [encode_event(e.type, e.payload, e.event_id) for e in events]


def _main_loop():
    """The event loop that runs our consumers, when called from one of its threads."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


async def _group_send(webinar_id: int, items: list[dict]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(
            fanout_group(webinar_id),
            {"type": "qa.frames", "webinar": webinar_id, "items": items},
        )
    except Exception:  # A broken layer must not break the action that was stored.
        CHANNEL_LAYER_FAILURES.labels("broadcast").inc()
        logger.exception("Q&A broadcast failed for webinar %s", webinar_id)


def _flush(webinar_id: int) -> None:
    _scheduled.discard(webinar_id)
    pending = _pending.pop(webinar_id, None)
    if not pending:
        return
    items = sorted(pending.values(), key=lambda item: item["event_id"] or 0)
    asyncio.ensure_future(_group_send(webinar_id, items))


def _enqueue(webinar_id: int, key, item: dict, coalesce: bool) -> None:
    pending = _pending.setdefault(webinar_id, {})
    earlier = pending.get(key)
    if earlier is not None and earlier.get("choices"):
        # A later poll state replaces the earlier one, but whoever answered
        # in between must still be told their own choice.
        item["choices"] = earlier["choices"] + item.get("choices", [])
    pending[key] = item  # a later state of the same question replaces the earlier
    if not coalesce:
        _flush(webinar_id)
    elif webinar_id not in _scheduled:
        _scheduled.add(webinar_id)
        asyncio.get_running_loop().call_later(VOTE_BATCH_SECONDS, _flush, webinar_id)


def broadcast(webinar_id: int, item: dict, *, coalesce_key=None) -> None:
    """Send one encoded item to the room; coalesce it if ``coalesce_key`` is given.

    Inside the server (a thread of the consumers' event loop) this only hands
    the item to the loop, never waiting. Elsewhere (shell, Celery, tests) it
    sends at once.
    """
    loop = _main_loop()
    if loop is None:
        async_to_sync(_group_send)(webinar_id, [item])
        return
    key = (
        coalesce_key
        if coalesce_key is not None
        else ("event", item["event_id"], id(item))
    )
    loop.call_soon_threadsafe(_enqueue, webinar_id, key, item, coalesce_key is not None)


_computing: set[tuple[int, str]] = set()


async def _compute_and_send(webinar_id: int, key: str, compute) -> None:
    from lms.db import socket_database_sync_to_async as database_sync_to_async

    # Cleared before computing: a change from now on schedules a fresh count.
    _computing.discard((webinar_id, key))
    try:
        item = await database_sync_to_async(compute)(webinar_id)
    except Exception:  # a failed count is followed by the next change's
        logger.exception("Q&A %s for webinar %s failed", key, webinar_id)
        return
    _enqueue(webinar_id, key, item, coalesce=False)


def _schedule_computed(webinar_id: int, key: str, compute) -> None:
    if (webinar_id, key) in _computing:
        return
    _computing.add((webinar_id, key))
    asyncio.get_running_loop().call_later(
        VOTE_BATCH_SECONDS,
        lambda: asyncio.ensure_future(_compute_and_send(webinar_id, key, compute)),
    )


def broadcast_computed(webinar_id: int, key: str, compute) -> None:
    """Broadcast ``compute(webinar_id)`` (an encoded item) soon, computed once.

    In the server, every call within ``VOTE_BATCH_SECONDS`` shares one
    computation, done in the database thread at the end of the window, so
    it sees all of their changes. Elsewhere it computes and sends at once.
    """
    loop = _main_loop()
    if loop is None:
        async_to_sync(_group_send)(webinar_id, [compute(webinar_id)])
        return
    # A fresh context: the computation must not inherit "inside the database
    # thread" from the caller, or its own database call would wait on itself.
    loop.call_soon_threadsafe(
        _schedule_computed, webinar_id, key, compute, context=contextvars.Context()
    )


async def _user_send(user_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(user_group(user_id), message)
    except Exception:  # A broken layer must not break a log-out; sockets re-check.
        CHANNEL_LAYER_FAILURES.labels("revocation_push").inc()
        logger.exception("Q&A revocation push failed for user %s", user_id)


def notify_user_sockets(user_id: int, message: dict) -> None:
    """Push a control message to every open Q&A socket of one person.

    Used by the revocation signals (``webinars.signals``). Like ``broadcast``,
    it never blocks the server's event loop; elsewhere it sends at once. A
    lost push is covered by each socket's periodic re-check.
    """
    loop = _main_loop()
    if loop is None:
        async_to_sync(_user_send)(user_id, message)
        return
    loop.call_soon_threadsafe(
        lambda: asyncio.ensure_future(_user_send(user_id, message))
    )
