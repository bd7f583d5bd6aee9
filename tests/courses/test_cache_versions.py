"""The state versions the programme page's kept personal parts are keyed under
change with every row those parts show, at once and again after commit."""

import pytest
from django.contrib.auth.models import Group

from courses.models import (
    Enrolment,
    EnrolmentGroup,
    EnrolmentStatus,
    ParticipantPresentation,
    ProgrammePage,
    SupportBooking,
    SupportSlot,
    WaitlistOffer,
)
from courses.services import cache_versions
from courses.services.cache_versions import state_versions
from lms.models import Organisation, User, UserSkill

pytestmark = pytest.mark.django_db


def _versions(programme_id, user_id=0):
    versions = state_versions(programme_id, user_id)
    assert versions is not None
    return versions


def _row(model):
    """A row of ``model`` in the demo, made when the demo has none."""
    from datetime import timedelta

    from django.utils import timezone

    row = model.objects.order_by("pk").first()
    if row is not None:
        return row
    enrolment = Enrolment.objects.order_by("pk").first()
    if model is WaitlistOffer:
        return WaitlistOffer.objects.create(
            enrolment=enrolment, expires_at=timezone.now() + timedelta(days=2)
        )
    if model is ParticipantPresentation:
        return ParticipantPresentation.objects.create(
            enrolment=enrolment, title="Smart city", file="presentations/slides.pdf"
        )
    slot = SupportSlot.objects.order_by("pk").first()
    return SupportBooking.objects.create(slot=slot, enrolment=enrolment)


@pytest.mark.parametrize(
    "model",
    [Enrolment, WaitlistOffer, ParticipantPresentation, SupportSlot, SupportBooking],
)
def test_a_saved_or_deleted_row_bumps_its_programme(demo, model):
    row = _row(model)
    programme_id = {
        Enrolment: lambda r: r.programme_id,
        WaitlistOffer: lambda r: r.enrolment.programme_id,
        ParticipantPresentation: lambda r: r.enrolment.programme_id,
        SupportSlot: lambda r: r.programme_id,
        SupportBooking: lambda r: r.slot.programme_id,
    }[model](row)
    row = model.objects.get(pk=row.pk)  # nothing related cached
    before = _versions(programme_id)
    row.save()
    saved = _versions(programme_id)
    assert saved[0] != before[0]
    row.delete()
    assert _versions(programme_id)[0] != saved[0]


def test_an_enrolment_group_bumps_its_programme(demo):
    programme = ProgrammePage.objects.first()
    before = _versions(programme.pk)
    EnrolmentGroup.objects.create(programme=programme, created_by=User.objects.first())
    assert _versions(programme.pk)[0] != before[0]


def test_an_enrolment_bumps_its_users_version_too(demo):
    enrolment = Enrolment.objects.first()
    before = _versions(0, enrolment.user_id)
    enrolment.save()
    assert _versions(0, enrolment.user_id)[1] != before[1]


def test_bumps_happen_again_after_commit(demo, django_capture_on_commit_callbacks):
    enrolment = Enrolment.objects.first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment.save()
    at_save = _versions(enrolment.programme_id)
    assert callbacks
    for callback in callbacks:
        callback()
    assert _versions(enrolment.programme_id)[0] != at_save[0]


def test_the_visitors_account_skills_and_groups_bump_their_version(demo):
    user = User.objects.get(email="dev.hanoi@wego.example")
    seen = {_versions(0, user.pk)[1]}

    def changed():
        version = _versions(0, user.pk)[1]
        assert version not in seen
        seen.add(version)

    user.save()
    changed()
    UserSkill.objects.update_or_create(
        user=user, skill="java", defaults={"level": "basic"}
    )
    changed()
    group = Group.objects.create(name="Reviewers")
    user.groups.add(group)
    changed()
    group.user_set.remove(user)
    changed()


def test_signing_in_alone_does_not_bump_the_visitor(demo):
    user = User.objects.get(email="dev.hanoi@wego.example")
    before = _versions(0, user.pk)
    user.save(update_fields=["last_login"])
    assert _versions(0, user.pk) == before


def test_an_organisation_change_bumps_everyone(demo):
    before = _versions(0, 0)
    organisation = Organisation.objects.first()
    organisation.save()
    assert _versions(0, 0)[2] != before[2]


def test_renumbering_the_waitlist_in_bulk_bumps_the_programme(demo):
    from courses.services.waitlist import _renumber_waitlist

    enrolment = Enrolment.objects.first()
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=EnrolmentStatus.WAITLISTED, waitlist_position=99
    )
    programme = ProgrammePage.objects.get(pk=enrolment.programme_id)
    before = _versions(programme.pk)
    _renumber_waitlist(programme)
    assert Enrolment.objects.get(pk=enrolment.pk).waitlist_position != 99
    assert _versions(programme.pk)[0] != before[0]


def test_a_lost_counter_starts_again_at_a_value_not_used_before(demo):
    from django.core.cache import cache

    before = _versions(7)
    cache.delete(cache_versions.PROGRAMME_KEY.format(7))
    after = _versions(7)
    assert after[0] != before[0]
    cache_versions.bump_programme(7)
    assert _versions(7)[0] not in (before[0], after[0])


def test_when_the_cache_cannot_restart_a_lost_counter_nothing_is_keyed(
    demo, monkeypatch
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    cache.delete(cache_versions.PROGRAMME_KEY.format(7))
    monkeypatch.setattr(cache_versions, "cache_counters", down)
    assert state_versions(7, 0) is None
