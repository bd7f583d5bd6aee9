"""Version counters of what a programme page's personal parts show.

``cms.signed_in_cache`` keeps a signed-in visitor's rendered enrolment box and
viewer sections under a key that includes these counters, so any change they
show makes the copy unreachable:

* the *programme* counter (one per programme id) changes with the rows of its
  enrolments, waitlist offers, enrolment groups, support slots and bookings
  and participants' presentations;
* the *visitor* counter (one per user id) changes with the user, their
  skills, their groups and their enrolments (prerequisite rules look at other
  programmes);
* the *everyone* counter changes when any organisation changes (its tier and
  kind decide eligibility for all its members) or a group loses all members.

Each bump happens at once and again after the transaction commits: a page
rendered from the old rows while the transaction was open is stored under a
version that is already gone. A counter that is lost (evicted, expired)
starts again at the current time in nanoseconds, never at a value an entry
may still be stored under.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

PROGRAMME_KEY = "courses:state:programme:{}"
VISITOR_KEY = "courses:state:visitor:{}"
EVERYONE_KEY = "courses:state:everyone"
# Far longer than any entry keyed by a counter lives (PAGE_CACHE_SECONDS).
COUNTER_SECONDS = 86400


def _bump(key: str) -> None:
    try:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, time.time_ns(), COUNTER_SECONDS)
    except Exception:  # noqa: BLE001 - a save must not fail on a cache outage
        logger.warning("could not bump %s", key, exc_info=True)


def _bump_now_and_after_commit(key: str) -> None:
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def bump_programme(programme_id) -> None:
    if programme_id is not None:
        _bump_now_and_after_commit(PROGRAMME_KEY.format(programme_id))


def bump_visitor(user_id) -> None:
    if user_id is not None:
        _bump_now_and_after_commit(VISITOR_KEY.format(user_id))


def bump_everyone() -> None:
    _bump_now_and_after_commit(EVERYONE_KEY)


def state_versions(programme_id, user_id) -> tuple[int, int, int] | None:
    """The programme's, the visitor's and everyone's counters, or ``None``
    when the cache cannot tell (then nothing may be stored under them)."""
    keys = (
        PROGRAMME_KEY.format(programme_id),
        VISITOR_KEY.format(user_id),
        EVERYONE_KEY,
    )
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), COUNTER_SECONDS)
        found.update(cache.get_many(missing))
    if any(key not in found for key in keys):
        return None
    return tuple(found[key] for key in keys)
