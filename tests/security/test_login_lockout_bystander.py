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
