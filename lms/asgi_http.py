"""Django's ASGI handler with a bounded number of requests inside Django at once.

Under ASGI every request runs its (synchronous) views in a thread of its own,
so five hundred applicants arriving together make five hundred threads in one
Python process. They share one interpreter lock, so the few that hold the
seat lock get a sliver of the CPU each and the rest time out behind them (503
"try again"). Here at most ``limit`` requests per process are past the body
read and inside Django's middleware and views; the others wait in the event
loop, which costs nothing, the way requests wait for a free worker under
gunicorn. Bodies are read before taking a slot, and responses are sent after
giving it back, so a slow line on either end never holds a slot.
"""

from __future__ import annotations

import asyncio
import weakref

from django.core.handlers.asgi import ASGIHandler


class BoundedASGIHandler(ASGIHandler):
    def __init__(self, *, limit: int) -> None:
        super().__init__()
        self.limit = limit
        # One semaphore per event loop (a semaphore belongs to the loop it
        # first waited in; tests run several loops).
        self._slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _slots_of_this_loop(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.limit)
        return slots

    async def get_response_async(self, request):
        if self.limit <= 0:
            return await super().get_response_async(request)
        async with self._slots_of_this_loop():
            return await super().get_response_async(request)
