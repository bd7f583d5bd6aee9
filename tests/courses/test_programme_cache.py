"""Kept programme copies: served from the cache, never outliving an edit."""

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from courses import programme_cache, services
from courses.models import Enrolment, EnrolmentStatus, ProgrammePage
from courses.programme_cache import public_programme
from tests.factories import UserFactory

from .factories import give_skill, make_programme, other_office

pytestmark = pytest.mark.django_db


def test_a_second_lookup_is_answered_without_the_database(
    programme, django_assert_num_queries
):
    assert public_programme(programme.pk).title == programme.title
    with django_assert_num_queries(0):
        again = public_programme(programme.pk)
    assert again.pk == programme.pk and again.capacity == programme.capacity
    # Each caller gets an instance of its own.
    again.title = "Changed in memory"
    assert public_programme(programme.pk).title == programme.title


def test_a_published_edit_is_seen_at_once(programme):
    public_programme(programme.pk)
    programme.title = "eGovFrame Technical Training, December edition"
    programme.capacity = 25
    programme.save_revision().publish()
    seen = public_programme(programme.pk)
    assert seen.title == "eGovFrame Technical Training, December edition"
    assert seen.capacity == 25


def test_unpublishing_or_deleting_hides_it_at_once(office):
    kept = make_programme(office=office)
    gone = make_programme(office=office)
    assert public_programme(kept.pk) and public_programme(gone.pk)
    kept.unpublish()
    assert public_programme(kept.pk) is None
    ProgrammePage.objects.get(pk=gone.pk).delete()
    assert public_programme(gone.pk) is None


def test_a_restriction_or_a_move_under_one_hides_it_at_once(office):
    programme = make_programme(office=office)
    assert public_programme(programme.pk) is not None
    restriction = PageViewRestriction.objects.create(
        page=office, restriction_type=PageViewRestriction.LOGIN
    )
    assert public_programme(programme.pk) is None
    restriction.delete()
    assert public_programme(programme.pk) is not None

    private = other_office()
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    programme.move(private, pos="last-child")
    assert public_programme(programme.pk) is None


def test_a_page_created_after_a_miss_is_found(office):
    assert public_programme(987654) is None
    programme = make_programme(office=office)
    assert public_programme(programme.pk).pk == programme.pk


def test_a_copy_of_an_older_generation_is_not_used(programme):
    public_programme(programme.pk)
    ProgrammePage.objects.filter(pk=programme.pk).update(title="Renamed quietly")
    assert public_programme(programme.pk).title == programme.title  # the copy
    programme_cache.forget_programmes()
    assert public_programme(programme.pk).title == "Renamed quietly"


def test_a_lost_generation_starts_again_at_an_unused_value(programme):
    public_programme(programme.pk)
    before = cache.get(programme_cache.GENERATION_KEY)
    ProgrammePage.objects.filter(pk=programme.pk).update(title="Renamed quietly")
    cache.delete(programme_cache.GENERATION_KEY)
    assert public_programme(programme.pk).title == "Renamed quietly"
    assert cache.get(programme_cache.GENERATION_KEY) != before


def test_with_the_cache_down_lookups_go_to_the_database(programme, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "get_many", down)
    assert public_programme(programme.pk).pk == programme.pk
    assert public_programme(424242) is None


def test_seats_are_counted_against_the_row_not_a_stale_copy(office):
    programme = make_programme(office=office, capacity=1)
    first, second = give_skill(UserFactory()), give_skill(UserFactory())
    copy = public_programme(programme.pk)
    # Capacity raised behind the copy's back (no signal): the lock reads the row.
    ProgrammePage.objects.filter(pk=programme.pk).update(capacity=2)
    assert public_programme(programme.pk).capacity == 1
    for user in (first, second):
        services.enrolment_apply(programme=copy, user=user, answers={})
    statuses = set(
        Enrolment.objects.filter(programme=programme).values_list("status", flat=True)
    )
    assert statuses == {EnrolmentStatus.CONFIRMED}
