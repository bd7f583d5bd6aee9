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

from lms.cache import bump_counters as cache_counters

logger = logging.getLogger(__name__)

PROGRAMME_KEY = "courses:state:programme:{}"
VISITOR_KEY = "courses:state:visitor:{}"
EVERYONE_KEY = "courses:state:everyone"
# Far longer than any entry keyed by a counter lives (PAGE_CACHE_SECONDS).
COUNTER_SECONDS = 86400


def bump_counters(keys: tuple[str, ...]) -> None:
    """Add one to each counter (one round trip on Redis); a lost one restarts
    past the current time in nanoseconds."""
    try:
        cache_counters(keys, start=time.time_ns(), timeout=COUNTER_SECONDS)
    except Exception:  # noqa: BLE001 - a save must not fail on a cache outage
        logger.warning("could not bump %s", ", ".join(keys), exc_info=True)


def bump_now_and_after_commit(*keys: str) -> None:
    bump_counters(keys)
    transaction.on_commit(lambda: bump_counters(keys))


def bump_programme(programme_id, *, visitor=None) -> None:
    """The programme's counter, and with ``visitor`` (a user id) theirs too."""
    keys = []
    if programme_id is not None:
        keys.append(PROGRAMME_KEY.format(programme_id))
    if visitor is not None:
        keys.append(VISITOR_KEY.format(visitor))
    if keys:
        bump_now_and_after_commit(*keys)


def bump_visitor(user_id) -> None:
    if user_id is not None:
        bump_now_and_after_commit(VISITOR_KEY.format(user_id))


def bump_everyone() -> None:
    bump_now_and_after_commit(EVERYONE_KEY)


def state_versions(programme_id, user_id) -> tuple[int, int, int] | None:
    """The programme's, the visitor's and everyone's counters, or ``None``
    when the cache cannot tell (then nothing may be stored under them)."""
    keys = (
        PROGRAMME_KEY.format(programme_id),
        VISITOR_KEY.format(user_id),
        EVERYONE_KEY,
    )
    found = cache.get_many(keys)
    missing = tuple(key for key in keys if key not in found)
    if missing:
        # Lost or never set: start past a value no entry was stored under.
        try:
            restarted = cache_counters(
                missing, start=time.time_ns(), timeout=COUNTER_SECONDS
            )
        except Exception:  # noqa: BLE001 - the cache cannot tell
            logger.warning("could not read %s", ", ".join(missing), exc_info=True)
            return None
        found.update(zip(missing, restarted, strict=True))
    return tuple(found[key] for key in keys)
