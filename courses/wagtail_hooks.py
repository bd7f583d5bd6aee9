"""Admin menu, approval queue, and the sections the home and office pages show."""

from django.urls import path, re_path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, selectors
from .models import SupportSlot
from .trainer import hooks as trainer_hooks  # noqa: F401


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "courses/approvals/", admin_views.approval_queue, name="courses_approvals"
        ),
        re_path(
            r"^courses/approvals/(?P<pk>[0-9]+)/(?P<action>approve|reject)/$",
            admin_views.approval_decide,
            name="courses_approval_decide",
        ),
        re_path(
            r"^courses/approvals/delegations/(?P<pk>[0-9]+)/(?P<action>approve|reject)/$",
            admin_views.delegation_decide,
            name="courses_delegation_decide",
        ),
    ]


class ApprovalMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_admin_menu_item")
def register_approvals_menu_item():
    return ApprovalMenuItem(
        _("Applications"),
        reverse("courses_approvals"),
        icon_name="tasks",
        order=240,
    )


@hooks.register("home_sections")
def open_programmes_section(request, page):
    programmes = list(selectors.programme_list(is_open=True, when="upcoming")[:6])
    if not programmes:
        return None
    return {"template": "courses/includes/home_section.html", "programmes": programmes}


@hooks.register("office_sections")
def office_programmes_section(request, page):
    programmes = list(selectors.programme_list(office=page.slug)[:6])
    if not programmes:
        return None
    return {
        "template": "courses/includes/office_section.html",
        "programmes": programmes,
        "office_slug": page.slug,
    }


class SupportSlotViewSet(SnippetViewSet):
    """Technical-support slots in the admin, for the Secretariat."""

    model = SupportSlot
    icon = "time"
    menu_label = _("Support slots")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["__str__", "capacity", "host", "created_at"]
    list_filter = ["programme"]
    ordering = ["starts_at"]


register_snippet(SupportSlotViewSet)
