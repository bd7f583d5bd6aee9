"""Server-rendered SVG charts: attendance per session and the completion rate.

Drawn with pygal, as the impact report's charts (``certificates.admin_views``):
no script (``js=[]``, and the filter below drops the config script pygal
writes anyway). These pages are in the Wagtail admin, whose
Content-Security-Policy allows pygal's inline ``<style>``. An XML filter
makes each chart an image with a ``<title>`` and a ``<desc>`` that says the
figures, so screen readers get them; the page shows the same figures as a
table next to it.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from .selectors import ProgrammeFigures

BAR = "#2e6b8a"  # 6.2:1 on white
INK = "#1d1d1d"
_STYLE = Style(
    background="white",
    plot_background="white",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle="#555555",
    colors=(BAR,),
    font_family="DejaVu Sans, sans-serif",
)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _accessible(*, name: str, title: str, desc: str, width: int, height: int):
    """An XML filter: ``role="img"`` named by its ``<title>`` and ``<desc>``."""

    def apply(root):
        attrib = dict(root.attrib)
        root.attrib.clear()
        root.set("xmlns", attrib.pop("xmlns"))
        root.set("class", attrib.pop("class"))
        root.set("role", "img")
        root.set("aria-labelledby", f"chart-{name}-title chart-{name}-desc")
        root.set("width", str(width))
        root.set("height", str(height))
        for key, value in attrib.items():
            root.set(key, value)
        for child in list(root):
            if child.tag == "title":  # pygal's own, replaced by ours
                root.remove(child)
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "script":  # pygal's config for its (absent) JS
                    parent.remove(child)
        title_node = ElementTree.Element("title", id=f"chart-{name}-title")
        title_node.text = title
        desc_node = ElementTree.Element("desc", id=f"chart-{name}-desc")
        desc_node.text = desc
        root.insert(0, desc_node)
        root.insert(0, title_node)
        return root

    return apply


def _chart(*, name: str, title: str, desc: str, width: int, height: int, **config):
    chart = pygal.HorizontalBar(
        js=[],
        style=_STYLE,
        classes=["trainer-chart"],
        width=width,
        height=height,
        title=title,
        show_legend=False,
        disable_xml_declaration=True,
        **config,
    )
    chart.add_xml_filter(
        _accessible(name=name, title=title, desc=desc, width=width, height=height)
    )
    return chart


def attendance_chart_svg(*, figures: ProgrammeFigures) -> SafeString:
    """Horizontal bars: participants present at each session, out of those enrolled."""
    title = _("Attendance per session")
    desc = "; ".join(
        _("%(session)s: %(present)s of %(expected)s present")
        % {"session": f.session.title, "present": f.present, "expected": f.expected}
        for f in figures.sessions
    ) or _("No sessions yet.")
    chart = _chart(
        name="att",
        title=title,
        desc=desc,
        width=640,
        height=max(160, 80 + 32 * len(figures.sessions)),
        range=(0, 100),
        truncate_label=30,
        value_formatter=lambda value: f"{round(value)}%",
    )
    # pygal draws a horizontal chart's first label at the bottom.
    bottom_up = figures.sessions[::-1]
    chart.x_labels = [_short(f.session.title) for f in bottom_up]
    chart.add(
        title,
        [
            {
                "value": 100 * f.present / f.expected if f.expected else 0,
                "label": f"{f.present}/{f.expected}",
            }
            for f in bottom_up
        ],
    )
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308 - pygal escapes


def completion_chart_svg(*, figures: ProgrammeFigures) -> SafeString:
    """One bar: confirmed completions out of confirmed participants."""
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
    chart = _chart(
        name="done",
        title=title,
        desc=desc,
        width=520,
        height=150,
        range=(0, 100),
        print_values=True,
        value_formatter=lambda value: f"{round(value)}%",
    )
    chart.x_labels = [f"{figures.completed}/{figures.confirmed}"]
    chart.add(title, [100 * rate])
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308 - pygal escapes
