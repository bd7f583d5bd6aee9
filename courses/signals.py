"""Reactions to Wagtail publishing, page changes and enrolment decisions."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import programme_cache


def promote_after_publish(sender, instance, **kwargs):
    """A published capacity raise offers the new seats to the waitlist at once."""
    from .tasks import programme_promote_waitlist

    transaction.on_commit(
        lambda: programme_promote_waitlist.delay(instance.pk), robust=True
    )


def count_decision(sender, instance, created, **kwargs):
    """Every stored status change of an enrolment, by its new status (/metrics)."""
    if created:
        from lms.observability import ENROLMENT_DECISIONS

        status = instance.to_status or "none"
        transaction.on_commit(lambda: ENROLMENT_DECISIONS.labels(status).inc())


def connect() -> None:
    from .models import EnrolmentEvent, ProgrammePage

    page_published.connect(
        promote_after_publish, sender=ProgrammePage, dispatch_uid="courses_promote"
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
