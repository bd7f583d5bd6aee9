"""Kept programme copies: served from the cache, never outliving an edit."""

import pytest
from django.core.cache import cache
from django.db import models
from wagtail.models import Locale, PageViewRestriction

from courses import programme_cache, services
from courses.models import Enrolment, EnrolmentStatus, ProgrammePage
from courses.programme_cache import public_programme
from lms import model_values
from tests.factories import UserFactory
from tests.plain import assert_plain

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


BODY = [
    ("heading", {"text": "What you will learn", "level": "h3"}),
    ("paragraph", '<p>Java <b>and</b> <a href="https://example.org">eGovFrame</a></p>'),
    ("quote", {"text": "Cities learn from cities.", "attribution": "WeGO"}),
]


def _dressed(office):
    programme = make_programme(
        office=office,
        body=[*BODY, ("button", {"label": "The office", "page": office, "url": ""})],
        rules=[("capacity", {"waitlist": True})],
        summary="Two weeks in Seoul",
        venue="Seoul Global Center",
    )
    korean, _ = Locale.objects.get_or_create(language_code="ko")
    home = office.get_parent().get_parent()
    korean_home = home.get_translation_or_none(korean) or home.copy_for_translation(
        korean
    )
    translation = make_programme(
        office=korean_home,
        locale=korean,
        translation_key=programme.translation_key,
        title="전자정부 프레임워크 교육",
        summary="서울에서 2주",
        body=BODY,
    )
    return programme, translation


def _same_page(rebuilt, fresh):
    assert type(rebuilt) is ProgrammePage and rebuilt is not fresh
    for field in ProgrammePage._meta.concrete_fields:
        mine = getattr(rebuilt, field.attname)
        theirs = getattr(fresh, field.attname)
        assert type(mine) is type(theirs), field.attname
        assert field.get_prep_value(mine) == field.get_prep_value(theirs), field.attname
    assert rebuilt.body == fresh.body and rebuilt.rules == fresh.rules
    assert rebuilt.body.render_as_block() == fresh.body.render_as_block()
    assert [child.block_type for child in rebuilt.body] == [
        child.block_type for child in fresh.body
    ]
    for mine, theirs in zip(rebuilt.body, fresh.body, strict=True):
        assert mine.id == theirs.id and mine.value == theirs.value
    assert rebuilt._state.adding is False and rebuilt._state.db == fresh._state.db
    assert rebuilt.get_deferred_fields() == set()


def test_the_cache_holds_column_values_never_a_page(office):
    programme, translation = _dressed(office)
    for page in (programme, translation):
        assert public_programme(page.pk) is not None
        generation, values = cache.get(programme_cache._entry_key(page.pk))
        assert isinstance(generation, int)
        assert_plain(values)
        assert len(values) == len(ProgrammePage._meta.concrete_fields)
    assert public_programme(987654) is None
    assert cache.get(programme_cache._entry_key(987654))[1] is None


def test_a_kept_copy_is_the_page_field_by_field(office, django_assert_num_queries):
    programme, translation = _dressed(office)
    for page in (programme, translation):
        public_programme(page.pk)
        with django_assert_num_queries(0):
            rebuilt = public_programme(page.pk)
            raw = rebuilt.body.raw_data[0]  # the StreamField needs no query
        assert raw["value"] == {"text": "What you will learn", "level": "h3"}
        assert "eGovFrame" in str(rebuilt.body)
        _same_page(rebuilt, ProgrammePage.objects.get(pk=page.pk))
    english = public_programme(programme.pk)
    assert english.body[3].value["page"].specific == office
    korean = public_programme(translation.pk)
    assert (
        korean.title == "전자정부 프레임워크 교육" and korean.summary == "서울에서 2주"
    )
    assert korean.locale.language_code == "ko"
    assert korean.translation_key == programme.translation_key
    assert korean.get_translation(programme.locale) == programme
    # Related rows load as from a queried page.
    assert [s.title for s in public_programme(programme.pk).sessions.all()] == [
        "Session 1",
        "Session 2",
    ]


def test_an_entry_of_another_field_list_is_never_read(programme, monkeypatch):
    public_programme(programme.pk)
    ProgrammePage.objects.filter(pk=programme.pk).update(title="Renamed quietly")
    assert public_programme(programme.pk).title == programme.title  # the copy

    # A field more, fewer or of another class: another key.
    key = programme_cache._entry_key(programme.pk)
    fields = ProgrammePage._meta.concrete_fields
    added = models.CharField(max_length=10)
    added.set_attributes_from_name("added_next_deploy")
    retyped = models.TextField()
    retyped.set_attributes_from_name(fields[-1].name)
    for changed in ((*fields, added), fields[:-1], (*fields[:-1], retyped)):
        monkeypatch.setattr(ProgrammePage._meta, "concrete_fields", changed)
        assert programme_cache._entry_key(programme.pk) != key
    monkeypatch.setattr(ProgrammePage._meta, "concrete_fields", fields)
    assert programme_cache._entry_key(programme.pk) == key

    # The next deploy's code reads under its own key: the database answers.
    monkeypatch.setattr(programme_cache, "fingerprint", lambda *models: "next")
    assert public_programme(programme.pk).title == "Renamed quietly"


def test_values_of_another_shape_under_the_key_are_a_miss(programme):
    public_programme(programme.pk)
    key = programme_cache._entry_key(programme.pk)
    generation, values = cache.get(key)
    ProgrammePage.objects.filter(pk=programme.pk).update(title="Renamed quietly")
    cache.set(key, (generation, values[:-1]))
    assert public_programme(programme.pk).title == "Renamed quietly"
    assert len(cache.get(key)[1]) == len(values)


def test_a_copy_that_cannot_be_kept_is_only_a_miss(programme, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "set", down)
    assert public_programme(programme.pk).pk == programme.pk
    assert public_programme(programme.pk).title == programme.title


def test_values_of_refuses_what_is_not_plain(programme):
    assert model_values.is_plain(model_values.values_of(programme))
    assert not model_values.is_plain([programme])
    assert not model_values.is_plain({"page": programme.body})
    deferred = ProgrammePage.objects.defer("venue").get(pk=programme.pk)
    with pytest.raises(ValueError, match="deferred"):
        model_values.values_of(deferred)
    with pytest.raises(ValueError, match="values for the"):
        model_values.from_values(ProgrammePage, (1, 2))
