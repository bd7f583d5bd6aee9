"""Enrolment decisions are counted for /metrics once they are stored (issue 18)."""

from courses import services
from lms.observability import ENROLMENT_DECISIONS


def _count(decision: str) -> float:
    return ENROLMENT_DECISIONS.labels(decision)._value.get()


def test_a_stored_application_is_counted_by_its_decision(
    programme, member, django_capture_on_commit_callbacks
):
    before = _count("confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_apply(
            programme=programme, user=member, answers={}
        )
    assert enrolment.status == "confirmed"
    assert _count("confirmed") == before + 1


def test_a_decision_rolled_back_is_not_counted(
    programme, member, django_capture_on_commit_callbacks
):
    before = _count("confirmed")
    with django_capture_on_commit_callbacks(execute=False):
        services.enrolment_apply(programme=programme, user=member, answers={})
    assert _count("confirmed") == before
