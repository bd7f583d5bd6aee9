"""Reactions to Wagtail publishing and to changes a programme page shows."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import programme_cache
from .services import cache_versions


def promote_after_publish(sender, instance, **kwargs):
    """A published capacity raise offers the new seats to the waitlist at once."""
    from .tasks import programme_promote_waitlist

    transaction.on_commit(
        lambda: programme_promote_waitlist.delay(instance.pk), robust=True
    )


# --- State versions of the programme page's personal parts ----------------------


def _programme_of_enrolment(enrolment_id, cached=None):
    from .models import Enrolment

    if cached is not None:
        return cached.programme_id
    return (
        Enrolment.objects.filter(pk=enrolment_id)
        .values_list("programme_id", flat=True)
        .first()
    )


def enrolment_changed(sender, instance, **kwargs):
    cache_versions.bump_programme(instance.programme_id, visitor=instance.user_id)


def enrolment_row_changed(sender, instance, **kwargs):
    """Offers and presentations: rows of an enrolment."""
    cached = instance._state.fields_cache.get("enrolment")
    cache_versions.bump_programme(
        _programme_of_enrolment(instance.enrolment_id, cached)
    )


def programme_row_changed(sender, instance, **kwargs):
    """Enrolment groups and support slots: rows of a programme."""
    cache_versions.bump_programme(instance.programme_id)


def booking_changed(sender, instance, **kwargs):
    from .models import SupportSlot

    slot = instance._state.fields_cache.get("slot")
    programme_id = (
        slot.programme_id
        if slot is not None
        else SupportSlot.objects.filter(pk=instance.slot_id)
        .values_list("programme_id", flat=True)
        .first()
    )
    cache_versions.bump_programme(programme_id)


def user_changed(sender, instance, update_fields=None, **kwargs):
    # A log-in only stamps last_login, and rotates the CSRF secret the
    # cached parts are keyed under anyway.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    cache_versions.bump_visitor(instance.pk)


def skill_changed(sender, instance, **kwargs):
    cache_versions.bump_visitor(instance.user_id)


def organisation_changed(sender, instance, **kwargs):
    cache_versions.bump_everyone()


def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        cache_versions.bump_visitor(instance.pk)
    elif pk_set is None:  # a group cleared of all its members
        cache_versions.bump_everyone()
    else:
        for user_id in pk_set:
            cache_versions.bump_visitor(user_id)


def count_decision(sender, instance, created, **kwargs):
    """Every stored status change of an enrolment, by its new status (/metrics)."""
    if created:
        from lms.observability import ENROLMENT_DECISIONS

        status = instance.to_status or "none"
        transaction.on_commit(lambda: ENROLMENT_DECISIONS.labels(status).inc())


def connect() -> None:
    from lms.models import Organisation, UserSkill

    from .models import (
        Enrolment,
        EnrolmentEvent,
        EnrolmentGroup,
        ParticipantPresentation,
        ProgrammePage,
        SupportBooking,
        SupportSlot,
        WaitlistOffer,
    )

    page_published.connect(
        promote_after_publish, sender=ProgrammePage, dispatch_uid="courses_promote"
    )
    user_model = get_user_model()
    handlers = (
        (Enrolment, enrolment_changed),
        (WaitlistOffer, enrolment_row_changed),
        (ParticipantPresentation, enrolment_row_changed),
        (EnrolmentGroup, programme_row_changed),
        (SupportSlot, programme_row_changed),
        (SupportBooking, booking_changed),
        (user_model, user_changed),
        (UserSkill, skill_changed),
        (Organisation, organisation_changed),
    )
    for model, handler in handlers:
        for signal in (post_save, post_delete):
            signal.connect(
                handler,
                sender=model,
                dispatch_uid=f"courses_state_{signal is post_save}_{model.__name__}",
            )
    # Kept programme copies (programme_cache): any change to a page, its
    # place in the tree or a view restriction makes them all stale.
    from wagtail.models import Page, PageViewRestriction

    for model in (Page, ProgrammePage, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(
                programme_cache.forget_programmes,
                sender=model,
                dispatch_uid=f"courses_programmes_{signal is post_save}_{model.__name__}",
            )
    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ):
        signal.connect(
            programme_cache.forget_programmes, dispatch_uid=f"courses_programmes_{name}"
        )
    post_save.connect(
        count_decision, sender=EnrolmentEvent, dispatch_uid="courses_count_decision"
    )
    m2m_changed.connect(
        user_groups_changed,
        sender=user_model.groups.through,
        dispatch_uid="courses_state_user_groups",
    )
