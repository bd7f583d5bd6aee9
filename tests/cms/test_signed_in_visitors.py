"""Signed-in pages are rendered for each request: every visitor sees their
own header, messages, user bar, enrolment and registration boxes and form
tokens, nobody sees another person's, and every change shows at once (only
fragments that are the same for everyone are cached, see test_signed_in_pages)."""

import re

from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import NewsPage
from courses.models import ProgrammePage
from lms.models import User
from tests.seeded import DemoTestCase

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _client(email: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(User.objects.get(email=email))
    return client


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def _egov() -> ProgrammePage:
    """The open eGovFrame programme of the demo, in English."""
    pages = ProgrammePage.objects.live().filter(
        title__startswith="eGovFrame", locale__language_code="en"
    )
    return next(page for page in pages if page.is_open)


def _hanoi() -> Client:
    return _client("dev.hanoi@wego.example")


def _johor() -> Client:
    return _client("official.johorbahru@wego.example")


def _enrol_box(html: str) -> str:
    return html.split('id="enrol-heading"')[1].split("</section>")[0]


class SignedInVisitorsTests(DemoTestCase):
    def test_two_visitors_of_a_programme_page_each_see_their_own_enrolment_box(self):
        hanoi, johor, egov = _hanoi(), _johor(), _egov()
        first, mine = _get(hanoi, egov.url)
        second, theirs = _get(johor, egov.url)

        assert f'action="/programmes/{egov.pk}/apply/"' in _enrol_box(mine)
        assert f'action="/programmes/{egov.pk}/apply/"' not in theirs
        assert 'class="no"' in _enrol_box(theirs)  # told why not
        assert 'class="no"' not in _enrol_box(mine)
        again, mine_again = _get(hanoi, egov.url)
        assert f'action="/programmes/{egov.pk}/apply/"' in _enrol_box(mine_again)
        # The shared parts are the same for both.
        article = mine.split('<article class="programme">')[1]
        head = article.split('<dl class="facts">')[0]
        assert egov.title in head
        assert head in theirs

    def test_staff_get_their_admin_link_and_user_bar_and_members_do_not(self):
        hanoi = _hanoi()
        _get(hanoi, "/")
        admin = _client("admin@wego.example")
        response, html = _get(admin, "/")
        assert 'href="/admin/"' in html.split("</header>")[0]
        assert "wagtail-userbar" in html
        _response, member = _get(hanoi, "/")
        assert 'href="/admin/"' not in member.split("</header>")[0]
        assert "wagtail-userbar" not in member

    def test_publishing_a_page_shows_at_once_to_signed_in_visitors(self):
        hanoi = _hanoi()
        page = NewsPage.objects.live().get(slug="jeju-workshop-2016")
        for _ in range(2):
            _get(hanoi, page.url)
        page.title = "Jeju Workshop, renamed for members"
        with self.captureOnCommitCallbacks(execute=True):
            page.save_revision().publish()
        response, html = _get(hanoi, page.url)
        assert "Jeju Workshop, renamed for members" in html

    def test_an_enrolment_shows_at_once_on_the_next_view(self):
        hanoi, johor, egov = _hanoi(), _johor(), _egov()
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
        assert "Withdraw my application" in _enrol_box(mine)
        assert 'class="messages"' in mine  # this visitor's message, filled in
        _response, theirs = _get(johor, egov.url)
        assert "Withdraw my application" not in theirs
        assert 'class="messages"' not in theirs
        assert f"{int(seats) - 1} of 20 free" in theirs

    def test_form_tokens_are_per_visitor_and_work(self):
        hanoi = _hanoi()
        _get(hanoi, "/")
        member = _client("official.nairobi@wego.example", enforce_csrf_checks=True)
        response, html = _get(member, "/")
        token = TOKEN.search(html).group(1)
        _again, other = _get(hanoi, "/")
        assert token not in other

        signed_out = member.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        assert signed_out.status_code == 302
        assert "_auth_user_id" not in member.session

    def test_a_webinar_page_shows_each_visitor_their_registration(self):
        hanoi, johor = _hanoi(), _johor()
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
        assert "You are registered." in mine
        assert "You are registered." not in theirs

    def test_the_anonymous_cache_is_unchanged(self):
        hanoi = _hanoi()
        anonymous = Client()
        assert anonymous.get("/news/")["X-Page-Cache"] == "miss"
        response, html = _get(hanoi, "/news/")
        assert response.get("X-Page-Cache") is None
        assert "Sign out" in html
        hit = anonymous.get("/news/")
        assert hit["X-Page-Cache"] == "hit"
        assert "Sign out" not in hit.content.decode()
        assert "csrfmiddlewaretoken" not in hit.content.decode()

    def test_restricting_a_page_takes_effect_at_once(self):
        hanoi = _hanoi()
        page = NewsPage.objects.live().get(slug="jeju-workshop-2016")
        anonymous = Client()
        anonymous.get(page.url)
        assert anonymous.get(page.url)["X-Page-Cache"] == "hit"
        _get(hanoi, page.url)
        with self.captureOnCommitCallbacks(execute=True):
            PageViewRestriction.objects.create(page=page, restriction_type="login")
        response = anonymous.get(page.url)
        assert response.status_code == 302  # to the log-in page, not the cached copy
        assert "/accounts/login/" in response["Location"]


# --- The programme page's personal parts ----------------------------------------

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


class ProgrammePagePersonalPartsTests(DemoTestCase):
    def test_another_visitor_never_gets_the_first_ones_parts(self):
        hanoi, johor, egov = _hanoi(), _johor(), _egov()
        _get(hanoi, egov.url)
        _get(hanoi, egov.url)
        _response, theirs = _get(johor, egov.url)
        assert f'action="/programmes/{egov.pk}/apply/"' not in theirs
        assert 'class="no"' in _enrol_box(theirs)

    def test_an_application_and_a_withdrawal_show_at_once(self):
        egov = _egov()
        member = _csrf_client("dev.hanoi@wego.example")
        _get(member, egov.url)
        response, html = _get(member, egov.url)
        token = TOKEN.search(_enrol_box(html)).group(1)
        applied = member.post(
            f"/programmes/{egov.pk}/apply/",
            {**APPLICATION, "csrfmiddlewaretoken": token},
        )
        assert applied.status_code == 302
        _response, mine = _get(member, egov.url)
        assert "Withdraw my application" in _enrol_box(mine)
        assert 'class="messages"' in mine

        _response, again = _get(member, egov.url)
        assert 'class="messages"' not in again  # a message is shown once
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

    def test_another_applicant_taking_the_last_seat_shows_at_once(self):
        hanoi, egov = _hanoi(), _egov()
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
        assert f"0 of {taken + 1} free" in after
        assert _enrol_box(after) != _enrol_box(before)

    def test_a_change_of_the_visitors_java_level_changes_the_verdict_at_once(self):
        hanoi, egov = _hanoi(), _egov()
        from lms.services import user_set_skills

        _get(hanoi, egov.url)
        _response, before = _get(hanoi, egov.url)
        assert 'class="no"' not in _verdicts(before)
        user = User.objects.get(email="dev.hanoi@wego.example")
        user_set_skills(user=user, skills={"java": "basic"})
        _response, after = _get(hanoi, egov.url)
        assert 'class="no"' in _verdicts(after)
        assert f'action="/programmes/{egov.pk}/apply/"' not in after

    def test_an_organisations_tier_change_changes_the_verdict_at_once(self):
        hanoi, egov = _hanoi(), _egov()
        from lms.models import MembershipTier

        _get(hanoi, egov.url)
        _response, before = _get(hanoi, egov.url)
        assert 'class="no"' not in _verdicts(before)
        organisation = User.objects.get(email="dev.hanoi@wego.example").organisation
        organisation.membership_tier = MembershipTier.FRIENDSHIP
        organisation.save()
        _response, after = _get(hanoi, egov.url)
        assert 'class="no"' in _verdicts(after)

    def test_signing_in_again_gives_new_working_tokens_and_refuses_old_ones(self):
        egov = _egov()
        from lms.demo import DEMO_PASSWORD

        member = _csrf_client("dev.hanoi@wego.example")
        _get(member, egov.url)
        _response, html = _get(member, egov.url)
        old_token = TOKEN.search(_enrol_box(html)).group(1)
        signed_out = member.post(
            "/accounts/logout/", {"csrfmiddlewaretoken": old_token}
        )
        assert signed_out.status_code == 302
        login_page = member.get("/accounts/login/").content.decode()
        signed_in = member.post(
            "/accounts/login/",
            {
                "login": "dev.hanoi@wego.example",
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": TOKEN.search(login_page).group(1),
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
            f"/programmes/{egov.pk}/apply/",
            {**APPLICATION, "csrfmiddlewaretoken": token},
        )
        assert applied.status_code == 302
