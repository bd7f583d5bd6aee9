"""Routes and view restrictions remembered per content generation
(cms/routing.py): fewer queries, and never a page that should no longer show."""

from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import NewsIndexPage, NewsPage
from lms.models import User
from tests.seeded import SiteTestCase


def _news():
    return NewsPage.objects.get(slug="jeju-workshop-2016")


class RememberedRouteTests(SiteTestCase):
    def setUp(self):
        super().setUp()
        self.member = Client()
        self.member.force_login(User.objects.get(email="dev.hanoi@wego.example"))

    def _commit(self, action):
        """Run what the admin's transaction would run after committing."""
        with self.captureOnCommitCallbacks(execute=True):
            return action()

    def test_a_remembered_route_costs_fewer_queries_and_serves_the_same_page(self):
        member = self.member
        url = _news().url
        first = member.get(url)  # routed level by level, then remembered
        with self.assertMaxNumQueries(6):
            again = member.get(url)
        assert again.status_code == first.status_code == 200
        assert again.content.split(b"<main")[1] == first.content.split(b"<main")[1]

    def test_an_unpublished_page_is_not_found_at_once_on_a_remembered_route(self):
        member = self.member
        page = _news()
        url = page.url
        assert member.get(url).status_code == 200
        self._commit(page.unpublish)
        assert member.get(url).status_code == 404

    def test_a_moved_page_is_found_at_its_new_address_only(self):
        """The old address no longer routes to it (Wagtail's redirect, made on
        the move, then sends visitors on)."""
        member = self.member
        page = _news()
        old = page.url
        assert member.get(old).status_code == 200
        target = NewsIndexPage.objects.exclude(pk=page.get_parent().pk).first()
        self._commit(lambda: page.move(target, pos="last-child"))
        page.refresh_from_db()
        moved = member.get(old)
        assert moved.status_code == 301
        assert moved["Location"] == page.url
        assert member.get(page.url).status_code == 200

    def test_sub_routes_below_a_remembered_page_still_404(self):
        member = self.member
        url = _news().url
        assert member.get(url).status_code == 200
        assert member.get(url + "no-such-child/").status_code == 404

    def test_a_restriction_added_to_an_ancestor_applies_at_once(self):
        """A page served with "no restriction can apply" asks for the password as
        soon as its news index gets one."""
        member = self.member
        page = _news()
        url = page.url
        assert member.get(url).status_code == 200
        index = page.get_parent()
        restriction = self._commit(
            lambda: PageViewRestriction.objects.create(
                page=index,
                restriction_type=PageViewRestriction.PASSWORD,
                password="s3cret",
            )
        )
        response = member.get(url)
        assert b'name="password"' in response.content
        assert b'<article class="news">' not in response.content
        self._commit(restriction.delete)
        assert b'name="password"' not in member.get(url).content

    def test_an_alias_of_a_restricted_page_is_restricted_too(self):
        member = self.member
        page = _news()
        self._commit(
            lambda: PageViewRestriction.objects.create(
                page=page,
                restriction_type=PageViewRestriction.PASSWORD,
                password="s3cret",
            )
        )
        target = NewsIndexPage.objects.exclude(pk=page.get_parent().pk).first()
        alias = self._commit(
            lambda: page.create_alias(parent=target, update_slug="jeju-alias")
        )
        response = member.get(alias.url)
        assert b'name="password"' in response.content

    def test_korean_addresses_are_remembered_apart_from_english_ones(self):
        member = self.member
        url = _news().url
        english = member.get(url)
        korean = member.get("/ko" + url)
        assert english.status_code == korean.status_code == 200
        assert b'lang="ko"' in korean.content
        assert b'lang="en"' in member.get(url).content


def test_a_purge_while_the_cache_is_away_does_not_fail_the_edit(monkeypatch, caplog):
    """The purge runs after an editor's commit: an unreachable Redis is logged,
    never raised into the admin's request."""
    from cms import services

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(services, "bump_counters", unreachable)
    services.page_cache_purge()
    assert "page cache purge failed" in caplog.text
