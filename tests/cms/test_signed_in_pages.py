"""Signed-in pages: shared listings come from cached fragments, never stale,
never personal, and cost a small constant number of queries."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.models import HomePage, NewsIndexPage, NewsPage, RegionalOfficePage
from lms import model_values
from lms.models import User
from tests.plain import assert_plain
from tests.seeded import SiteTestCase

pytestmark = pytest.mark.django_db

# The session and the user; a news index or page adds its own listing. The
# site, its settings and its home page come from the site entry
# (cms.middleware), the active locale from lms.i18n.locale_ids, the page from
# its remembered route (cms/routing.py). (5, 6 and 6 before.)
SIGNED_IN_HOME_QUERIES = 2
NEWS_INDEX_QUERIES = 3
NEWS_PAGE_QUERIES = 3


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


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def _site_settings(response):
    from cms.models import SiteSettings

    return getattr(response.wsgi_request, SiteSettings.get_cache_attr_name())


class SignedInPageTests(SiteTestCase):
    def setUp(self):
        super().setUp()
        self.participant = User.objects.get(email="dev.hanoi@wego.example")
        self.client.force_login(self.participant)

    def _site_settings_save(self, **fields):
        from wagtail.models import Site

        from cms.models import SiteSettings

        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        for name, value in fields.items():
            setattr(settings, name, value)
        with self.captureOnCommitCallbacks(execute=True):
            settings.save()

    def test_signed_in_home_costs_the_same_few_queries_however_many_items(self):
        self.client.get("/")
        with self.assertMaxNumQueries(SIGNED_IN_HOME_QUERIES):
            first = self.client.get("/")
        assert "Sign out" in first.content.decode()

        index = NewsIndexPage.objects.get(slug="news")
        asia = RegionalOfficePage.objects.get(office_kind="asia")
        _publish_news(index, 15, publish=self.publish)
        _publish_news(
            NewsIndexPage.objects.get(office=asia),
            5,
            start=15,
            office=asia,
            publish=self.publish,
        )
        home = HomePage.objects.get(slug="home", locale__language_code="en")
        home.news_count = 12
        self.publish(home)

        cold, html = _queries(self.client, "/")  # the fragment is rebuilt once…
        assert "Signed-in bulk 19" in html
        assert html.count('class="card news-card"') == 12
        with self.assertMaxNumQueries(SIGNED_IN_HOME_QUERIES):  # …then reused
            warm = self.client.get("/")
        main = warm.content.decode().split("<main")[1]
        assert main == html.split("<main")[1]
        assert cold > SIGNED_IN_HOME_QUERIES

    def test_signed_in_news_index_and_news_page_use_constant_queries(self):
        page_url = NewsPage.objects.get(slug="jeju-workshop-2016").url
        for url in ("/news/", "/news/?tag=bulk", page_url):
            self.client.get(url)
        index = NewsIndexPage.objects.get(slug="news")
        _publish_news(index, 14, publish=self.publish)
        for url in ("/news/", "/news/?tag=bulk", "/news/?page=2", page_url):
            self.client.get(url)
        for url in ("/news/", "/news/?tag=bulk", "/news/?page=2"):
            with self.assertMaxNumQueries(NEWS_INDEX_QUERIES):
                response = self.client.get(url)
            assert "Signed-in bulk" in response.content.decode()
        with self.assertMaxNumQueries(NEWS_PAGE_QUERIES):
            response = self.client.get(page_url)
        html = response.content.decode()
        assert "Related news" in html
        assert 'property="og:image"' in html

    def test_publishing_and_unpublishing_show_at_once_to_signed_in_visitors(self):
        assert "Jeju Workshop" in self.client.get("/").content.decode()
        news_url = NewsPage.objects.get(slug="jeju-workshop-2016").url
        assert self.client.get(news_url).status_code == 200
        page = NewsPage.objects.get(slug="jeju-workshop-2016")
        page.title = "Jeju Workshop, renamed for members"
        self.publish(page)
        for url in ("/", "/news/", news_url):
            assert (
                "Jeju Workshop, renamed for members"
                in self.client.get(url).content.decode()
            )

        with self.captureOnCommitCallbacks(execute=True):
            page.unpublish()
        assert "Jeju Workshop, renamed" not in self.client.get("/").content.decode()
        assert (
            "Jeju Workshop, renamed" not in self.client.get("/news/").content.decode()
        )

    def test_cached_fragments_hold_nothing_personal(self):
        staff = User.objects.get(email="admin@wego.example")
        html = self.client.get("/").content.decode()
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

    def test_fragments_are_kept_per_language(self):
        english = self.client.get("/").content.decode()
        korean = self.client.get("/ko/").content.decode()
        with translation.override("ko"):
            heading = translation.gettext("WeGO offices")
        assert heading != "WeGO offices"
        assert heading in korean
        assert "WeGO offices" in english
        assert heading not in english

    def test_unknown_news_filters_stay_not_found_when_signed_in(self):
        assert self.client.get("/news/?page=2").status_code == 404
        assert self.client.get("/news/?page=2").status_code == 404
        assert self.client.get("/news/?tag=nope").status_code == 404
        assert self.client.get("/news/").status_code == 200

    def test_user_bar_only_for_people_who_may_use_the_admin(self):
        """Members get no user bar (and no permission lookups for it); an office
        editor, who reaches the admin through a group and is not a superuser,
        still gets it."""
        assert "wagtail-userbar" not in self.client.get("/").content.decode()
        editor = User.objects.get(email="editor.chengdu@wego.example")
        assert not editor.is_superuser
        assert not editor.user_permissions.exists()
        editor_client = Client()
        editor_client.force_login(editor)
        assert "wagtail-userbar" in editor_client.get("/").content.decode()

    def test_site_name_change_shows_at_once(self):
        visitor = Client()
        assert "WeGO Learning" in self.client.get("/").content.decode()
        assert "WeGO Learning" in visitor.get("/").content.decode()  # now cached
        self._site_settings_save(site_name="WeGO Academy")
        assert "WeGO Academy" in self.client.get("/").content.decode()
        assert "WeGO Academy" in visitor.get("/").content.decode()

    def test_the_site_entry_holds_column_values_never_instances(self):
        from wagtail.models import Page, Site

        from cms.middleware import _site_key
        from cms.models import SiteSettings

        self.client.get("/")
        entry = cache.get(_site_key("testserver", "80"))
        assert_plain(entry)
        site_values, (root_label, root_schema, root_values), settings_values = entry
        assert len(site_values) == len(Site._meta.concrete_fields)
        # The root page in its own class (the home page): routing needs it so.
        assert root_label == "cms.HomePage"
        assert root_schema == model_values.fingerprint(HomePage)
        assert len(root_values) == len(HomePage._meta.concrete_fields)
        assert len(HomePage._meta.concrete_fields) > len(Page._meta.concrete_fields)
        assert len(settings_values) == len(SiteSettings._meta.concrete_fields)

    def test_each_request_rebuilds_its_own_site_root_page_and_settings(self):
        from wagtail.models import Site

        from cms.middleware import _prime_site
        from cms.models import SiteSettings

        first, second = self.client.get("/"), self.client.get("/")
        site = second.wsgi_request._wagtail_site
        assert site is not first.wsgi_request._wagtail_site
        fresh = Site.objects.select_related("root_page").get(pk=site.pk)
        fresh_settings = SiteSettings.objects.get(site=fresh)
        settings = _site_settings(second)
        assert settings is not _site_settings(first)
        assert site.root_page is not first.wsgi_request._wagtail_site.root_page
        for mine, theirs in (
            (site, fresh),
            (site.root_page, fresh.root_page.specific),
            (settings, fresh_settings),
        ):
            assert type(mine) is type(theirs) and not mine._state.adding
            assert model_values.values_of(mine) == model_values.values_of(theirs)
        assert settings._request is second.wsgi_request

        request = RequestFactory().get("/")
        with self.assertNumQueries(0):  # from the entry, nothing asked again
            _prime_site(request)
            assert Site.find_for_request(request).root_page.url_path == "/home/"
            settings = SiteSettings.for_request(request)
            assert settings.site is request._wagtail_site
            assert settings.site_name == fresh_settings.site_name

    def test_a_site_entry_of_another_field_list_is_never_read(self):
        from wagtail.models import Site

        from cms import middleware
        from cms.models import SiteSettings

        self.client.get("/")
        SiteSettings.objects.update(site_name="Renamed quietly")  # no signal
        assert _site_settings(self.client.get("/")).site_name == "WeGO Learning"

        key = middleware._site_key("testserver", "80")
        fields = Site._meta.concrete_fields
        with mock.patch.object(Site._meta, "concrete_fields", fields[:-1]):
            assert middleware._site_key("testserver", "80") != key

        with mock.patch.object(middleware, "fingerprint", lambda *models: "next"):
            site_name = _site_settings(self.client.get("/")).site_name
            assert site_name == "Renamed quietly"

    def test_site_values_of_another_shape_are_a_miss(self):
        from cms.middleware import _site_key
        from cms.models import SiteSettings

        self.client.get("/")
        key = _site_key("testserver", "80")
        site_values, root_values, settings_values = cache.get(key)
        SiteSettings.objects.update(site_name="Renamed quietly")
        cache.set(key, (site_values, root_values, settings_values[:-1]))
        response = self.client.get("/")
        assert _site_settings(response).site_name == "Renamed quietly"
        assert response.wsgi_request._wagtail_site.root_page.url_path == "/home/"
        cache.set(key, "not a tuple")
        assert self.client.get("/").status_code == 200

    def test_with_the_cache_unreachable_the_site_comes_from_the_database(self):
        from cms.models import SiteSettings

        real_get, real_set = cache.get, cache.set

        def _refuse(real):
            def call(key, *args, **kwargs):
                if key.startswith("cms:site:"):
                    raise ConnectionError("cache unreachable")
                return real(key, *args, **kwargs)

            return call

        SiteSettings.objects.update(site_name="Renamed quietly")
        with (
            mock.patch.object(cache, "get", _refuse(real_get)),
            mock.patch.object(cache, "set", _refuse(real_set)),
        ):
            response = self.client.get("/")
            assert response.status_code == 200
            assert "Renamed quietly" in response.content.decode()
            assert response.wsgi_request._wagtail_site.root_page.url_path == "/home/"

    def test_finding_the_home_page_asks_nothing_in_english_and_once_in_korean(self):
        """Wagtail routes from ``site.root_page.localized.specific``: the root
        page comes in its own class from the site entry and the active locale's
        id from ``lms.i18n.locale_ids``, so only another language's home page is
        looked up."""
        from wagtail.models import Site

        from cms.middleware import _prime_site

        self.client.get("/")
        request = RequestFactory().get("/")
        english = HomePage.objects.get(slug="home", locale__language_code="en")
        korean = HomePage.objects.get(locale__language_code="ko")
        with translation.override("en"), self.assertNumQueries(0):
            _prime_site(request)
            home = Site.find_for_request(request).root_page.localized.specific
            assert type(home) is HomePage and home.pk == english.pk
        with translation.override("ko"), self.assertNumQueries(1):
            home = Site.find_for_request(request).root_page.localized.specific
            assert type(home) is HomePage and home.pk == korean.pk


def test_a_locale_added_or_removed_is_known_at_once(
    django_capture_on_commit_callbacks,
):
    from wagtail.models import Locale

    from lms.i18n import locale_ids

    assert "de" not in locale_ids()  # now kept
    with django_capture_on_commit_callbacks(execute=True):
        german = Locale.objects.create(language_code="de")
    assert locale_ids()["de"] == german.pk
    with django_capture_on_commit_callbacks(execute=True):
        german.delete()
    assert "de" not in locale_ids()
    assert locale_ids() == dict(Locale.objects.values_list("language_code", "id"))
