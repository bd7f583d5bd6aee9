"""Signed-in pages are shared between visitors with their personal parts
(header, messages, user bar, enrolment and registration boxes, form tokens)
rendered for each request, and nobody ever sees another person's part."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import NewsPage
from courses.models import ProgrammePage
from lms.models import User

pytestmark = pytest.mark.django_db

HEADER = "X-Signed-In-Cache"
# A hit loads the visitor, and the session unless sessions are read from the
# cache (``cached_db``, the setting with Redis).
HIT_QUERIES = 1 if settings.SESSION_ENGINE.endswith("cached_db") else 2
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _client(email: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(User.objects.get(email=email))
    return client


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


@pytest.fixture
def egov(demo):
    pages = ProgrammePage.objects.live().filter(
        title__startswith="eGovFrame", locale__language_code="en"
    )
    return next(page for page in pages if page.is_open)


@pytest.fixture
def hanoi(demo):
    return _client("dev.hanoi@wego.example")


@pytest.fixture
def johor(demo):
    return _client("official.johorbahru@wego.example")


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def _publish(page):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()

    return _publish


def _enrol_box(html: str) -> str:
    return html.split('id="enrol-heading"')[1].split("</section>")[0]


def test_two_visitors_of_a_programme_page_each_see_their_own_enrolment_box(
    hanoi, johor, egov
):
    first, mine = _get(hanoi, egov.url)
    second, theirs = _get(johor, egov.url)
    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"

    assert f'action="/programmes/{egov.pk}/apply/"' in _enrol_box(mine)
    assert f'action="/programmes/{egov.pk}/apply/"' not in theirs
    assert 'class="no"' in _enrol_box(theirs)  # told why not
    assert 'class="no"' not in _enrol_box(mine)
    again, mine_again = _get(hanoi, egov.url)
    assert again[HEADER] == "hit"
    assert f'action="/programmes/{egov.pk}/apply/"' in _enrol_box(mine_again)
    # The shared parts are the same for both.
    head = mine.split('<article class="programme">')[1].split('<dl class="facts">')[0]
    assert egov.title in head
    assert head in theirs


def test_staff_get_their_admin_link_and_user_bar_on_a_shared_page(hanoi, demo):
    _get(hanoi, "/")
    admin = _client("admin@wego.example")
    response, html = _get(admin, "/")
    assert response[HEADER] == "hit"
    assert 'href="/admin/"' in html.split("</header>")[0]
    assert "wagtail-userbar" in html
    _response, member = _get(hanoi, "/")
    assert 'href="/admin/"' not in member.split("</header>")[0]
    assert "wagtail-userbar" not in member


@pytest.mark.parametrize("page", ["home", "news_index", "news_page", "programme"])
def test_a_page_served_from_the_cache_is_the_page_a_full_render_gives(
    hanoi, egov, page
):
    url = {
        "home": "/",
        "news_index": "/news/",
        "news_page": NewsPage.objects.live().get(slug="jeju-workshop-2016").url,
        "programme": egov.url,
    }[page]
    first, _html = _get(hanoi, url)
    hit, cached = _get(hanoi, url)
    cache.clear()
    fresh, rendered = _get(hanoi, url)
    assert (first[HEADER], hit[HEADER], fresh[HEADER]) == ("miss", "hit", "miss")
    assert TOKEN.sub("", cached) == TOKEN.sub("", rendered)
    assert "[-->" not in cached and "[-->" not in rendered
    assert hit["Content-Type"] == fresh["Content-Type"]
    assert hit["Content-Security-Policy"] == fresh["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == fresh["X-Frame-Options"]


def test_publishing_a_page_invalidates_shared_signed_in_pages(hanoi, publish):
    page = NewsPage.objects.live().get(slug="jeju-workshop-2016")
    for _ in range(2):
        _get(hanoi, page.url)
    page.title = "Jeju Workshop, renamed for members"
    publish(page)
    response, html = _get(hanoi, page.url)
    assert response[HEADER] == "miss"
    assert "Jeju Workshop, renamed for members" in html


def test_an_enrolment_shows_at_once_on_the_next_view(hanoi, johor, egov):
    _get(hanoi, egov.url)
    _response, before = _get(johor, egov.url)
    seats = re.search(r"(\d+) of 20 free", before).group(1)

    applied = hanoi.post(
        f"/programmes/{egov.pk}/apply/",
        {
            "motivation": "Hanoi's e-government services",
            "technical_experience": "Java and Spring",
            "delivery_location": "home_country",
            "preferred_dates": "March",
        },
    )
    assert applied.status_code == 302
    response, mine = _get(hanoi, egov.url)
    assert response[HEADER] == "hit"
    assert "Withdraw my application" in _enrol_box(mine)
    assert 'class="messages"' in mine  # this visitor's message, filled in
    _response, theirs = _get(johor, egov.url)
    assert "Withdraw my application" not in theirs
    assert 'class="messages"' not in theirs
    assert f"{int(seats) - 1} of 20 free" in theirs


def test_form_tokens_in_a_shared_page_are_per_request_and_work(hanoi, demo):
    _get(hanoi, "/")
    member = _client("official.nairobi@wego.example", enforce_csrf_checks=True)
    response, html = _get(member, "/")
    assert response[HEADER] == "hit"
    token = TOKEN.search(html).group(1)
    _again, other = _get(hanoi, "/")
    assert token not in other

    signed_out = member.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in member.session


def test_a_webinar_page_shows_each_visitor_their_registration(hanoi, johor, demo):
    from webinars.models import WebinarPage
    from webinars.services import webinar_register

    webinar = next(
        w
        for w in WebinarPage.objects.live().order_by("starts_at")
        if not w.registration_rules and not w.is_past
    )
    hanoi_user = User.objects.get(email="dev.hanoi@wego.example")
    webinar_register(webinar=webinar, user=hanoi_user)
    _get(johor, webinar.url)
    response, mine = _get(hanoi, webinar.url)
    _response, theirs = _get(johor, webinar.url)
    assert response[HEADER] == "hit"
    assert "You are registered." in mine
    assert "You are registered." not in theirs


def test_a_view_restricted_page_is_never_stored(hanoi, demo):
    page = NewsPage.objects.live().get(slug="jeju-workshop-2016")
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    for _ in range(2):
        response, _html = _get(hanoi, page.url)
        assert HEADER not in response


def test_the_anonymous_cache_is_unchanged(hanoi, demo):
    anonymous = Client()
    assert anonymous.get("/news/")["X-Page-Cache"] == "miss"
    response, html = _get(hanoi, "/news/")
    assert response.get("X-Page-Cache") is None
    assert "Sign out" in html
    hit = anonymous.get("/news/")
    assert hit["X-Page-Cache"] == "hit"
    assert HEADER not in hit
    assert "Sign out" not in hit.content.decode()
    assert "csrfmiddlewaretoken" not in hit.content.decode()


def test_a_response_that_used_the_csp_nonce_is_not_shared():
    from django.http import HttpResponse

    from cms.signed_in_cache import _shareable_page

    class Request:
        resolver_match = type("Match", (), {"url_name": "wagtail_serve"})()
        _csp_nonce = "n0nce"

    assert _shareable_page(Request(), HttpResponse("x")) is None


def test_a_hit_costs_only_the_session_and_the_visitor(
    hanoi, demo, django_assert_num_queries
):
    _get(hanoi, "/")
    with django_assert_num_queries(HIT_QUERIES):
        response, html = _get(hanoi, "/")
    assert response[HEADER] == "hit"
    assert "Sign out" in html


def test_part_markers_are_recognised_wherever_they_come_from():
    """A marker that reached the page from elsewhere (a cached fragment) keeps
    the page from being shared: the pattern must match what parts are
    wrapped in."""
    from cms.signed_in_cache import ANY_MARKER, Recording

    wrapped = Recording(key="k").wrap(3, "<li>Sign out</li>")
    assert len(ANY_MARKER.findall(wrapped)) == 2


def test_a_page_template_that_is_not_listed_is_never_stored(hanoi, demo):
    from webinars.models import WebinarPage

    webinar = WebinarPage.objects.live().order_by("starts_at").first()
    for _ in range(2):
        response = hanoi.get(webinar.url + "live/")
        assert response.status_code == 200
        assert HEADER not in response


def test_restricting_a_cached_page_takes_effect_at_once(
    hanoi, demo, django_capture_on_commit_callbacks
):
    page = NewsPage.objects.live().get(slug="jeju-workshop-2016")
    anonymous = Client()
    anonymous.get(page.url)
    assert anonymous.get(page.url)["X-Page-Cache"] == "hit"
    _get(hanoi, page.url)
    assert _get(hanoi, page.url)[0][HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    response = anonymous.get(page.url)
    assert response.status_code == 302  # to the log-in page, not the cached copy
    assert "/accounts/login/" in response["Location"]
    assert HEADER not in _get(hanoi, page.url)[0]


# --- The programme page's personal parts, kept per visitor ----------------------

APPLICATION = {
    "motivation": "Hanoi's e-government services",
    "technical_experience": "Java and Spring",
    "delivery_location": "home_country",
    "preferred_dates": "March",
}


def _csrf_client(email: str) -> Client:
    return _client(email, enforce_csrf_checks=True)


def _verdicts(html: str) -> str:
    return _enrol_box(html).split('class="verdicts"')[1].split("</ul>")[0]


def test_a_repeated_view_costs_what_a_home_page_hit_costs(
    hanoi, egov, django_assert_num_queries
):
    _get(hanoi, "/")
    with django_assert_num_queries(HIT_QUERIES):
        _get(hanoi, "/")
    first, rendered = _get(hanoi, egov.url)
    assert first[HEADER] == "miss"
    with django_assert_num_queries(HIT_QUERIES):
        response, kept = _get(hanoi, egov.url)
    assert response[HEADER] == "hit"
    assert TOKEN.sub("", kept) == TOKEN.sub("", rendered)
    assert f'action="/programmes/{egov.pk}/apply/"' in _enrol_box(kept)


def test_another_visitor_does_not_get_the_kept_parts(hanoi, johor, egov):
    _get(hanoi, egov.url)
    _get(hanoi, egov.url)
    _response, theirs = _get(johor, egov.url)
    assert f'action="/programmes/{egov.pk}/apply/"' not in theirs
    assert 'class="no"' in _enrol_box(theirs)


def test_an_application_and_a_withdrawal_with_kept_tokens_show_at_once(egov):
    member = _csrf_client("dev.hanoi@wego.example")
    _get(member, egov.url)
    response, html = _get(member, egov.url)
    assert response[HEADER] == "hit"
    token = TOKEN.search(_enrol_box(html)).group(1)
    applied = member.post(
        f"/programmes/{egov.pk}/apply/", {**APPLICATION, "csrfmiddlewaretoken": token}
    )
    assert applied.status_code == 302
    _response, mine = _get(member, egov.url)
    assert "Withdraw my application" in _enrol_box(mine)
    assert 'class="messages"' in mine

    _response, again = _get(member, egov.url)
    assert 'class="messages"' not in again  # messages are never kept
    # The box links to the confirmation page; its button withdraws.
    withdraw = re.search(r'href="(/enrolments/\d+/withdraw/)\?next=', again)
    confirm = member.get(withdraw.group(1), {"next": egov.url}).content.decode()
    token = TOKEN.search(confirm).group(1)
    withdrawn = member.post(
        withdraw.group(1), {"csrfmiddlewaretoken": token, "next": egov.url}
    )
    assert withdrawn.status_code == 302
    _response, after = _get(member, egov.url)
    assert "Withdraw my application" not in _enrol_box(after)
    assert "Withdrawn" in _enrol_box(after)


def test_another_applicant_taking_the_last_seat_shows_at_once(hanoi, egov):
    from courses.models import Enrolment, EnrolmentStatus

    taken = egov.seats_taken()
    ProgrammePage.objects.filter(pk=egov.pk).update(capacity=taken + 1)
    _get(hanoi, egov.url)
    _response, before = _get(hanoi, egov.url)
    assert f"1 of {taken + 1} free" in before
    Enrolment.objects.create(
        programme=egov,
        user=User.objects.get(email="official.nairobi@wego.example"),
        status=EnrolmentStatus.CONFIRMED,
    )
    response, after = _get(hanoi, egov.url)
    assert response[HEADER] == "hit"
    assert f"0 of {taken + 1} free" in after
    assert _enrol_box(after) != _enrol_box(before)


def test_a_change_of_the_visitors_java_level_changes_the_verdict_at_once(hanoi, egov):
    from lms.services import user_set_skills

    _get(hanoi, egov.url)
    _response, before = _get(hanoi, egov.url)
    assert 'class="no"' not in _verdicts(before)
    user = User.objects.get(email="dev.hanoi@wego.example")
    user_set_skills(user=user, skills={"java": "basic"})
    _response, after = _get(hanoi, egov.url)
    assert 'class="no"' in _verdicts(after)
    assert f'action="/programmes/{egov.pk}/apply/"' not in after


def test_an_organisations_tier_change_changes_the_verdict_at_once(hanoi, egov):
    from lms.models import MembershipTier

    _get(hanoi, egov.url)
    _response, before = _get(hanoi, egov.url)
    assert 'class="no"' not in _verdicts(before)
    organisation = User.objects.get(email="dev.hanoi@wego.example").organisation
    organisation.membership_tier = MembershipTier.FRIENDSHIP
    organisation.save()
    _response, after = _get(hanoi, egov.url)
    assert 'class="no"' in _verdicts(after)


def test_a_new_csrf_secret_after_signing_in_again_is_not_served_old_tokens(egov):
    from lms.demo import DEMO_PASSWORD

    member = _csrf_client("dev.hanoi@wego.example")
    _get(member, egov.url)
    _response, html = _get(member, egov.url)
    old_token = TOKEN.search(_enrol_box(html)).group(1)
    signed_out = member.post("/accounts/logout/", {"csrfmiddlewaretoken": old_token})
    assert signed_out.status_code == 302
    login_page = member.get("/accounts/login/")
    signed_in = member.post(
        "/accounts/login/",
        {
            "login": "dev.hanoi@wego.example",
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": TOKEN.search(login_page.content.decode()).group(1),
        },
    )
    assert signed_in.status_code == 302
    assert member.session.get("_auth_user_id")
    _response, fresh = _get(member, egov.url)
    token = TOKEN.search(_enrol_box(fresh)).group(1)
    # The old secret's tokens are refused; the part's tokens work.
    refused = member.post(
        f"/programmes/{egov.pk}/apply/",
        {**APPLICATION, "csrfmiddlewaretoken": old_token},
    )
    assert refused.status_code == 403
    applied = member.post(
        f"/programmes/{egov.pk}/apply/", {**APPLICATION, "csrfmiddlewaretoken": token}
    )
    assert applied.status_code == 302


def test_kept_parts_get_fresh_working_tokens_even_without_a_csrf_cookie(
    egov, django_assert_num_queries
):
    member = _csrf_client("dev.hanoi@wego.example")
    _get(member, egov.url)
    member.cookies.pop("csrftoken", None)
    _get(member, egov.url)
    member.cookies.pop("csrftoken", None)
    with django_assert_num_queries(HIT_QUERIES):
        response, html = _get(member, egov.url)
    assert response[HEADER] == "hit"
    token = TOKEN.search(_enrol_box(html)).group(1)
    assert member.cookies["csrftoken"].value  # the token's secret, sent along
    applied = member.post(
        f"/programmes/{egov.pk}/apply/", {**APPLICATION, "csrfmiddlewaretoken": token}
    )
    assert applied.status_code == 302
