"""HTTP under ASGI: a bounded number of requests inside Django at once."""

import asyncio

import pytest
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler

from lms.asgi import application, django_asgi_app
from lms.asgi_http import BoundedASGIHandler


@pytest.mark.asyncio
async def test_requests_past_the_limit_wait_their_turn_and_all_are_answered(
    monkeypatch,
):
    inside = 0
    most = 0

    async def respond(self, request):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        return request

    monkeypatch.setattr(ASGIHandler, "get_response_async", respond)
    handler = BoundedASGIHandler(limit=3)
    answers = await asyncio.gather(*(handler.get_response_async(n) for n in range(20)))
    assert answers == list(range(20))
    assert most == 3


@pytest.mark.asyncio
async def test_a_request_that_gives_up_while_waiting_frees_nothing_it_did_not_take(
    monkeypatch,
):
    release = asyncio.Event()

    async def respond(self, request):
        await release.wait()
        return request

    monkeypatch.setattr(ASGIHandler, "get_response_async", respond)
    handler = BoundedASGIHandler(limit=1)
    first = asyncio.create_task(handler.get_response_async("first"))
    waiting = asyncio.create_task(handler.get_response_async("gave up"))
    await asyncio.sleep(0)
    waiting.cancel()  # the client went away while queued
    release.set()
    assert await first == "first"
    assert await asyncio.wait_for(handler.get_response_async("next"), 2) == "next"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_served_application_is_bounded_and_answers_pages(settings):
    assert isinstance(django_asgi_app, BoundedASGIHandler)
    assert django_asgi_app.limit == settings.ASGI_HTTP_CONCURRENCY > 0
    # One at a time: the suite's in-memory SQLite refuses concurrent threads.
    for _ in range(3):
        response = await HttpCommunicator(
            application, "GET", "/healthz", headers=[(b"host", b"127.0.0.1")]
        ).get_response()
        assert response["status"] == 200
