import os

import pytest

from webinars.models import QAEvent, Question, Registration, WebinarPage

pytestmark = pytest.mark.django_db


def _seed():
    from cms import demo as cms_demo
    from lms import demo as lms_demo
    from webinars import demo as webinars_demo

    command = type("Cmd", (), {"stdout": open(os.devnull, "w")})()  # noqa: SIM115
    for module in (lms_demo, cms_demo, webinars_demo):
        module.seed(command, {"crowd": 0})


def test_demo_has_a_live_webinar_with_questions_and_is_idempotent(client):
    _seed()
    counts = (
        WebinarPage.objects.count(),
        Question.objects.count(),
        QAEvent.objects.count(),
    )
    _seed()
    assert (
        WebinarPage.objects.count(),
        Question.objects.count(),
        QAEvent.objects.count(),
    ) == counts
    live = WebinarPage.objects.get(slug="digital-services-live-qa")
    assert live.is_live
    assert Question.objects.filter(webinar=live, status="visible").count() >= 3
    registered = set(
        Registration.objects.filter(webinar=live).values_list("user__email", flat=True)
    )
    assert {"dev.hanoi@wego.example", "official.nairobi@wego.example"} <= registered
    titles = set(WebinarPage.objects.values_list("title", flat=True))
    assert {
        "Open data for public utilities and healthcare",
        "Analytics in city management",
        "Using the CeDS self-assessment tool",
    } <= titles
    html = client.get("/webinars/").content.decode()
    assert "Digital services for citizens" in html
    assert "recordings.example/smart-cities/using-ceds" in html
