"""The API's per-user request limit, counted atomically in one cache round trip.

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


class UserRateThrottle(throttling.UserRateThrottle):
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        count = count_hit(
            f"{self.key}:{window}", timeout=2 * self.duration, cache=self.cache
        )
        self._retry_after = self.duration - (now % self.duration)
        return count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)
