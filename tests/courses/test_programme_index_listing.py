"""The programme listing is the same for every visitor: signed-in visitors get
it from a shared fragment (rendered without them), current after a publish,
per language, and a listing whose filters do not validate is never kept."""

from unittest import mock

from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from courses.models import ProgrammeIndexPage
from tests.factories import UserFactory

from .factories import make_programme, site_tree


def _listing(html: str) -> str:
    return html.split('<form method="get" class="filters"')[1].split("</main>")[0]


def _index():
    home, office = site_tree()
    index = ProgrammeIndexPage(title="Programmes", slug="programmes")
    home.add_child(instance=index)
    return index, office


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_signed_in_visitors_share_the_listing_and_it_costs_no_query(
    db, django_assert_max_num_queries
):
    index, office = _index()
    for n in range(3):
        make_programme(office=office, title=f"Listed programme {n}")
    ana = UserFactory(first_name="Ana", last_name="Lima", email="ana@city.example")
    ben = UserFactory(first_name="Ben", last_name="Kim", email="ben@city.example")
    first = _listing(_signed_in(ana).get(index.url).content.decode())
    ben_client = _signed_in(ben)
    ben_client.get(index.url)
    # The session and the user; the page from its remembered route, the
    # listing from the fragment (12 queries before it was shared).
    with django_assert_max_num_queries(3):
        second = _listing(ben_client.get(index.url).content.decode())
    assert first == second
    assert all(f"Listed programme {n}" in second for n in range(3))
    for personal in ("Ana", "Lima", "ana@city.example", "Ben", "Kim"):
        assert personal not in second
    assert "csrfmiddlewaretoken" not in second


def test_a_published_programme_is_listed_at_once(
    db, django_capture_on_commit_callbacks
):
    index, office = _index()
    make_programme(office=office, title="First edition")
    client = _signed_in(UserFactory())
    assert "First edition" in client.get(index.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_programme(office=office, title="Second edition")
    html = client.get(index.url).content.decode()
    assert "First edition" in html and "Second edition" in html


def test_each_language_and_each_filter_has_its_own_listing(db):
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code="ko")
    index, office = _index()
    make_programme(office=office, title="Seoul edition", kind="seoul_program")
    client = _signed_in(UserFactory())
    english = _listing(client.get(index.url).content.decode())
    korean = _listing(client.get("/ko" + index.url).content.decode())
    assert "Filter" in english and "필터 적용" in korean
    assert "Seoul edition" in english and "Seoul edition" in korean
    none = client.get(index.url + "?kind=jeju_workshop").content.decode()
    assert "Seoul edition" not in _listing(none)
    assert "Seoul edition" in _listing(client.get(index.url).content.decode())


def test_a_listing_whose_filters_do_not_validate_is_shown_but_not_kept(db):
    index, office = _index()
    make_programme(office=office, title="Kept edition")
    client = _signed_in(UserFactory())
    kept: list[str] = []
    original = LocMemCache.set

    def counted(self, key, *args, **kwargs):
        kept.append(key)
        return original(self, key, *args, **kwargs)

    with mock.patch.object(LocMemCache, "set", counted):
        response = client.get(index.url + "?kind=no-such-kind")
        assert response.status_code == 200
        assert "Select a valid choice" in _listing(response.content.decode())
        assert not [key for key in kept if "programme-index" in key]
        client.get(index.url + "?" + "when=past&" * 60)  # too long to keep
        assert not [key for key in kept if "programme-index" in key]
        client.get(index.url + "?when=past")
        assert [key for key in kept if "programme-index" in key]
