"""Trainer tools views (Wagtail admin) and the participant's check-in page.

Thin adapters: each view finds the programme through
``trainer_programme_get`` (which logs refusals) and calls one service or
selector. Inside the admin a refusal is answered with a 403 page rather than
Wagtail's redirect, so that it is visible to the trainer and to tests.
"""

from __future__ import annotations

import functools

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.errors import DomainError, NotFound, PermissionDenied

from ..models import Enrolment, Session
from ..services import completion_confirm, completion_revoke
from . import charts, checkin, exports, forms, selectors, services


def _forbidden(request, message: str | None = None) -> TemplateResponse:
    return TemplateResponse(
        request,
        "courses/trainer/forbidden.html",
        {
            "page_title": _("Trainer tools"),
            "header_icon": "lock",
            "message": message
            or _("Only this programme's trainers and the Secretariat can open this."),
        },
        status=403,
    )


def trainer_view(view):
    """Turns the selectors' NotFound/PermissionDenied into 404 and 403 pages."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.trainer_has_tools(user=request.user):
            selectors.log_denial(
                user=request.user, what="no trainer tools", obj=request.path
            )
            return _forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied:
            return _forbidden(request)

    return wrapped


@trainer_view
def programme_list(request):
    """My programmes: a trainer's own, or every programme for the Secretariat."""
    programmes = list(selectors.trainer_programmes(user=request.user))
    return TemplateResponse(
        request,
        "courses/trainer/programme_list.html",
        {
            "programmes": programmes,
            "page_title": _("My programmes"),
            "header_icon": "group",
        },
    )


@trainer_view
def programme_detail(request, pk: int):
    """Roster with completion, charts with their table, check-in and exports."""
    programme = selectors.trainer_programme_get(user=request.user, pk=pk)
    grid = selectors.attendance_grid(programme=programme)
    figures = selectors.programme_figures(grid=grid)
    now = timezone.now()
    in_person = [
        s for s in grid.sessions if s.ends_at >= now and checkin.session_is_in_person(s)
    ]
    return TemplateResponse(
        request,
        "courses/trainer/programme_detail.html",
        {
            "programme": programme,
            "grid": grid,
            "figures": figures,
            "attendance_chart": charts.attendance_chart_svg(figures=figures),
            "completion_chart": charts.completion_chart_svg(figures=figures),
            "checkin_sessions": in_person,
            "applications": selectors.application_answers(
                programme=programme, roster=grid.roster
            ),
            "revoke_form": forms.RevokeForm(),
            "page_title": programme.title,
            "page_subtitle": _("Trainer tools"),
            "header_icon": "group",
        },
    )


@trainer_view
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """The participants × sessions grid; a save writes only the changed cells."""
    programme = selectors.trainer_programme_get(user=request.user, pk=pk)
    grid = selectors.attendance_grid(programme=programme)
    if request.method == "POST":
        changes = forms.grid_changes(data=request.POST, grid=grid)
        try:
            result = services.attendance_grid_save(
                programme=programme, actor=request.user, changes=changes
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(count)s attendance marks saved.") % {"count": result.saved},
            )
            if result.conflicts:
                messages.warning(
                    request,
                    _(
                        "%(count)s cells were changed by someone else while you "
                        "edited; they were kept as they are now. Check them below."
                    )
                    % {"count": len(result.conflicts)},
                )
            return redirect("courses_trainer_attendance", pk=programme.pk)
    return TemplateResponse(
        request,
        "courses/trainer/attendance.html",
        {
            "programme": programme,
            "grid": grid,
            "statuses": [
                ("present", _("Present")),
                ("absent", _("Absent")),
                ("excused", _("Excused")),
            ],
            "page_title": _("Attendance: %(title)s") % {"title": programme.title},
            "header_icon": "table",
        },
    )


@trainer_view
@require_POST
def completion(request, pk: int):
    """Confirm one, confirm all who meet the rule, or revoke a completion."""
    programme = selectors.trainer_programme_get(user=request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "confirm_all":
            count = services.completion_confirm_all(
                programme=programme, actor=request.user
            )
            messages.success(
                request,
                _("Completion confirmed for %(count)s participants.")
                % {"count": count},
            )
        elif action in ("confirm", "revoke"):
            enrolment = get_object_or_404(
                Enrolment, pk=request.POST.get("enrolment") or 0, programme=programme
            )
            if action == "confirm":
                completion_confirm(enrolment=enrolment, actor=request.user)
                messages.success(
                    request,
                    _("Completion confirmed for %(person)s.")
                    % {"person": enrolment.user},
                )
            else:
                form = forms.RevokeForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                completion_revoke(
                    enrolment=enrolment, actor=request.user, reason=reason
                )
                messages.success(
                    request,
                    _("Completion revoked for %(person)s.")
                    % {"person": enrolment.user},
                )
        else:
            messages.error(request, _("Unknown action."))
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(
        reverse("courses_trainer_programme", args=[programme.pk]) + "#completion"
    )


@trainer_view
def export(request, pk: int, fmt: str):
    """Roster and attendance as CSV or XLSX, formula-safe."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Exports are CSV or XLSX."))
    programme = selectors.trainer_programme_get(user=request.user, pk=pk)
    grid = selectors.attendance_grid(programme=programme)
    stamp = timezone.now().strftime("%Y%m%d")
    name = f"{slugify(programme.title) or 'programme'}-attendance-{stamp}"

    def letter_url(enrolment) -> str:
        return request.build_absolute_uri(
            reverse("courses:letter", args=[enrolment.pk])
        )

    if fmt == "xlsx":
        response = HttpResponse(
            exports.export_xlsx(grid=grid, programme=programme, letter_url=letter_url),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(
            exports.export_csv(grid=grid, programme=programme, letter_url=letter_url),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@trainer_view
def session_checkin(request, pk: int):
    """The screen a trainer projects: the current code and a QR to the check-in page."""
    session = selectors.trainer_session_get(user=request.user, pk=pk)
    now = timezone.now()
    code = checkin.checkin_code(session_id=session.pk, at=now)
    url = request.build_absolute_uri(
        reverse("courses_trainer_site:checkin", args=[session.pk])
        + f"?code={code.code}"
    )
    opens, closes = checkin.checkin_window(session)
    qr = segno.make(url, error="m").svg_inline(
        scale=6, dark="#000000", light="#ffffff", omitsize=False
    )
    return TemplateResponse(
        request,
        "courses/trainer/checkin_screen.html",
        {
            "session": session,
            "programme": session.programme,
            "code": code,
            "checkin_url": url,
            "qr_svg": qr,
            "is_open": checkin.checkin_is_open(session, now),
            "in_person": checkin.session_is_in_person(session),
            "opens": opens,
            "closes": closes,
            "page_title": _("Check-in: %(title)s") % {"title": session.title},
            "header_icon": "key",
        },
    )


# --- the participant's side (a normal site page) -------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participant_checkin(request, session_id: int):
    """A participant types (or scans) the shown code to be marked present.

    GET never changes anything: the QR link fills the code in, and the
    participant presses one button.
    """
    session = get_object_or_404(
        Session.objects.select_related("programme"), pk=session_id
    )
    attendance = None
    status = 200
    if request.method == "POST":
        form = forms.CheckinForm(request.POST)
        if form.is_valid():
            try:
                attendance = checkin.checkin_record(
                    session=session, user=request.user, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                form.add_error("code", exc.message)
                status = exc.status
        else:
            status = 400
    else:
        form = forms.CheckinForm(initial={"code": request.GET.get("code", "")[:12]})
    opens, closes = checkin.checkin_window(session)
    return TemplateResponse(
        request,
        "courses/trainer/participant_checkin.html",
        {
            "session": session,
            "programme": session.programme,
            "form": form,
            "attendance": attendance,
            "opens": opens,
            "closes": closes,
            "is_open": checkin.checkin_is_open(session),
        },
        status=status,
    )
