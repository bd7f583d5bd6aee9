"""Sign-up, e-mail verification, log-in and the profile, over HTTP."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from lms.models import MembershipTier, Organisation, User
from tests.factories import PASSWORD, OrganisationFactory, UserFactory


@pytest.fixture
def hanoi(db):
    return OrganisationFactory(name="Hanoi", membership_tier=MembershipTier.FULL)


def test_signup_verify_and_login(client, hanoi):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Lan.Tran@Hanoi.example",
            "password1": PASSWORD,
            "organisation": hanoi.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="lan.tran@hanoi.example")
    assert user.organisation == hanoi

    # Mandatory verification: signing in before confirming is refused.
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "lan.tran@hanoi.example", "password": PASSWORD},
    )
    assert "_auth_user_id" not in client.session

    message = mail.outbox[-1]
    assert "lan.tran@hanoi.example" in message.to[0].lower()
    confirm_url = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body
    ).group(1)
    response = client.post(confirm_url)
    assert response.status_code == 302

    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "lan.tran@hanoi.example", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_with_unlisted_organisation_starts_as_non_member(client, db):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@kk.example",
            "password1": PASSWORD,
            "organisation_other": "Kota Kinabalu City Hall",
        },
    )
    organisation = Organisation.objects.get(name="Kota Kinabalu City Hall")
    assert organisation.membership_tier == MembershipTier.NONE
    assert User.objects.get(email="new@kk.example").organisation == organisation


def test_signup_rejects_a_short_password_and_keeps_nothing(client, db):
    response = client.post(
        reverse("account_signup"), {"email": "x@y.example", "password1": "abc"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@y.example").exists()
    assert "password" in response.content.decode().lower()


def test_profile_edit_saves_skills_and_organisation(client, hanoi):
    user = UserFactory(organisation=None)
    client.force_login(user)
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert 'for="id_skill_java"' in response.content.decode()
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Thi Lan",
            "last_name": "Nguyen",
            "organisation": hanoi.pk,
            "job_title": "Developer",
            "preferred_language": "ko",
            "timezone": "Asia/Ho_Chi_Minh",
            "skill_java": "intermediate",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.organisation == hanoi
    assert user.skill_level("java") == "intermediate"
    assert user.skill_level("spring") == "none"
    assert user.timezone == "Asia/Ho_Chi_Minh"


def test_profile_requires_login(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_expired_membership_counts_as_none(db):
    import datetime

    organisation = OrganisationFactory(
        membership_tier=MembershipTier.FULL,
        membership_expires_on=datetime.date.today() - datetime.timedelta(days=1),
    )
    assert organisation.effective_tier() == MembershipTier.NONE
    assert not organisation.is_member


def test_repeated_failed_logins_lock_the_account_with_the_same_message(
    client, settings, db
):
    user = UserFactory()
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": user.email, "password": "wrong"}
        )
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    # One lock-out policy for every sign-in route (lms.signin): the same page.
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_password_reset_sends_a_link(client, db):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_staff_can_set_up_two_factor_authentication(client, db):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("mfa_activate_totp"))
    # Sensitive account changes ask for the password again first.
    assert "/accounts/reauthenticate/" in response["Location"]
    client.post(response["Location"], {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert (
        "otpauth://" in response.content.decode() or "svg" in response.content.decode()
    )
