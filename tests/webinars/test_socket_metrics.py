"""Open Q&A sockets per webinar, for /metrics (issue 18)."""

import pytest

from lms.observability import QA_SOCKETS

from .test_consumer import joined

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


def _open(webinar) -> float:
    return QA_SOCKETS.labels(str(webinar.pk))._value.get()


async def test_open_sockets_are_counted_per_webinar(webinar, attendee, attendee2):
    before = _open(webinar)
    one, _ = await joined(webinar, attendee)
    two, _ = await joined(webinar, attendee2)
    assert _open(webinar) == before + 2
    await one.disconnect()
    assert _open(webinar) == before + 1
    await two.disconnect()
    assert _open(webinar) == before
