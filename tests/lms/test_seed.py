from django.core.management import call_command
from wagtail.models import Page

from lms.models import Organisation, User
from tests.seeded import DemoTestCase


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "orgs": sorted(Organisation.objects.values_list("name", "membership_tier")),
        "pages": sorted(Page.objects.values_list("url_path", "live")),
    }


class SeedDemoTests(DemoTestCase):
    def test_seed_demo_is_idempotent(self):
        first = _snapshot()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _snapshot() == first
        assert len(first["users"]) >= 6

    def test_demo_personas_can_sign_in(self):
        for email in (
            "admin@wego.example",
            "editor.chengdu@wego.example",
            "trainer@wego.example",
            "dev.hanoi@wego.example",
            "official.nairobi@wego.example",
            "official.johorbahru@wego.example",
        ):
            response = self.client.post(
                "/accounts/login/", {"login": email, "password": "wego-demo"}
            )
            assert response.status_code == 302, email
            assert self.client.session.get("_auth_user_id"), email
            self.client.logout()
        hanoi = User.objects.get(email="dev.hanoi@wego.example")
        assert hanoi.skill_level("java") == "intermediate"
        assert hanoi.organisation.membership_tier == "full"
        johor = User.objects.get(email="official.johorbahru@wego.example")
        assert johor.organisation.membership_tier == "none"

    def test_seed_demo_crowd_adds_eligible_participants(self):
        call_command("seed_demo", "--crowd", "25", stdout=open("/dev/null", "w"))  # noqa: SIM115
        crowd = User.objects.filter(
            email__startswith="crowd", email__endswith="@wego.example"
        )
        assert crowd.count() == 25
        assert all(u.organisation.membership_tier == "full" for u in crowd)
        assert (
            crowd.get(email="crowd7@wego.example").skill_level("java") == "intermediate"
        )

    def test_home_page_lists_the_offices(self):
        response = self.client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        for office in (
            "Asia Regional Office",
            "Eurasia Regional Office",
            "Africa Regional Office",
            "Mediterranean Regional Office",
            "Latin America Regional Office",
            "WeGO Secretariat",
        ):
            assert office in html
        assert 'href="#main"' in html
        assert "<main" in html

    def test_seed_demo_says_one_line_and_logs_nothing_below_errors(self):
        """It printed about 600 log lines that buried "Demo content is ready"."""
        import io
        import logging

        out = io.StringIO()
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        logging.getLogger().addHandler(handler)
        try:
            call_command("seed_demo", stdout=out)
        finally:
            logging.getLogger().removeHandler(handler)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Demo content is ready")
        assert "wego-demo" in lines[0]
        assert stream.getvalue() == ""
        # Logging is back on afterwards.
        assert not logging.getLogger("wagtail").manager.disable

    def test_second_seed_publishes_only_what_follows_the_clock(self):
        """A second ``make run`` re-published every demo page (45 revisions, most of
        its 10 s); now only pages whose content moved get a new revision."""
        from wagtail.models import Revision

        before = Revision.objects.count()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        republished = set(
            Revision.objects.order_by("pk")[before:].values_list(
                "object_str", flat=True
            )
        )
        # The live webinar starts ten minutes before "now"; programmes whose
        # enrolment window is relative to today move with it too. Nothing else.
        assert "Digital services for citizens: live Q&A" in republished
        assert len(republished) <= 4, republished
        assert "WeGO Secretariat" not in republished

    def test_demo_page_edits_are_published_again(self):
        """Only unchanged pages are skipped: an edited one gets its content back."""
        from cms.models import RegionalOfficePage

        office = RegionalOfficePage.objects.get(slug="secretariat-seoul")
        title = office.title
        office.title = "Edited by someone"
        office.save_revision().publish()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        office.refresh_from_db()
        assert office.title == title
        assert office.live_revision.content["title"] == title

    def test_demo_passwords_are_reset_without_hashing_per_account(self):
        user = User.objects.get(email="trainer@wego.example")
        user.set_password("changed")
        user.save()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        user.refresh_from_db()
        assert user.check_password("wego-demo")

    def test_seed_migrate_says_up_to_date_when_nothing_is_unapplied(self):
        import io

        from lms.management.commands.seed_demo import unapplied_migrations

        assert unapplied_migrations() == 0
        out = io.StringIO()
        call_command("seed_demo", "--migrate", stdout=out)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        assert lines[0] == "Database: up to date"
        assert lines[-1].startswith("Demo content is ready")

    def test_the_live_demo_webinar_counts_for_the_egovframe_training(self):
        """Presence in the live webinar becomes attendance a trainer can see."""
        from webinars.demo import LIVE_SLUG
        from webinars.models import WebinarPage

        def linked():
            live = WebinarPage.objects.get(slug=LIVE_SLUG)
            return live.programme_session

        session = linked()
        assert session is not None
        assert session.programme.slug == "egovframe-technical-training"
        assert session == session.programme.sessions.order_by("starts_at", "pk").first()
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert linked() == session
        assert WebinarPage.objects.filter(slug=LIVE_SLUG).count() == 1
