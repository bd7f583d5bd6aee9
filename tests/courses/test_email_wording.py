"""What the enrolment e-mails say, beyond their times (see test_plain_text_emails)."""

from django.core import mail

from courses import services
from tests.factories import OrganisationFactory, UserFactory

from .factories import enrol, give_skill, make_programme


def test_colleagues_in_a_delegation_are_not_thanked_for_applying(
    office, django_capture_on_commit_callbacks
):
    programme = make_programme(office=office, rules=[("approval_required", {})])
    city = OrganisationFactory(name="Hebron")
    lead, colleague = (give_skill(UserFactory(organisation=city)) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_apply(
            programme=programme, user=lead, answers={}, colleagues=[colleague.email]
        )
    by_person = {m.to[0]: m for m in mail.outbox}
    assert "thank you for applying" in by_person[lead.email].body
    theirs = by_person[colleague.email].body
    assert "thank you for applying" not in theirs
    assert (
        f"{lead.display_name} has applied to {programme.title} for a delegation of "
        "your organisation that includes you." in theirs
    )


def test_an_email_superseded_before_it_was_sent_is_not_sent(
    office, django_capture_on_commit_callbacks
):
    """Waitlisted, then offered a seat before the first e-mail went out: only
    the offer is sent (it used to say "on the waitlist at position None")."""
    programme = make_programme(office=office, capacity=1)
    holder = enrol(programme, give_skill(UserFactory()))
    waiting = give_skill(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_apply(programme=programme, user=waiting, answers={})
        services.enrolment_withdraw(enrolment=holder, actor=holder.user)
    theirs = [m for m in mail.outbox if m.to == [waiting.email]]
    assert [m.subject.split(" ")[0:3] for m in theirs] == [["A", "seat", "in"]]
    assert all("position None" not in m.body for m in mail.outbox)
