"""Changes to the public site: office publishing policy, the page cache.

Publishing policy (who may publish what):

* Each office has an editors group (``Editors: <office>``) with ``add_page`` and
  ``change_page`` on the office's page (its programmes and webinars live below
  it) and on the office's news section ``/news/<office>/``. Wagtail's tree
  permissions therefore confine the group to those two subtrees.
* When the office ``requires_approval`` (the default), both subtrees carry the
  "Office approval" workflow whose single task is a ``GroupApprovalTask`` for
  the ``Secretariat`` group, and the editors group has no ``publish_page``:
  editors can only submit. When the Secretariat switches approval off, the
  workflow is removed from the subtrees and ``publish_page`` is granted.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from lms import request_memo
from lms.cache import bump_counters
from lms.request_memo import remembered
from lms.services import SECRETARIAT_GROUP, office_editors_group_name, roles_ensure

from .models import NewsIndexPage, RegionalOfficePage

OFFICE_WORKFLOW_NAME = "Office approval"
OFFICE_TASK_NAME = "Secretariat approval"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
logger = logging.getLogger(__name__)

PAGE_CACHE_GENERATION_KEY = "cms:page-cache-generation"


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label="wagtailcore", codename=codename
    )


def office_workflow_ensure() -> Workflow:
    """The single "Office approval" workflow: the Secretariat approves."""
    secretariat = roles_ensure()[SECRETARIAT_GROUP]
    workflow, _created = Workflow.objects.get_or_create(
        name=OFFICE_WORKFLOW_NAME, defaults={"active": True}
    )
    task = GroupApprovalTask.objects.filter(name=OFFICE_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=OFFICE_TASK_NAME)
    task.groups.add(secretariat)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0}
    )
    return workflow


def office_subtrees(*, office: RegionalOfficePage) -> list[Page]:
    """The roots of everything an office's editors may edit."""
    roots = [office.page_ptr]
    roots += [index.page_ptr for index in NewsIndexPage.objects.filter(office=office)]
    return roots


@transaction.atomic
def office_publishing_policy_apply(*, office: RegionalOfficePage) -> Group:
    """Make permissions and workflow match the office's ``requires_approval`` flag.

    Idempotent: it is run every time an office page is published, and by the
    demo seed, and always converges to the same rows.
    """
    group, _created = Group.objects.get_or_create(
        name=office_editors_group_name(office.title)
    )
    workflow = office_workflow_ensure()
    publish = _page_permission("publish_page")
    for root in office_subtrees(office=office):
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_page_permission(codename)
            )
        if office.requires_approval:
            GroupPagePermission.objects.filter(
                group=group, page=root, permission=publish
            ).delete()
            WorkflowPage.objects.update_or_create(
                page=root, defaults={"workflow": workflow}
            )
        else:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=publish
            )
            WorkflowPage.objects.filter(page=root).delete()
    return group


def page_cache_generation() -> int:
    """The generation every page-derived cache entry is keyed by.

    A lost counter (Redis restarted or evicted it) starts again at the clock,
    past every value an entry was stored under, never back at a number an
    earlier generation used. Unreadable (Redis down), every call gets a new
    value, so nothing is served from the cache meanwhile. Read once per
    request (``lms.request_memo``); ``page_cache_purge`` forgets it.
    """
    return remembered(PAGE_CACHE_GENERATION_KEY, _read_page_cache_generation)


def _read_page_cache_generation() -> int:
    try:
        value = cache.get(PAGE_CACHE_GENERATION_KEY)
        if value is None:
            cache.add(PAGE_CACHE_GENERATION_KEY, time.time_ns(), timeout=None)
            value = cache.get(PAGE_CACHE_GENERATION_KEY)
    except Exception:  # noqa: BLE001 - a cache outage is a miss
        value = None
    return time.time_ns() if value is None else value


def page_cache_purge() -> None:
    """Drop every cached anonymous page at once.

    The cache key of each page includes a generation number; bumping it makes
    all earlier entries unreachable (they expire on their own). Publishing,
    unpublishing, moving or deleting any page changes listings elsewhere (home,
    indexes, office pages), so a per-page purge would not be enough. Other apps
    call this when their listings change (e.g. a programme fills up).
    """
    try:
        bump_counters((PAGE_CACHE_GENERATION_KEY,), start=time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - Redis away: nothing is served from it either
        # ``bump_counters`` leaves errors to its caller; this runs after the
        # editor's commit, which must not turn into a 500 while the cache is
        # down (a missing generation restarts at the clock when it is back).
        logger.warning("page cache purge failed", exc_info=True)
    finally:
        # The rest of this request reads the new generation.
        request_memo.forget(PAGE_CACHE_GENERATION_KEY)


# --- Shared fragments of signed-in pages ----------------------------------------
# Signed-in visitors bypass the anonymous full-page cache, but most of what they
# see (programme cards, webinars, news, offices) is the same for everyone. Those
# parts are rendered once per language and cached under a key that includes the
# page-cache generation, so whatever purges anonymous pages (publishing,
# unpublishing, moving, deleting a page, another app's listing change) makes
# every fragment unreachable at the same moment. Entries live at most
# ``PAGE_CACHE_SECONDS``, which bounds time-dependent staleness (a webinar going
# live) exactly as for anonymous pages. Fragments must never contain anything
# that depends on the visitor (their name, their enrolments, a CSRF token).

FRAGMENT_KEY_PREFIX = "cms:frag"


def fragment_key(name: str, *parts) -> str:
    """The cache key of fragment ``name`` for ``parts`` in the active language."""
    raw = "|".join(str(part) for part in (get_language() or "", *parts))
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{FRAGMENT_KEY_PREFIX}:{page_cache_generation()}:{name}:{digest}"


def fragment_get_or_build(
    name: str, parts: tuple, build: Callable[[], Any], *, request=None
) -> Any:
    """The cached value of fragment ``name``/``parts``, built by ``build`` if absent.

    ``build`` returns something picklable (rendered HTML, or a small dict of
    HTML and flags). ``None`` from ``build`` is returned but not stored, so a
    caller can refuse to cache e.g. a "not found" listing. Previews of drafts
    are always built fresh and never stored.
    """
    if request is not None and getattr(request, "is_preview", False):
        return build()
    key = fragment_key(name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, getattr(settings, "PAGE_CACHE_SECONDS", 60))
    return value


def render_shared(template_name: str, context: dict[str, Any], request=None) -> str:
    """``render_to_string`` for a shared fragment: the request gives links and
    the site, never the visitor (``user`` anonymous; ``perms``, ``csrf_token``
    and ``messages`` empty, over what the context processors set), so nothing
    personal can reach the fragment even by mistake."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    hidden = {"user": AnonymousUser(), "perms": "", "csrf_token": "", "messages": ()}
    return render_to_string(template_name, {**context, **hidden}, request=request)


def shared_page_html(
    request,
    name: str,
    template_name: str,
    context: Callable[[], dict[str, Any]],
    *parts,
) -> SafeString:
    """A page body that is the same for every visitor: ``template_name``
    rendered with ``context()`` through ``render_shared`` (the visitor hidden)
    and kept as fragment ``name`` per host, ``parts`` and language, previews
    excepted (``fragment_get_or_build``)."""
    html = fragment_get_or_build(
        name,
        (request.get_host(), *parts),
        lambda: render_shared(template_name, context(), request=request),
        request=request,
    )
    return mark_safe(html)  # noqa: S308 - our own rendered template
