"""Values read at most once per request.

A few values that every part of a page asks for again and again (the locale
table behind each ``lang`` attribute and page link, the page-cache
generation behind every fragment and route key) live in the shared cache. On
Redis each ask is a network round trip, and a listing of twenty cards asked
for the locale table some forty times. Inside a request they are now read
once and remembered until the response is made:

* ``RequestMemoMiddleware`` opens an empty memo for each request and closes it
  when the response is made, so nothing outlives the request or reaches
  another one (the memo is a ``contextvars.ContextVar``, which Django and
  asgiref carry into the threads a request runs in, under WSGI and ASGI
  alike).
* ``remembered(key, compute)`` gives the memo's value, computing it on the
  first ask; outside a request (tasks, commands, sockets) it just computes.
* ``forget(key)`` drops a value, for code that has just changed it in this
  request (publishing a page bumps the generation; saving a locale changes
  the table), so the rest of the request reads the new one.

Only values that are the same for every visitor belong here; never anything
about the person asking.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("wego_request_memo", default=None)


def remembered(key: str, compute: Callable[[], T]) -> T:
    """``compute()``'s value, at most once per request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def forget(key: str) -> None:
    """Drop ``key`` from this request's memo (if there is one)."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)


class RequestMemoMiddleware:
    """Opens a memo for each request and closes it with the response."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
