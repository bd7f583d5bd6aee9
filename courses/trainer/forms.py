"""Form shapes of the trainer tools; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Grid
from .services import CellChange


def cell_name(enrolment_id: int, session_id: int) -> str:
    return f"cell-{enrolment_id}-{session_id}"


def original_name(enrolment_id: int, session_id: int) -> str:
    return f"orig-{enrolment_id}-{session_id}"


def grid_changes(*, data, grid: Grid) -> list[CellChange]:
    """Every editable cell of the posted grid, with the value the page showed.

    "Mark all present" for a session (the ``all_present`` button) sets that
    column to present for everyone enrolled by then; the service still writes
    only the cells that differ from what the page showed.
    """
    try:
        all_present = int(data.get("all_present") or 0)
    except ValueError:
        all_present = 0
    changes = []
    for row in grid.rows:
        for cell in row.cells:
            if not cell.editable:
                continue
            enrolment_id, session_id = row.enrolment.pk, cell.session.pk
            name = cell_name(enrolment_id, session_id)
            if name not in data and session_id != all_present:
                continue
            original = data.get(original_name(enrolment_id, session_id), cell.status)
            new = "present" if session_id == all_present else data.get(name, "")
            changes.append(CellChange(session_id, enrolment_id, original, new))
    return changes


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The six characters the trainer shows, e.g. K7Q2MX."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=400, required=False
    )
