"""Reactions to Wagtail publishing."""

from django.db import transaction
from wagtail.signals import page_published


def promote_after_publish(sender, instance, **kwargs):
    """A published capacity raise offers the new seats to the waitlist at once."""
    from .tasks import programme_promote_waitlist

    transaction.on_commit(lambda: programme_promote_waitlist.delay(instance.pk))


def connect() -> None:
    from .models import ProgrammePage

    page_published.connect(
        promote_after_publish, sender=ProgrammePage, dispatch_uid="courses_promote"
    )
