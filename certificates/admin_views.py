"""Wagtail admin pages: the Secretariat's impact report (tables, SVG charts, CSV)
and the list of webinars whose certificates one may issue."""

import csv

import pygal
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pygal.style import Style

from . import selectors

DIMENSION_LABELS = {
    "programme": gettext_lazy("Programme or webinar"),
    "office": gettext_lazy("Office"),
    "country": gettext_lazy("Country"),
    "city": gettext_lazy("City"),
    "year": gettext_lazy("Year"),
}
_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#555555",
    colors=("#0b4f6c", "#1b7a3a", "#b35c00"),
    font_family="DejaVu Sans, sans-serif",
)


def safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (a label like ``=HYPERLINK(...)``)."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def chart_svg(rows: list[dict], *, title: str) -> str:
    """A server-rendered grouped bar chart; no JavaScript (``js=[]``).

    Read top to bottom, the bars follow ``rows`` in the table's order. pygal
    draws a horizontal chart's first label at the bottom, so it gets the rows
    reversed.
    """
    chart = pygal.HorizontalBar(
        js=[],
        style=_STYLE,
        width=900,
        height=max(260, 60 + 42 * len(rows)),
        title=title,
        legend_at_bottom=True,
        print_values=False,
        truncate_label=40,
        disable_xml_declaration=True,
    )
    bottom_up = rows[::-1]
    chart.x_labels = [row["label"] for row in bottom_up]
    chart.add(_("Participants"), [row["participants"] for row in bottom_up])
    chart.add(_("Completions"), [row["completions"] for row in bottom_up])
    chart.add(_("Certificates"), [row["certificates"] for row in bottom_up])
    return chart.render(is_unicode=True)


def impact_report(request):
    """Participants, completions and certificates by programme, office, country,
    city or year, for the General Assembly report. Secretariat only."""
    if not selectors.user_is_secretariat(request.user):
        raise PermissionDenied
    dimension = request.GET.get("by", "programme")
    if dimension not in selectors.REPORT_DIMENSIONS:
        dimension = "programme"
    rows = selectors.impact_report(dimension=dimension)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="wego-impact-by-{dimension}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                DIMENSION_LABELS[dimension],
                _("Participants"),
                _("Completions"),
                _("Certificates"),
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    safe_cell(row["label"]),
                    row["participants"],
                    row["completions"],
                    row["certificates"],
                ]
            )
        return response
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("participants", "completions", "certificates")
    }
    return render(
        request,
        "certificates/admin/impact_report.html",
        {
            "rows": rows,
            "totals": totals,
            "dimension": dimension,
            "dimensions": DIMENSION_LABELS.items(),
            "dimension_label": DIMENSION_LABELS[dimension],
            "chart": chart_svg(
                rows,
                title=_("By %(dimension)s")
                % {"dimension": str(DIMENSION_LABELS[dimension]).lower()},
            )
            if rows
            else "",
        },
    )


def webinar_certificates(request):
    """Past webinars whose certificates of attendance this person may issue.

    For webinar moderators only (hosts, office editors, the Secretariat).
    """
    if not selectors.user_moderates_any_webinar(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "certificates/admin/webinar_certificates.html",
        {"rows": selectors.webinar_certificate_overview(user=request.user)},
    )
