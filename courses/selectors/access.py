"""Who may do what on a programme: the Secretariat, trainers, managers."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from lms.services import SECRETARIAT_GROUP

from ..models import (
    Enrolment,
    ProgrammePage,
)


def user_is_secretariat(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists()


def user_can_train(*, user, programme: ProgrammePage) -> bool:
    """Trainers of the programme and the Secretariat run its attendance.

    Office editors and other staff are not trainers by default: attendance and
    completion lead to certificates, so only named people may record them.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # One query for both ways in: the Secretariat group, or this programme's trainers.
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(groups__name=SECRETARIAT_GROUP) | Q(trained_programmes=programme.pk))
        .exists()
    )


def user_can_manage(*, user, programme: ProgrammePage) -> bool:
    """Who decides on applications: the Secretariat and the office's editors.

    Office editors are exactly those Wagtail lets edit the programme page, so
    the approval queue follows the page tree permissions.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user_is_secretariat(user):
        return True
    return bool(user.is_staff and programme.permissions_for_user(user).can_edit())


def user_may_read_application(*, user, enrolment: Enrolment) -> bool:
    """The applicant, the programme's trainers and those who decide on its
    applications read an application's answers and letter."""
    if not user or not user.is_authenticated:
        return False
    if enrolment.user_id == user.pk:
        return True
    programme = enrolment.programme
    return user_can_train(user=user, programme=programme) or user_can_manage(
        user=user, programme=programme
    )
