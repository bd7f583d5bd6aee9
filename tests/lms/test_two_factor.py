"""Every sign-in route asks for the second factor when the account has one (issue 15)."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.views import LoginView
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from lms.models import ApiToken
from lms.services import TRAINERS_GROUP, roles_ensure
from tests.factories import PASSWORD, UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_code() -> str:
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(SECRET, counter))


@pytest.fixture
def officer(db):
    """A Secretariat officer who has set up an authenticator app."""
    user = UserFactory(email="officer@wego.example", is_staff=True, is_superuser=True)
    TOTP.activate(user, SECRET)
    RecoveryCodes.activate(user)
    return user


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- The site's form ----------------------------------------------------------


def test_site_sign_in_asks_for_the_code_before_signing_in(officer):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": officer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    page = client.get(response["Location"])
    assert "Code" in page.content.decode()

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and not signed_in(client)

    done = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert done.status_code == 302
    assert signed_in(client)


# --- Both admin log-ins -------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field", "next_url"),
    [
        ("/admin/login/", "username", "/admin/"),
        ("/django-admin/login/", "username", "/django-admin/"),
    ],
)
def test_admin_log_ins_with_the_password_alone_do_not_sign_in(
    officer, path, field, next_url
):
    client = Client()
    response = client.post(path, {field: officer.email, "password": PASSWORD})
    assert not signed_in(client)
    # They lead to the site's sign-in, which asks for the code.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={next_url.replace('/', '%2F')}" in response["Location"]
    login = client.post(
        response["Location"], {"login": officer.email, "password": PASSWORD}
    )
    assert login["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert signed_in(client)
    assert client.get(next_url).status_code == 200


def test_admin_pages_send_visitors_to_the_site_sign_in(db):
    for admin_page in ("/admin/", "/django-admin/"):
        response = Client().get(admin_page, follow=True)
        final = response.redirect_chain[-1][0]
        assert final.startswith(reverse("account_login")), final


def test_admin_log_in_does_not_follow_next_to_another_site(db):
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert "evil.example" not in response["Location"]


def test_no_password_only_log_in_view_is_reachable(db):
    """Sibling check: no URL anywhere serves Django's password-only LoginView."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    reachable = []
    for route, callback in walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class and issubclass(view_class, LoginView) and "<" not in route:
            path = "/" + route.lstrip("^").rstrip("$")
            match = getattr(resolve(path).func, "view_class", None)
            if match and issubclass(match, LoginView):
                reachable.append(path)
    assert reachable == []


# --- The token API ------------------------------------------------------------


def token(client=None, **body):
    return (client or Client()).post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )


def test_token_api_with_the_password_alone_is_refused(officer):
    response = token(email=officer.email, password=PASSWORD)
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_required"
    assert "authenticator" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=officer).exists()


def test_token_api_with_a_wrong_code_is_refused(officer):
    response = token(email=officer.email, password=PASSWORD, code="000000")
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_invalid"
    assert not ApiToken.objects.filter(user=officer).exists()


def test_token_api_with_the_code_gives_a_token(officer):
    response = token(email=officer.email, password=PASSWORD, code=current_code())
    assert response.status_code == 200
    key = response.json()["token"]
    me = Client().get("/api/v1/me/enrolments/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200


def test_a_code_works_once(officer):
    code = current_code()
    assert token(email=officer.email, password=PASSWORD, code=code).status_code == 200
    again = token(email=officer.email, password=PASSWORD, code=code)
    assert again.status_code == 401 and again.json()["code"] == "mfa_invalid"


def test_token_api_takes_a_recovery_code_once(officer):
    codes = RecoveryCodes(
        Authenticator.objects.get(user=officer, type="recovery_codes")
    ).get_unused_codes()
    first = token(email=officer.email, password=PASSWORD, code=codes[0])
    assert first.status_code == 200
    again = token(email=officer.email, password=PASSWORD, code=codes[0])
    assert again.status_code == 401


def test_accounts_without_an_authenticator_need_no_code(db):
    user = UserFactory()
    assert token(email=user.email, password=PASSWORD).status_code == 200


def test_the_schema_documents_the_code(client, db):
    schema = client.get("/api/schema/?format=json").json()
    body = schema["components"]["schemas"]["TokenRequestRequest"]["properties"]
    assert "code" in body
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    examples = responses["401"]["content"]["application/json"]["examples"]
    assert {"MfaRequired", "MfaInvalid"} <= set(examples)


# --- REQUIRE_TWO_FACTOR -------------------------------------------------------


@pytest.fixture
def trainer(db):
    user = UserFactory(email="trainer2@wego.example")
    user.groups.add(roles_ensure()[TRAINERS_GROUP])
    return user


def test_required_two_factor_sends_a_trainer_to_set_it_up(settings, trainer):
    settings.REQUIRE_TWO_FACTOR = True
    client = Client()
    client.post(
        reverse("account_login"), {"login": trainer.email, "password": PASSWORD}
    )
    response = client.get("/my/programmes/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Signing out stays possible.
    assert client.post(reverse("account_logout")).status_code == 302


def test_required_two_factor_refuses_a_trainer_a_token_until_set_up(settings, trainer):
    settings.REQUIRE_TWO_FACTOR = True
    response = token(email=trainer.email, password=PASSWORD)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_setup_required"
    TOTP.activate(trainer, SECRET)
    ok = token(email=trainer.email, password=PASSWORD, code=current_code())
    assert ok.status_code == 200


def test_required_two_factor_leaves_participants_alone(settings, db):
    settings.REQUIRE_TWO_FACTOR = True
    participant = UserFactory()
    assert token(email=participant.email, password=PASSWORD).status_code == 200
    client = Client()
    client.force_login(participant)
    assert client.get("/my/programmes/").status_code == 200


def test_two_factor_is_required_by_default_in_production():
    from pathlib import Path

    text = Path("lms/settings/production.py").read_text()
    assert 'env.bool("REQUIRE_TWO_FACTOR", default=True)' in text


def test_the_code_page_shows_cancel_as_the_secondary_action(officer):
    """Seen at 390 px: "Sign In" and "Cancel" were two identical primary buttons."""
    import re

    client = Client()
    client.post(
        reverse("account_login"), {"login": officer.email, "password": PASSWORD}
    )
    html = client.get(reverse("mfa_authenticate")).content.decode()
    buttons = re.findall(r"<button[^>]*>\s*([^<]+?)\s*</button>", html)
    classes = {
        label: cls
        for cls, label in re.findall(
            r'<button class="([^"]+)"[^>]*>\s*([^<]+?)\s*</button>', html
        )
    }
    assert "Sign In" in buttons and "Cancel" in buttons, buttons
    assert classes["Sign In"] == "button"
    assert classes["Cancel"] == "button button-secondary"
