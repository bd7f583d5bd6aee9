"""Wagtail signals that keep the page cache and office policies current."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


def _purge_after_commit(**kwargs) -> None:
    from .services import page_cache_purge

    transaction.on_commit(page_cache_purge)


def _purge_on_page_delete(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live:
        _purge_after_commit()


def _purge_on_site_change(sender, instance, **kwargs) -> None:
    """Sites and site settings are cached with the pages (names, root pages);
    a view restriction decides whether a cached page may be shown at all."""
    _purge_after_commit()


def _purge_on_alias_saved(sender, instance, **kwargs) -> None:
    """An alias takes its source's view restrictions (``cms.routing``)."""
    if getattr(instance, "alias_of_id", None) is not None:
        _purge_after_commit()


def _apply_office_policy(sender, instance, **kwargs) -> None:
    from .models import RegionalOfficePage
    from .services import office_publishing_policy_apply

    if isinstance(instance.specific_deferred, RegionalOfficePage):
        office_publishing_policy_apply(office=instance.specific)


def connect() -> None:
    page_published.connect(_purge_after_commit, dispatch_uid="cms-purge-published")
    page_unpublished.connect(_purge_after_commit, dispatch_uid="cms-purge-unpublished")
    post_page_move.connect(_purge_after_commit, dispatch_uid="cms-purge-moved")
    post_delete.connect(_purge_on_page_delete, dispatch_uid="cms-purge-deleted")
    post_save.connect(_purge_on_alias_saved, dispatch_uid="cms-purge-alias")
    page_published.connect(_apply_office_policy, dispatch_uid="cms-office-policy")
    from wagtail.models import PageViewRestriction, Site

    from .models import SiteSettings

    for model in (Site, SiteSettings, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(
                _purge_on_site_change,
                sender=model,
                dispatch_uid=f"cms-purge-{model._meta.label_lower}-{signal is post_save}",
            )
