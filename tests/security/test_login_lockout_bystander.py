"""One attacker aiming at one account must not lock out colleagues on the same address."""

from django.test import Client

from tests.factories import PASSWORD, UserFactory


def test_a_colleague_behind_the_same_address_can_still_sign_in(db, settings):
    target = UserFactory(email="target@city.example")
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT + 5):
        attacker.post("/accounts/login/", {"login": target.email, "password": "x"})
    colleague = UserFactory(email="colleague@city.example")
    response = Client(REMOTE_ADDR="198.51.100.7").post(
        "/accounts/login/", {"login": colleague.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_a_whole_room_behind_one_address_signs_in_at_once(db):
    """A training room or a city hall shares one address: 60 officials sign in
    within the same minute (allauth's default allows 30 per address)."""
    officials = UserFactory.create_batch(60)
    statuses = [
        Client(REMOTE_ADDR="203.0.113.20")
        .post("/accounts/login/", {"login": official.email, "password": PASSWORD})
        .status_code
        for official in officials
    ]
    assert statuses == [302] * 60
