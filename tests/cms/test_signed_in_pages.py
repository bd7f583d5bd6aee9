"""Signed-in pages: shared listings come from cached fragments, never stale,
never personal, and cost a small constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.models import HomePage, NewsIndexPage, NewsPage, RegionalOfficePage
from lms.models import User

pytestmark = pytest.mark.django_db

# Locale, page route, aliases, view restrictions, session, user, and whether
# the user may use the admin (for the Wagtail user bar). The site and its
# settings come from the cache.
SIGNED_IN_HOME_QUERIES = 5
NEWS_INDEX_QUERIES = 6
NEWS_PAGE_QUERIES = 6


def _publish_news(index, n, *, start=0, office=None, publish=None):
    for i in range(start, start + n):
        page = NewsPage(
            title=f"Signed-in bulk {i}",
            slug=f"signed-in-bulk-{i}",
            date=datetime.date(2030, 1, 1) + datetime.timedelta(days=i),
            summary="Bulk item",
            office=office,
        )
        index.add_child(instance=page)
        page.tags.set(["bulk"])
        publish(page)


@pytest.fixture
def participant(client, site):
    user = User.objects.get(email="dev.hanoi@wego.example")
    client.force_login(user)
    return user


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish like the admin does: the purge runs after the commit."""

    def _publish(page):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()

    return _publish


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def test_signed_in_home_costs_the_same_few_queries_however_many_items(
    client, participant, publish, django_assert_max_num_queries
):
    client.get("/")
    with django_assert_max_num_queries(SIGNED_IN_HOME_QUERIES):
        first = client.get("/")
    assert "Sign out" in first.content.decode()

    index = NewsIndexPage.objects.get(slug="news")
    asia = RegionalOfficePage.objects.get(office_kind="asia")
    _publish_news(index, 15, publish=publish)
    _publish_news(
        NewsIndexPage.objects.get(office=asia),
        5,
        start=15,
        office=asia,
        publish=publish,
    )
    home = HomePage.objects.get(slug="home", locale__language_code="en")
    home.news_count = 12
    publish(home)

    cold, html = _queries(client, "/")  # the fragment is rebuilt once…
    assert "Signed-in bulk 19" in html
    assert html.count('class="card news-card"') == 12
    with django_assert_max_num_queries(SIGNED_IN_HOME_QUERIES):  # …then reused
        warm = client.get("/")
    main = warm.content.decode().split("<main")[1]
    assert main == html.split("<main")[1]
    assert cold > SIGNED_IN_HOME_QUERIES


def test_signed_in_news_index_and_news_page_use_constant_queries(
    client, participant, publish, django_assert_max_num_queries
):
    page_url = NewsPage.objects.get(slug="jeju-workshop-2016").url
    for url in ("/news/", "/news/?tag=bulk", page_url):
        client.get(url)
    index = NewsIndexPage.objects.get(slug="news")
    _publish_news(index, 14, publish=publish)
    for url in ("/news/", "/news/?tag=bulk", "/news/?page=2", page_url):
        client.get(url)
    for url in ("/news/", "/news/?tag=bulk", "/news/?page=2"):
        with django_assert_max_num_queries(NEWS_INDEX_QUERIES):
            response = client.get(url)
        assert "Signed-in bulk" in response.content.decode()
    with django_assert_max_num_queries(NEWS_PAGE_QUERIES):
        response = client.get(page_url)
    html = response.content.decode()
    assert "Related news" in html
    assert 'property="og:image"' in html


def test_publishing_and_unpublishing_show_at_once_to_signed_in_visitors(
    client, participant, publish, django_capture_on_commit_callbacks
):
    assert "Jeju Workshop" in client.get("/").content.decode()
    news_url = NewsPage.objects.get(slug="jeju-workshop-2016").url
    assert client.get(news_url).status_code == 200
    page = NewsPage.objects.get(slug="jeju-workshop-2016")
    page.title = "Jeju Workshop, renamed for members"
    publish(page)
    for url in ("/", "/news/", news_url):
        assert "Jeju Workshop, renamed for members" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert "Jeju Workshop, renamed" not in client.get("/").content.decode()
    assert "Jeju Workshop, renamed" not in client.get("/news/").content.decode()


def test_cached_fragments_hold_nothing_personal(client, participant):
    staff = User.objects.get(email="admin@wego.example")
    html = client.get("/").content.decode()
    assert "My programmes" in html
    assert "/admin/" not in html.split("</header>")[0]

    # Another signed-in user, with a different header, reuses the same
    # listing fragment but gets their own header.
    other = Client()
    other.force_login(staff)
    staff_html = other.get("/").content.decode()
    assert 'href="/admin/"' in staff_html.split("</header>")[0]
    assert (
        staff_html.split("<main")[1].split("</main>")[0]
        == (html.split("<main")[1].split("</main>")[0])
    )
    # An anonymous visitor (bypassing the page cache) gets no form token and
    # no account links from the fragment.
    anonymous = Client().get("/", HTTP_COOKIE="sessionid=none").content.decode()
    assert "Sign in" in anonymous
    assert "Sign out" not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous


def test_fragments_are_kept_per_language(client, participant):
    english = client.get("/").content.decode()
    korean = client.get("/ko/").content.decode()
    with translation.override("ko"):
        heading = translation.gettext("WeGO offices")
    assert heading != "WeGO offices"
    assert heading in korean
    assert "WeGO offices" in english
    assert heading not in english


def test_unknown_news_filters_stay_not_found_when_signed_in(client, participant):
    assert client.get("/news/?page=2").status_code == 404
    assert client.get("/news/?page=2").status_code == 404
    assert client.get("/news/?tag=nope").status_code == 404
    assert client.get("/news/").status_code == 200


def test_user_bar_only_for_people_who_may_use_the_admin(client, participant):
    """Members get no user bar (and no permission lookups for it); an office
    editor, who reaches the admin through a group and is not a superuser,
    still gets it."""
    assert "wagtail-userbar" not in client.get("/").content.decode()
    editor = User.objects.get(email="editor.chengdu@wego.example")
    assert not editor.is_superuser
    assert not editor.user_permissions.exists()
    editor_client = Client()
    editor_client.force_login(editor)
    assert "wagtail-userbar" in editor_client.get("/").content.decode()


def test_site_name_change_shows_at_once(client, participant, site_settings_save):
    visitor = Client()
    assert "WeGO Learning" in client.get("/").content.decode()
    assert "WeGO Learning" in visitor.get("/").content.decode()  # now cached
    site_settings_save(site_name="WeGO Academy")
    assert "WeGO Academy" in client.get("/").content.decode()
    assert "WeGO Academy" in visitor.get("/").content.decode()


@pytest.fixture
def site_settings_save(django_capture_on_commit_callbacks):
    from wagtail.models import Site

    from cms.models import SiteSettings

    def _save(**fields):
        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        for name, value in fields.items():
            setattr(settings, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            settings.save()

    return _save
