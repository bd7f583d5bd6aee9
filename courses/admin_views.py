"""The approval queue in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lms.errors import DomainError

from . import selectors, services
from .models import Enrolment, EnrolmentGroup


def approval_queue(request):
    """Pending applications of the programmes this person may decide on.

    A delegation is one entry with one decision for all its members (they
    are seated or waitlisted together), and the page says so before anyone
    acts; a member can still be rejected alone.
    """
    return TemplateResponse(
        request,
        "courses/admin/approval_queue.html",
        {
            "decisions": selectors.pending_decisions(user=request.user),
            "page_title": _("Applications to decide"),
            "header_icon": "tasks",
        },
    )


def _reason(request) -> str:
    return request.POST.get("reason", "")[:500]


@require_POST
def approval_decide(request, pk: int, action: str):
    """Approve or reject one application (a single applicant, or one member
    of a delegation rejected alone)."""
    enrolment = get_object_or_404(Enrolment, pk=pk)
    if not selectors.user_can_manage(user=request.user, programme=enrolment.programme):
        raise DjangoPermissionDenied
    try:
        if action == "approve":
            enrolment = services.enrolment_approve(
                enrolment=enrolment, actor=request.user, reason=_reason(request)
            )
        else:
            enrolment = services.enrolment_reject(
                enrolment=enrolment, actor=request.user, reason=_reason(request)
            )
        messages.success(
            request,
            _("%(person)s: %(status)s.")
            % {"person": enrolment.user, "status": enrolment.get_status_display()},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("courses_approvals")


@require_POST
def delegation_decide(request, pk: int, action: str):
    """One decision for every member of a delegation still waiting."""
    group = get_object_or_404(EnrolmentGroup.objects.select_related("programme"), pk=pk)
    if not selectors.user_can_manage(user=request.user, programme=group.programme):
        raise DjangoPermissionDenied
    decide = (
        services.delegation_approve
        if action == "approve"
        else services.delegation_reject
    )
    try:
        members = decide(group=group, actor=request.user, reason=_reason(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "Delegation of %(n)s (%(people)s): %(status)s.",
                "Delegation of %(n)s (%(people)s): %(status)s.",
                len(members),
            )
            % {
                "n": len(members),
                "people": ", ".join(str(m.user) for m in members),
                "status": members[0].get_status_display(),
            },
        )
    return redirect("courses_approvals")
