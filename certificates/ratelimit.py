"""A fixed-window limit on certificate lookups per client address.

DRF's cache throttle reads, then writes, so parallel requests slip through;
this counter uses the cache's atomic ``incr`` (Redis INCR in production), so
the 21st lookup in a minute is refused however the requests interleave.
"""

import time

from django.conf import settings

from lms.cache import count_hit


def _clock() -> float:
    return time.time()


def lookups_per_minute() -> int:
    return int(getattr(settings, "CERTIFICATE_LOOKUPS_PER_MINUTE", 20))


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted
    # proxy rewrites REMOTE_ADDR itself.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def lookup_allowed(request) -> tuple[bool, int]:
    """Count this lookup; return (allowed, seconds until the window resets)."""
    now = _clock()
    window = int(now // 60)
    key = f"certificates:lookup:{client_address(request)}:{window}"
    count = count_hit(key, timeout=120)
    return count <= lookups_per_minute(), max(1, 60 - int(now % 60))
