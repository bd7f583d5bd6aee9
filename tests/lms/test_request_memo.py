"""The locale table and the page-cache generation are read from the shared
cache once per request, never carried from one request to the next, and
re-read after this request changed them."""

from contextlib import contextmanager
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from cms.services import (
    PAGE_CACHE_GENERATION_KEY,
    page_cache_generation,
    page_cache_purge,
)
from lms import request_memo
from lms.i18n import LOCALE_IDS_KEY, locale_ids
from lms.request_memo import RequestMemoMiddleware, remembered
from tests.seeded import DemoTestCase


@contextmanager
def reads_of_the_cache():
    """Every key read from the cache, in any thread (a view under ASGI runs
    in a thread of its own, with a cache object of its own)."""
    keys: list[str] = []
    get = LocMemCache.get

    def counted(self, key, default=None, version=None):
        keys.append(key)
        return get(self, key, default, version)

    with mock.patch.object(LocMemCache, "get", counted):
        yield keys


def test_outside_a_request_every_ask_computes():
    calls = []
    for _ in range(3):
        assert remembered("k", lambda: calls.append(1) or len(calls)) == len(calls)
    assert len(calls) == 3


def test_inside_a_request_once_and_gone_after_it():
    calls = []
    seen = []

    def view(request):
        for _ in range(3):
            seen.append(remembered("k", lambda: calls.append(1) or len(calls)))
        return HttpResponse("ok")

    middleware = RequestMemoMiddleware(view)
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))
    # Once per request, and the second request computed afresh.
    assert calls == [1, 1] and seen == [1, 1, 1, 2, 2, 2]
    assert request_memo._memo.get() is None


def test_a_failing_view_closes_the_memo_too():
    def view(request):
        remembered("k", lambda: 1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert request_memo._memo.get() is None


@pytest.mark.django_db
def test_a_purge_in_the_request_is_seen_by_the_rest_of_it():
    generations = []

    def view(request):
        generations.append(page_cache_generation())
        page_cache_purge()
        generations.append(page_cache_generation())
        generations.append(page_cache_generation())
        return HttpResponse("ok")

    RequestMemoMiddleware(view)(RequestFactory().get("/"))
    before, after, again = generations
    assert after > before and again == after
    assert cache.get(PAGE_CACHE_GENERATION_KEY) == after


@pytest.mark.django_db
def test_a_locale_added_in_the_request_is_seen_by_the_rest_of_it():
    from wagtail.models import Locale

    found = []

    def view(request):
        found.append(dict(locale_ids()))
        Locale.objects.create(language_code="fr")
        found.append(dict(locale_ids()))
        return HttpResponse("ok")

    Locale.objects.filter(language_code="fr").delete()
    RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert "fr" not in found[0] and "fr" in found[1]


class SharedValuesReadOncePerPageTests(DemoTestCase):
    """A signed-in Korean programme listing: each card's ``lang`` attribute
    and link asks for the locale table, and fragments and routes for the
    generation; before, the listing read the locale table 17 times."""

    def setUp(self) -> None:
        super().setUp()
        from lms.models import User

        self.person = User.objects.get(email="dev.hanoi@wego.example")

    def _reads(self, client, path: str) -> list[str]:
        client.get(path)  # routes and fragments kept
        with reads_of_the_cache() as keys:
            response = client.get(path)
        assert response.status_code == 200
        # The listing is the English page in the Korean interface, marked.
        assert '<h1 lang="en">Programmes</h1>' in response.content.decode()
        return keys

    def test_under_wsgi(self):
        client = Client()
        client.force_login(self.person)
        keys = self._reads(client, "/ko/programmes/")
        assert keys.count(LOCALE_IDS_KEY) == 1
        assert keys.count(PAGE_CACHE_GENERATION_KEY) == 1

    def test_under_asgi(self):
        client = AsyncClient()
        client.force_login(self.person)

        async def get(path):
            return await client.get(path)

        path = "/ko/programmes/"
        async_to_sync(get)(path)  # routes and fragments kept
        with reads_of_the_cache() as keys:
            response = async_to_sync(get)(path)
        assert response.status_code == 200
        assert '<h1 lang="en">Programmes</h1>' in response.content.decode()
        assert keys.count(LOCALE_IDS_KEY) == 1
        assert keys.count(PAGE_CACHE_GENERATION_KEY) == 1
