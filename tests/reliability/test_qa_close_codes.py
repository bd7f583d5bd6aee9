"""Refused Q&A sockets, as a real client sees them over a real Daphne (issue 14).

A consumer that closes before accepting makes Daphne answer the handshake
with HTTP 403, and clients then see no close code at all. A ``websockets``
client here must read 4401, 4403 and 4404 as close codes, each after one
``error`` frame that says why.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.reliability.servers import Daphne, base_env, seeded_sqlite
from tests.reliability.test_realtime_failures import _token, _webinar_id


@pytest.fixture
def server(tmp_path):
    db_path = seeded_sqlite(tmp_path / "db.sqlite3")
    # One webinar taken offline before the server starts: readable by its
    # moderators only.
    with sqlite3.connect(db_path) as db:
        (draft,) = db.execute(
            "SELECT p.id FROM wagtailcore_page p "
            "JOIN webinars_webinarpage w ON w.page_ptr_id = p.id "
            "WHERE p.slug != 'digital-services-live-qa' ORDER BY p.id LIMIT 1"
        ).fetchone()
        db.execute("UPDATE wagtailcore_page SET live = 0 WHERE id = ?", (draft,))
    env = base_env(DATABASE_URL=f"sqlite:///{db_path}", MEDIA_ROOT=str(tmp_path))
    with Daphne(env, log=tmp_path / "daphne.log") as daphne:
        daphne.draft = draft
        yield daphne


def _refusal(base: str, webinar: int, token: str | None) -> tuple[int, list[dict]]:
    url = base.replace("http://", "ws://") + f"/ws/webinars/{webinar}/qa/"
    headers = {"Authorization": f"Token {token}"} if token else {}
    frames = []
    with connect(url, additional_headers=headers, origin=base, open_timeout=15) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frames.append(json.loads(ws.recv(timeout=10)))
    return closed.value.rcvd.code, frames


def test_a_real_client_sees_4401_4403_4404_as_close_codes(server):
    live = _webinar_id(server.url)
    token = _token(server.url, "dev.hanoi@wego.example")

    code, frames = _refusal(server.url, live, None)
    assert code == 4401
    assert [f["code"] for f in frames] == ["not_authenticated"]

    code, frames = _refusal(server.url, server.draft, token)
    assert code == 4403
    assert [f["code"] for f in frames] == ["forbidden"]

    code, frames = _refusal(server.url, 987654, token)
    assert code == 4404
    assert [f["code"] for f in frames] == ["webinar_not_found"]

    # The same person on a webinar they may read gets the snapshot.
    url = server.url.replace("http://", "ws://") + f"/ws/webinars/{live}/qa/"
    with connect(
        url,
        additional_headers={"Authorization": f"Token {token}"},
        origin=server.url,
        open_timeout=15,
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
