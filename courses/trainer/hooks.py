"""Registers the trainer tools in the Wagtail admin (menu and URLs)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import selectors, views


@hooks.register("register_admin_urls")
def register_trainer_urls():
    return [
        path("trainer/", views.programme_list, name="courses_trainer_programmes"),
        path(
            "trainer/programmes/<id:pk>/",
            views.programme_detail,
            name="courses_trainer_programme",
        ),
        path(
            "trainer/programmes/<id:pk>/attendance/",
            views.attendance,
            name="courses_trainer_attendance",
        ),
        path(
            "trainer/programmes/<id:pk>/completion/",
            views.completion,
            name="courses_trainer_completion",
        ),
        path(
            "trainer/programmes/<id:pk>/export.<str:fmt>",
            views.export,
            name="courses_trainer_export",
        ),
        path(
            "trainer/sessions/<id:pk>/check-in/",
            views.session_checkin,
            name="courses_trainer_checkin",
        ),
    ]


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.trainer_has_tools(user=request.user)


@hooks.register("register_admin_menu_item")
def register_trainer_menu_item():
    return TrainerMenuItem(
        _("Trainer tools"),
        reverse("courses_trainer_programmes"),
        icon_name="group",
        order=230,
    )
