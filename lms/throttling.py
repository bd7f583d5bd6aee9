"""The one rate limiter: fixed windows counted atomically in the cache.

Every limit of the site goes through :func:`rate_limit_hit`: the API's
per-user and per-address request limits, failed sign-ins on the token API,
certificate lookups and the Q&A questions and votes. Each hit is one atomic
increment (one round trip on Redis, ``SET NX EX`` + ``INCR``), so parallel
requests cannot slip past a read-then-write as they can with DRF's own cache
throttles, which keep a pickled list of request times per client.

* **Fail open.** When the cache cannot be reached (Redis restarting) or
  answers with an error, the hit is allowed and a warning logged: a limit
  protects the service from floods; refusing everyone because Redis is away
  would be worse (issue 14).
* **Fixed windows.** Counts are kept per window of ``window`` seconds,
  aligned on the clock (``aligned=True``: the window ends on a multiple of
  its length, so the wait can be told without a round trip) or starting at
  the first hit (``aligned=False``: "one question every 10 seconds"). An
  aligned window lets a client make up to twice the limit across a boundary,
  which suits limits that protect the service rather than meter it.
* **Anonymous callers are counted by address**: ``REMOTE_ADDR`` only
  (:func:`client_address`). ``X-Forwarded-For`` is never read: the client
  writes it, and nginx only appends to it. Behind a proxy listed in
  ``TRUSTED_PROXIES``, ``lms.proxy.TrustedProxyMiddleware`` has already put
  the proxy's ``X-Real-IP`` into ``REMOTE_ADDR``.
"""

from __future__ import annotations

import logging
import math
import time

from django.core.cache import cache as default_cache
from rest_framework import throttling

from .cache import count_hit

logger = logging.getLogger(__name__)


def _clock() -> float:
    return time.time()


def client_address(request) -> str:
    """The address an anonymous caller is counted by (never X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _counter(scope: str, key: str, window: int, now: float | None, aligned: bool):
    if not aligned:
        return f"ratelimit:{scope}:{key}", window
    now = _clock() if now is None else now
    return f"ratelimit:{scope}:{key}:{int(now // window)}", 2 * window


def rate_limit_hit(
    scope: str,
    key: str,
    *,
    limit: int,
    window: int,
    now: float | None = None,
    aligned: bool = True,
    cache=None,
) -> bool:
    """Count one hit of ``key`` in ``scope``; True when it is over ``limit``.

    ``limit`` hits are allowed per window of ``window`` seconds; the next one
    (and every one after it in that window) answers True: refuse it. With the
    cache down or failing, False (fail open).
    """
    counter, timeout = _counter(scope, key, window, now, aligned)
    try:
        count = count_hit(counter, timeout=timeout, cache=cache)
    except Exception:  # any cache failure (count_hit logs outages): fail open
        logger.warning(
            "rate limiter unavailable (%s); hit allowed", scope, exc_info=True
        )
        return False
    return count > limit


def rate_limit_reached(
    scope: str,
    key: str,
    *,
    limit: int,
    window: int,
    now: float | None = None,
    cache=None,
) -> bool:
    """Whether ``key`` has already used its ``limit`` in this aligned window,
    without counting a hit (for limits that count only failures)."""
    counter, _timeout = _counter(scope, key, window, now, True)
    try:
        count = (cache or default_cache).get(counter, 0)
    except Exception:  # the resilient cache answers misses; others fail open too
        logger.warning("rate limiter unavailable (%s); allowed", scope, exc_info=True)
        return False
    return (count or 0) >= limit


def retry_after(window: int, now: float | None = None) -> int:
    """Whole seconds until the current aligned window of ``window`` seconds ends."""
    now = _clock() if now is None else now
    return max(1, math.ceil(window - (now % window)))


# --- the API's throttles (DRF throttle classes on the limiter above) -------------


class _Limited:
    """A DRF throttle counted by :func:`rate_limit_hit` in aligned windows."""

    def get_ident(self, request) -> str:
        # DRF's own get_ident trusts X-Forwarded-For unless NUM_PROXIES is set.
        return client_address(request)

    def _identity(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        ident = self._identity(request)
        if ident is None:
            return True
        now = self.timer()
        self._retry_after = retry_after(self.duration, now)
        return not rate_limit_hit(
            self.scope,
            ident,
            limit=self.num_requests,
            window=self.duration,
            now=now,
            cache=self.cache,
        )

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)


class UserRateThrottle(_Limited, throttling.UserRateThrottle):
    """Each signed-in user's API requests (``user`` rate)."""

    def _identity(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None  # anonymous callers: AnonRateThrottle


class AnonRateThrottle(_Limited, throttling.AnonRateThrottle):
    """Anonymous API requests per client address (``anon`` rate)."""

    def _identity(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class FailedSignInThrottle(_Limited, throttling.AnonRateThrottle):
    """Wrong e-mail or password from one address, at most the rate's number.

    Only failed sign-ins count: a room of participants behind one address (a
    city hall, a training venue) all sign in at once. Once an address has
    failed as often as the rate allows, every sign-in from it waits for the
    next window, so a client guessing passwords is held back whichever
    accounts it tries (axes also locks an account after repeated failures).
    The view calls :meth:`record_failure` when a sign-in fails.
    """

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        now = self.timer()
        self._retry_after = retry_after(self.duration, now)
        return not rate_limit_reached(
            f"{self.scope}:failures",
            self.get_ident(request),
            limit=self.num_requests,
            window=self.duration,
            now=now,
            cache=self.cache,
        )

    def record_failure(self, request, view) -> None:
        if self.rate is None:
            return
        rate_limit_hit(
            f"{self.scope}:failures",
            self.get_ident(request),
            limit=self.num_requests,
            window=self.duration,
            now=self.timer(),
            cache=self.cache,
        )
