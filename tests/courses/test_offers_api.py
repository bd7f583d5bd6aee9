"""Waitlist offers answered over the API, with the same services as the page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courses import services
from courses.models import EnrolmentEvent, OfferState, WaitlistOffer
from tests.factories import UserFactory

from .factories import give_skill, make_programme


def _apply(programme):
    return services.enrolment_apply(
        programme=programme, user=give_skill(UserFactory()), answers={}
    )


@pytest.fixture
def offered(office):
    """A one-seat programme: the seated person withdrew, the next is offered."""
    programme = make_programme(office=office, capacity=1)
    seated = _apply(programme)
    waiting = _apply(programme)
    third = _apply(programme)
    services.enrolment_withdraw(enrolment=seated, actor=seated.user)
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    return programme, waiting, third


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_holder_accepts_over_the_api(offered):
    _programme, enrolment, _third = offered
    response = client_for(enrolment.user).post(
        f"/api/v1/enrolments/{enrolment.pk}/offer/accept/"
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": enrolment.pk,
        "status": "confirmed",
        "waitlist_position": None,
    }
    assert WaitlistOffer.objects.get(enrolment=enrolment).state == OfferState.ACCEPTED
    event = EnrolmentEvent.objects.filter(enrolment=enrolment).last()
    assert (event.from_status, event.to_status, event.actor) == (
        "offered",
        "confirmed",
        enrolment.user,
    )
    again = client_for(enrolment.user).post(
        f"/api/v1/enrolments/{enrolment.pk}/offer/accept/"
    )
    assert again.status_code == 409 and again.json()["code"] == "no_offer"


def test_holder_declines_and_the_seat_passes_on(offered):
    _programme, enrolment, third = offered
    response = client_for(enrolment.user).post(
        f"/api/v1/enrolments/{enrolment.pk}/offer/decline/"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    third.refresh_from_db()
    assert third.status == "offered"


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_the_offers_holder_may_answer(offered, action):
    _programme, enrolment, third = offered
    url = f"/api/v1/enrolments/{enrolment.pk}/offer/{action}/"
    for intruder in (third.user, give_skill(UserFactory())):
        response = client_for(intruder).post(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert APIClient().post(url).status_code in (401, 403)
    enrolment.refresh_from_db()
    assert enrolment.status == "offered"
    assert WaitlistOffer.objects.get(enrolment=enrolment).state == OfferState.OFFERED


def test_expired_offer_cannot_be_accepted(offered):
    _programme, enrolment, third = offered
    WaitlistOffer.objects.filter(enrolment=enrolment).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client_for(enrolment.user).post(
        f"/api/v1/enrolments/{enrolment.pk}/offer/accept/"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "offer_expired"
    enrolment.refresh_from_db()
    third.refresh_from_db()
    assert enrolment.status == "withdrawn"
    assert third.status == "offered"
