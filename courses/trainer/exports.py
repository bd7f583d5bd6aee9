"""Roster and attendance as CSV (RFC 4180) and XLSX, safe to open in a spreadsheet.

Names and organisations are typed by participants, so a cell such as
``=HYPERLINK(...)`` must never become a formula in the trainer's spreadsheet
(docs/reliability.md, case 30): text starting with ``= + - @``, a tab or a
carriage return is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC

from django.utils.translation import gettext as _

from ..models import AttendanceStatus
from .selectors import NOT_ENROLLED_YET, Grid, application_answers

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for one cell, with a leading ``'`` when a spreadsheet would compute it."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def export_rows(*, grid: Grid, programme, letter_url=None) -> list[list[str]]:
    """Header and one row per active enrolment, every value already escaped.

    After the person come their application answers (one column per question
    the programme asks, then the letter of intent's address from
    ``letter_url(enrolment)``), then completion and attendance.
    """
    labels = dict(AttendanceStatus.choices)
    applications = application_answers(programme=programme, roster=grid.roster)
    answers_by_enrolment = {e.pk: answers for e, answers in applications.rows}
    letters = programme.accepts_letter_of_intent or any(
        e.letter_of_intent for e, _a in applications.rows
    )
    header = [
        _("Participant"),
        _("E-mail"),
        _("Organisation"),
        _("Country"),
        *applications.headings,
        *([_("Letter of intent")] if letters else []),
        _("Enrolment status"),
        _("Meets completion rule"),
        _("Completion reason"),
        _("Completion confirmed at"),
        _("Completion confirmed by"),
    ]
    for session in grid.sessions:
        header.append(f"{session.title} ({_utc(session.starts_at)})")
    marks_by_enrolment = {row.enrolment.pk: row.cells for row in grid.rows}
    rows = [header]
    for enrolment, completion in grid.roster:
        organisation = enrolment.organisation
        row = [
            enrolment.user.get_full_name(),
            enrolment.user.email,
            enrolment.organisation_name or (organisation.name if organisation else ""),
            organisation.country if organisation else "",
            *answers_by_enrolment.get(enrolment.pk, []),
            *(
                [
                    (letter_url(enrolment) if letter_url else _("yes"))
                    if enrolment.letter_of_intent
                    else ""
                ]
                if letters
                else []
            ),
            enrolment.get_status_display(),
            _("yes") if completion.eligible else _("no"),
            completion.reason,
            _utc(enrolment.completed_at),
            str(enrolment.completed_by) if enrolment.completed_by_id else "",
        ]
        cells = marks_by_enrolment.get(enrolment.pk)
        for index in range(len(grid.sessions)):
            if cells is None:
                row.append("")
            elif cells[index].status == NOT_ENROLLED_YET:
                row.append(_("not enrolled yet"))
            else:
                row.append(str(labels.get(cells[index].status, "")))
        rows.append(row)
    return [[safe_cell(value) for value in row] for row in rows]


def export_csv(*, grid: Grid, programme, letter_url=None) -> bytes:
    """UTF-8 CSV with CRLF line ends and minimal quoting (RFC 4180).

    A byte-order mark leads so that spreadsheet programs read Korean, Russian
    and accented names as UTF-8.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(export_rows(grid=grid, programme=programme, letter_url=letter_url))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(*, grid: Grid, programme, letter_url=None) -> bytes:
    """One worksheet with the same escaped rows.

    openpyxl stores a string starting with ``=`` as a formula; after
    ``safe_cell`` no value does, so every cell is plain text.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")[:31]
    for row in export_rows(grid=grid, programme=programme, letter_url=letter_url):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
