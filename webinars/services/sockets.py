"""Revocation of open Q&A sockets (docs/reliability.md, case 38): re-checking their access."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user as session_user
from django.contrib.auth import get_user_model
from django.db import transaction

from .. import realtime
from ..models import Registration, WebinarPage
from ..selectors import user_can_moderate, webinar_is_public
from .base import _chunks

# Close codes of the Q&A socket (documented in the README's webinars section).
CLOSE_SIGNED_OUT = 4401  # not signed in, or the session/token/account ended
CLOSE_NO_ACCESS = 4403  # may not read this webinar (any more)
CLOSE_NOT_FOUND = 4404


def session_fingerprint(session_key: str | None) -> str | None:
    """Names a session in control messages without carrying its key."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def _session_still_valid(session_key: str, user_id: int) -> bool:
    """The session exists and still signs in this user (password unchanged)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = session_user(SimpleNamespace(session=store))
    return bool(user.is_authenticated and user.pk == user_id)


@dataclass(frozen=True)
class SocketCredentials:
    """What opened a Q&A socket, to check again later."""

    user_id: int
    session_key: str | None
    token_key: str | None
    attendee: bool  # opened as a registered attendee (not as a moderator)


def socket_access_check(
    *,
    webinar_id: int,
    user_id: int,
    session_key: str | None,
    token_key: str | None,
    attendee: bool,
) -> int | None:
    """Whether an open Q&A socket may go on: None, or the code to close it with."""
    return socket_access_check_many(
        webinar_id=webinar_id,
        sockets=[SocketCredentials(user_id, session_key, token_key, attendee)],
    )[0]


def socket_access_check_many(
    *, webinar_id: int, sockets: Sequence[SocketCredentials]
) -> list[int | None]:
    """``socket_access_check`` for every socket of a webinar room at once.

    Re-runs what each handshake decided: the account is active, the session
    (or API token) that opened the socket is still valid — not logged out, not
    invalidated by a password change — and the person may still read the
    webinar. A socket opened as a registered attendee also needs the
    registration still (or the moderator role). A room of a thousand API
    sockets costs a handful of queries, not thousands; sessions are read
    one by one from the session store.
    """
    from lms.models import ApiToken, hash_token

    active = set()
    for ids in _chunks({s.user_id for s in sockets}):
        active.update(
            get_user_model()
            .objects.filter(pk__in=ids, is_active=True)
            .values_list("pk", flat=True)
        )
    hashes = {
        hash_token(s.token_key): s.token_key
        for s in sockets
        if s.session_key is None and s.token_key
    }
    token_owner = {}
    for chunk in _chunks(hashes):
        for key_hash, owner in ApiToken.objects.filter(
            key_hash__in=chunk, user__is_active=True
        ).values_list("key_hash", "user_id"):
            token_owner[hashes[key_hash]] = owner
    webinar = WebinarPage.objects.filter(pk=webinar_id).first()
    public = webinar is not None and webinar_is_public(webinar=webinar)
    registered = set()
    if webinar is not None:
        attendees = {s.user_id for s in sockets if s.attendee and s.user_id in active}
        for ids in _chunks(attendees):
            registered.update(
                Registration.objects.filter(
                    webinar=webinar, user_id__in=ids
                ).values_list("user_id", flat=True)
            )
    moderators: dict[int, bool] = {}

    def moderates(user_id: int) -> bool:
        if user_id not in moderators:
            user = get_user_model().objects.filter(pk=user_id).first()
            moderators[user_id] = user_can_moderate(webinar=webinar, user=user)
        return moderators[user_id]

    codes: list[int | None] = []
    for socket in sockets:
        if socket.user_id not in active:
            codes.append(CLOSE_SIGNED_OUT)
        elif socket.session_key is not None:
            if not _session_still_valid(socket.session_key, socket.user_id):
                codes.append(CLOSE_SIGNED_OUT)
                continue
            codes.append(None)
        elif token_owner.get(socket.token_key) != socket.user_id:
            codes.append(CLOSE_SIGNED_OUT)
        else:
            codes.append(None)
        if codes[-1] is not None:
            continue
        if webinar is None:
            codes[-1] = CLOSE_NOT_FOUND
        elif not public and not moderates(socket.user_id):
            codes[-1] = CLOSE_NO_ACCESS
        elif (
            socket.attendee
            and socket.user_id not in registered
            and not moderates(socket.user_id)
        ):
            codes[-1] = CLOSE_NO_ACCESS
    return codes


def sockets_revoke(
    *, user_id: int, reason: str, session_key: str | None = None
) -> None:
    """Close a person's open Q&A sockets now (log-out, deactivation).

    With ``session_key``, only the sockets opened by that session (logging
    out on one device leaves the others open). Sent after commit.
    """
    message = {
        "type": "session.revoked",
        "reason": reason,
        "session": session_fingerprint(session_key),
    }
    transaction.on_commit(lambda: realtime.notify_user_sockets(user_id, message))


def sockets_recheck(*, user_id: int, webinar_id: int | None = None) -> None:
    """Ask a person's open Q&A sockets to re-check their access now.

    For changes that may or may not end access (a registration removed, a
    group membership or a token gone, a password changed): each socket runs
    ``socket_access_check`` and closes itself only if it fails.
    """
    message = {"type": "access.recheck", "webinar": webinar_id}
    transaction.on_commit(lambda: realtime.notify_user_sockets(user_id, message))
