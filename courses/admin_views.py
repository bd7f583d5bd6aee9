"""The approval queue in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.errors import DomainError

from . import selectors, services
from .models import Enrolment


def approval_queue(request):
    """Pending applications of the programmes this person may decide on."""
    enrolments = list(
        selectors.pending_enrolments(user=request.user).prefetch_related("user__skills")
    )
    return TemplateResponse(
        request,
        "courses/admin/approval_queue.html",
        {
            "enrolments": enrolments,
            "page_title": _("Applications to decide"),
            "header_icon": "tasks",
        },
    )


@require_POST
def approval_decide(request, pk: int, action: str):
    enrolment = get_object_or_404(Enrolment, pk=pk)
    if not selectors.user_can_manage(user=request.user, programme=enrolment.programme):
        raise DjangoPermissionDenied
    reason = request.POST.get("reason", "")[:500]
    try:
        if action == "approve":
            enrolment = services.enrolment_approve(
                enrolment=enrolment, actor=request.user, reason=reason
            )
        else:
            enrolment = services.enrolment_reject(
                enrolment=enrolment, actor=request.user, reason=reason
            )
        messages.success(
            request,
            _("%(person)s: %(status)s.")
            % {"person": enrolment.user, "status": enrolment.get_status_display()},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("courses_approvals")
