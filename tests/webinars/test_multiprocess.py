"""Two Daphne processes share a webinar room through Redis (CI's second pass)."""

import asyncio
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from lms.services import api_token_create
from tests.reliability.servers import database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_daphne(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "lms.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("Daphne did not start")


async def _cross(ports, webinar_id, keys) -> dict:
    import websockets

    # Each socket's Origin is the server it opens to (host and port checked).
    headers = [
        {"Authorization": f"Token {key}", "Origin": f"http://127.0.0.1:{port}"}
        for key, port in zip(keys, ports, strict=False)
    ]
    path = f"/ws/webinars/{webinar_id}/qa/"
    async with (
        websockets.connect(
            f"ws://127.0.0.1:{ports[0]}{path}", additional_headers=headers[0]
        ) as one,
        websockets.connect(
            f"ws://127.0.0.1:{ports[1]}{path}", additional_headers=headers[1]
        ) as two,
    ):
        for ws in (one, two):
            assert (
                json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "snapshot"
            )
        await one.send(json.dumps({"type": "ask", "text": "Across processes?"}))
        while True:
            message = json.loads(await asyncio.wait_for(two.recv(), 10))
            if message["type"] == "question.created":
                return message


def test_a_question_crosses_between_two_daphne_processes(
    settings, webinar, attendee, attendee2
):
    keys = [
        api_token_create(user=attendee, name="p1"),
        api_token_create(user=attendee2, name="p2"),
    ]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="lms.settings.base",
        DATABASE_URL=database_url(settings),
        REDIS_URL=settings.REDIS_URL,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    ports = [_free_port(), _free_port()]
    daphnes = []
    try:
        daphnes = [_start_daphne(env, port) for port in ports]
        message = asyncio.run(_cross(ports, webinar.pk, keys))
    finally:
        for proc in daphnes:
            proc.terminate()
        for proc in daphnes:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    assert message["question"]["text"] == "Across processes?"
    assert message["question"]["author"]["id"] == attendee.pk
