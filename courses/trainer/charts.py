"""Server-rendered SVG charts: attendance per session and the completion rate.

Hand-made SVG rather than a charting library: no script, no inline ``style``
(the site's Content-Security-Policy forbids both), colours from presentation
attributes, and a ``<title>``/``<desc>`` so screen readers get the figures.
The page shows the same figures as a table next to it.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .selectors import ProgrammeFigures

BAR = "#2e6b8a"  # 6.2:1 on white
TRACK = "#e3ecf1"
INK = "#1d1d1d"


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def attendance_chart_svg(*, figures: ProgrammeFigures) -> SafeString:
    """Horizontal bars: participants present at each session, out of those enrolled."""
    row_height, label_width, bar_width, top = 28, 250, 300, 36
    height = top + row_height * max(len(figures.sessions), 1) + 12
    width = label_width + bar_width + 90
    title = _("Attendance per session")
    desc = "; ".join(
        _("%(session)s: %(present)s of %(expected)s present")
        % {"session": f.session.title, "present": f.present, "expected": f.expected}
        for f in figures.sessions
    ) or _("No sessions yet.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trainer-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart-att-title chart-att-desc">',
        f'<title id="chart-att-title">{escape(title)}</title>',
        f'<desc id="chart-att-desc">{escape(desc)}</desc>',
        f'<text x="0" y="20" font-size="15" font-weight="bold" fill="{INK}">'
        f"{escape(title)}</text>",
    ]
    for index, figure in enumerate(figures.sessions):
        y = top + index * row_height
        share = figure.present / figure.expected if figure.expected else 0
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="13" fill="{INK}">'
            f"{escape(_short(figure.session.title))}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="18" '
            f'fill="{TRACK}"/>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{round(bar_width * share, 1)}" '
            f'height="18" fill="{BAR}"/>'
        )
        parts.append(
            f'<text x="{label_width + bar_width + 8}" y="{y + 17}" font-size="13" '
            f'fill="{INK}">{figure.present}/{figure.expected}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def completion_chart_svg(*, figures: ProgrammeFigures) -> SafeString:
    """One bar: confirmed completions out of confirmed participants."""
    width, bar_width = 520, 300
    rate = figures.completion_rate
    title = _("Completion rate")
    desc = _(
        "%(completed)s of %(confirmed)s confirmed participants completed "
        "(%(percent)s%%); %(eligible)s meet the rule."
    ) % {
        "completed": figures.completed,
        "confirmed": figures.confirmed,
        "percent": round(rate * 100),
        "eligible": figures.eligible,
    }
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trainer-chart" role="img" '
        f'viewBox="0 0 {width} 70" width="{width}" height="70" '
        f'aria-labelledby="chart-done-title chart-done-desc">'
        f'<title id="chart-done-title">{escape(title)}</title>'
        f'<desc id="chart-done-desc">{escape(desc)}</desc>'
        f'<text x="0" y="20" font-size="15" font-weight="bold" fill="{INK}">'
        f"{escape(title)}</text>"
        f'<rect x="0" y="34" width="{bar_width}" height="22" fill="{TRACK}"/>'
        f'<rect x="0" y="34" width="{round(bar_width * rate, 1)}" height="22" '
        f'fill="{BAR}"/>'
        f'<text x="{bar_width + 10}" y="50" font-size="13" fill="{INK}">'
        f"{round(rate * 100)}% ({figures.completed}/{figures.confirmed})</text>"
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text above is escaped
