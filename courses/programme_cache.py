"""Shared copies of the programme pages that applications and the API look up.

Every application, eligibility check and programme API call starts by loading
its programme: a Wagtail page across two tables, some sixty columns, and a look
for view restrictions on it and its ancestors. In an enrolment rush that is
the same page five hundred times a second, and about a fifth of each request.
So the answer of :func:`public_programme` (the page, or "no such programme
for the public") is kept in the shared cache, for at most
``ENTRY_SECONDS``, under the *generation* of the programme pages:

* the generation changes with every save or deletion of a page or of a view
  restriction, publish, unpublish and move, at once and again after the
  transaction commits, so no copy outlives
  an edit;
* an entry records the generation it was read under and is used only while
  that is still the current one; entry and generation come back in one cache
  round trip;
* with the cache unreachable, every lookup goes to the database.

An entry holds plain column values, never a pickled page: the generation and
the page's concrete fields (``Page``'s and ``ProgrammePage``'s, the StreamField
bodies as their raw block data; ``lms.model_values``), or None. A hit rebuilds
the page with ``Model.from_db``, as a query would, without the query. The key
carries a fingerprint of the field list, so a deploy that adds, removes or
retypes a field never rebuilds from an entry of the code before.

What must be exact is not taken from the copy: the seat decisions read the
capacity again under the seat lock (``services.seats.lock_seats``).
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page, PageViewRestriction

from lms.cache import bump_counters
from lms.model_values import fingerprint, from_values, values_of
from lms.queries import unique_row

from .models import ProgrammePage

logger = logging.getLogger(__name__)

GENERATION_KEY = "courses:programmes:generation"
ENTRY_KEY = "courses:programme:{schema}:{pk}"
ENTRY_SECONDS = 60
# Far longer than any entry lives.
GENERATION_SECONDS = 86400


def _load(pk: int) -> ProgrammePage | None:
    """The live programme when no view restriction hides it (as ``public()``)."""
    page = unique_row(ProgrammePage.objects.filter(pk=pk, live=True))
    if page is None:
        return None
    steplen = Page.steplen
    ancestors = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    if PageViewRestriction.objects.filter(page__path__in=ancestors).exists():
        return None
    return page


def _generation(found: dict) -> int:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # Lost or never set: start past a value no entry was stored under.
        (generation,) = bump_counters(
            (GENERATION_KEY,), start=time.time_ns(), timeout=GENERATION_SECONDS
        )
    return generation


def _entry_key(pk: int) -> str:
    return ENTRY_KEY.format(schema=fingerprint(ProgrammePage), pk=pk)


def public_programme(pk: int) -> ProgrammePage | None:
    """The live programme ``pk`` when no privacy setting hides it, else None.

    The same answer as ``ProgrammePage.objects.live().public()``, from the
    shared cache when a copy of the current generation is there. The caller
    gets its own instance (rebuilt from the kept values on every call), so
    changing it changes nothing shared.
    """
    key = _entry_key(pk)
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = _generation(found)
    except Exception:  # noqa: BLE001 - the database still answers
        logger.warning("programme cache unavailable", exc_info=True)
        return _load(pk)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        if entry[1] is None:
            return None
        try:
            return from_values(ProgrammePage, entry[1])
        except (TypeError, ValueError):  # not this schema's values: a miss
            logger.warning("programme %s kept in another shape", pk, exc_info=True)
    page = _load(pk)
    try:
        values = None if page is None else values_of(page)
        cache.set(key, (generation, values), ENTRY_SECONDS)
    except Exception:  # noqa: BLE001 - a copy not kept is only a miss
        logger.warning("could not keep programme %s", pk, exc_info=True)
    return page


def forget_programmes(*args, **kwargs) -> None:
    """Make every kept programme copy stale, now and after commit (a signal handler)."""
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _bump_generation() -> None:
    """One more generation; a lost one restarts past the current time in
    nanoseconds, never at a value an entry may still be stored under."""
    try:
        bump_counters(
            (GENERATION_KEY,), start=time.time_ns(), timeout=GENERATION_SECONDS
        )
    except Exception:  # noqa: BLE001 - a save must not fail on a cache outage
        logger.warning("could not bump %s", GENERATION_KEY, exc_info=True)
