from django.core.management import call_command
from wagtail.models import Page

from lms.models import Organisation, User


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "orgs": sorted(Organisation.objects.values_list("name", "membership_tier")),
        "pages": sorted(Page.objects.values_list("url_path", "live")),
    }


def test_seed_demo_is_idempotent(demo):
    first = _snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == first
    assert len(first["users"]) >= 6


def test_demo_personas_can_sign_in(client, demo):
    for email in (
        "admin@wego.example",
        "editor.chengdu@wego.example",
        "trainer@wego.example",
        "dev.hanoi@wego.example",
        "official.nairobi@wego.example",
        "official.johorbahru@wego.example",
    ):
        response = client.post(
            "/accounts/login/", {"login": email, "password": "wego-demo"}
        )
        assert response.status_code == 302, email
        assert client.session.get("_auth_user_id"), email
        client.logout()
    hanoi = User.objects.get(email="dev.hanoi@wego.example")
    assert hanoi.skill_level("java") == "intermediate"
    assert hanoi.organisation.membership_tier == "full"
    johor = User.objects.get(email="official.johorbahru@wego.example")
    assert johor.organisation.membership_tier == "none"


def test_seed_demo_crowd_adds_eligible_participants(demo):
    call_command("seed_demo", "--crowd", "25", stdout=open("/dev/null", "w"))  # noqa: SIM115
    crowd = User.objects.filter(
        email__startswith="crowd", email__endswith="@wego.example"
    )
    assert crowd.count() == 25
    assert all(u.organisation.membership_tier == "full" for u in crowd)
    assert crowd.get(email="crowd7@wego.example").skill_level("java") == "intermediate"


def test_home_page_lists_the_offices(client, demo):
    response = client.get("/")
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


def test_seed_demo_says_one_line_and_logs_nothing_below_errors(demo):
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
