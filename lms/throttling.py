"""The API's per-user request limit and the sign-in limit, counted atomically.

DRF's ``UserRateThrottle`` keeps each user's request times in the cache: it
reads the list, then writes it back, two round trips and a pickled list on
every API request, and parallel requests can slip past between the read and
the write. This one counts each user's requests in fixed windows of the rate's
length with one atomic increment (one round trip on Redis). A fixed window
lets a client make up to twice the rate across a window boundary, which suits
a limit that protects the service rather than meters it.
"""

from __future__ import annotations

from rest_framework import throttling

from .cache import count_hit


class _FixedWindow:
    """Counts kept per fixed window of the rate's length (a DRF throttle mixin)."""

    def _window_key(self, key: str) -> str:
        now = self.timer()
        self._retry_after = self.duration - (now % self.duration)
        return f"{key}:{int(now // self.duration)}"

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)


class UserRateThrottle(_FixedWindow, throttling.UserRateThrottle):
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        count = count_hit(
            self._window_key(self.key), timeout=2 * self.duration, cache=self.cache
        )
        return count <= self.num_requests


class FailedSignInThrottle(_FixedWindow, throttling.AnonRateThrottle):
    """Wrong e-mail or password from one address, at most the rate's number.

    Only failed sign-ins count: a room of participants behind one address (a
    city hall, a training venue) all sign in at once. Once an address has
    failed as often as the rate allows, every sign-in from it waits for the
    next window, so a client guessing passwords is held back whichever
    accounts it tries (axes also locks an account after repeated failures).
    The view calls :meth:`record_failure` when a sign-in fails.
    """

    def _failures_key(self, request, view) -> str | None:
        if self.rate is None:
            return None
        return self._window_key(f"{self.get_cache_key(request, view)}:failures")

    def allow_request(self, request, view) -> bool:
        key = self._failures_key(request, view)
        if key is None:
            return True
        # With the cache down, get gives 0: a limit never refuses then.
        return self.cache.get(key, 0) < self.num_requests

    def record_failure(self, request, view) -> None:
        key = self._failures_key(request, view)
        if key is not None:
            count_hit(key, timeout=2 * self.duration, cache=self.cache)
