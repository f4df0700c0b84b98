"""A job's task graph as a static, self-contained SVG: what a notebook shows where no widget
manager runs (``jupyter nbconvert --to html``, GitHub, a docs site, an untrusted notebook).

Pure text from the Cytoscape elements of `elements.job_elements`: the same positions and edge
routes the canvas draws, the task key over its task type in every box, the run state of a task
as its border colour when known. No script, no external resource, no ``id`` (several SVGs share
a page): every text is escaped, task keys and job names being user input.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from loom_jobs_widget.graph.elements import (
    MIN_NODE_WIDTH,
    NODE_HEIGHT,
    TEXT_PADDING,
    Elements,
    pretty_task_type,
)

__all__ = ["STATE_COLORS", "STATIC_SVG_MOST_TASKS", "job_html", "job_svg"]

STATE_COLORS: Mapping[str, str] = {
    "SUCCESS": "#16a34a",
    "SUCCEEDED": "#16a34a",
    "FAILED": "#dc2626",
    "INTERNAL_ERROR": "#dc2626",
    "TIMEDOUT": "#dc2626",
    "TIMED_OUT": "#dc2626",
    "UPSTREAM_FAILED": "#f97316",
    "RUNNING": "#2563eb",
    "PENDING": "#0ea5e9",
    "QUEUED": "#0ea5e9",
    "BLOCKED": "#a16207",
    "WAITING": "#a16207",
    "TERMINATING": "#6366f1",
    "SKIPPED": "#9ca3af",
    "EXCLUDED": "#9ca3af",
    "CANCELED": "#9ca3af",
    "CANCELLED": "#9ca3af",
    "UPSTREAM_CANCELED": "#9ca3af",
}
"""A task's border by its state in the run shown (the editor canvas's colours)."""

STATIC_SVG_MOST_TASKS = 250
"""Most tasks `job_html` draws. The static view goes into every display of a widget, and
JupyterLab parses it (its sanitiser, its table of contents) even when it shows the live widget:
about 0.2 s for a 1,000-task job's 0.7 MB, measured, so a larger job gets a line instead."""

_MARGIN = 16.0
_TITLE_HEIGHT = 28.0
_BORDER = "#d0d5dd"
_EDGE = "#94a3b8"
_TEXT = "#0f172a"
_MUTED = "#64748b"
# The canvas's estimate of a 13 px sans-serif character (see `elements.node_width`).
_CHAR_WIDTH = 8.1
_ARROW = 7.0
# 15 px semibold title text, the same estimate scaled up.
_TITLE_CHAR_WIDTH = 9.4
_MAX_TITLE_WIDTH = 1100.0
# Characters XML 1.0 forbids even escaped: an SVG holding one is not well-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    """Escaped for text and attribute values alike."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def _fit(text: str, width: float, char_width: float = _CHAR_WIDTH) -> str:
    """Shortened with an ellipsis to what fits in a box ``width`` wide, as the canvas does."""
    room = max(1, int((width - TEXT_PADDING) / char_width))
    return text if len(text) <= room else text[: max(1, room - 1)] + "\u2026"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _point(
    data: Mapping[str, Any],
    side: float,
    centres: Mapping[str, tuple[float, float]],
    widths: Mapping[str, float],
) -> tuple[float, float] | None:
    key = data.get("source" if side > 0 else "target")
    if not isinstance(key, str) or key not in centres:
        return None
    x, y = centres[key]
    return x + side * widths[key] / 2, y


def _arrow(tip: tuple[float, float], before: tuple[float, float]) -> str:
    angle = math.atan2(tip[1] - before[1], tip[0] - before[0])
    left = (tip[0] - _ARROW * math.cos(angle - 0.45), tip[1] - _ARROW * math.sin(angle - 0.45))
    right = (tip[0] - _ARROW * math.cos(angle + 0.45), tip[1] - _ARROW * math.sin(angle + 0.45))
    points = " ".join(f"{_num(x)},{_num(y)}" for x, y in (tip, left, right))
    return f'<polygon points="{points}" fill="{_EDGE}"/>'


def _edge(
    data: Mapping[str, Any], centres: Mapping[str, tuple[float, float]], widths: Mapping[str, float]
) -> str:
    start = _point(data, 1, centres, widths)
    end = _point(data, -1, centres, widths)
    if start is None or end is None:  # an edge to an unknown task: the validator reports it
        return ""
    route = data.get("route") or []
    points = [start, *((float(x), float(y)) for x, y in route), end]
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_num(x)},{_num(y)}" for i, (x, y) in enumerate(points)
    )
    dashed = ' stroke-dasharray="5 4"' if data.get("run_if", "ALL_SUCCESS") != "ALL_SUCCESS" else ""
    source, target = str(data.get("source")), str(data.get("target"))
    outcome = data.get("outcome")
    parts = [
        f'<g class="loom-edge" data-source="{_text(source)}" data-target="{_text(target)}">',
        f"<title>{_text(source)} \u2192 {_text(target)}</title>",
        f'<path d="{path}" fill="none" stroke="{_EDGE}" stroke-width="1.5"{dashed}/>',
        _arrow(points[-1], points[-2]),
    ]
    if isinstance(outcome, str) and outcome:
        mid_x = (points[-2][0] + points[-1][0]) / 2
        parts.append(
            f'<text x="{_num(mid_x)}" y="{_num(points[-1][1] - 5)}" font-size="11" '
            f'text-anchor="middle" fill="{_MUTED}">{_text(outcome)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _node(node: Mapping[str, Any], width: float) -> str:
    data = node["data"]
    key = str(data.get("id", ""))
    label = str(data.get("label", key))
    x, y = float(node["position"]["x"]), float(node["position"]["y"])
    left, top = x - width / 2, y - NODE_HEIGHT / 2
    task_type = pretty_task_type(data.get("task_type"))
    state = data.get("state")
    color = STATE_COLORS.get(str(state), _BORDER) if state else _BORDER
    stroke = 3 if state else 1
    dashed = ' stroke-dasharray="4 3"' if data.get("disabled") else ""
    tooltip = f"{key} ({task_type})" + (f": {state}" if state else "")
    state_attr = f' data-state="{_text(state)}"' if state else ""
    return (
        f'<g class="loom-task" data-task-key="{_text(key)}"{state_attr}>'
        f"<title>{_text(tooltip)}</title>"
        f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(width)}" '
        f'height="{_num(NODE_HEIGHT)}" rx="6" fill="#ffffff" stroke="{color}" '
        f'stroke-width="{stroke}"{dashed}/>'
        f'<text x="{_num(x)}" y="{_num(y - 4)}" font-size="13" text-anchor="middle" '
        f'fill="{_TEXT}">{_text(_fit(label, width))}</text>'
        f'<text x="{_num(x)}" y="{_num(y + 13)}" font-size="11" text-anchor="middle" '
        f'fill="{_MUTED}">{_text(_fit(task_type, width))}</text>'
        "</g>"
    )


def job_svg(elements: Elements, *, title: str | None = None) -> str:
    """The graph as one ``<svg>`` element: a box per task at its laid-out position, a line with
    an arrowhead per dependency (dashed when the dependent's ``run_if`` is not
    ``ALL_SUCCESS``, labelled with a condition's ``outcome``), ``title`` above them."""
    nodes: Sequence[Mapping[str, Any]] = elements.get("nodes", [])
    edges: Iterable[Mapping[str, Any]] = elements.get("edges", [])
    centres: dict[str, tuple[float, float]] = {}
    widths: dict[str, float] = {}
    for node in nodes:
        key = str(node["data"].get("id", ""))
        if key not in centres:
            centres[key] = (float(node["position"]["x"]), float(node["position"]["y"]))
            widths[key] = float(node["data"].get("width") or MIN_NODE_WIDTH)
    if centres:
        min_x = min(x - widths[k] / 2 for k, (x, _) in centres.items())
        max_x = max(x + widths[k] / 2 for k, (x, _) in centres.items())
        min_y = min(y for _, y in centres.values()) - NODE_HEIGHT / 2
        max_y = max(y for _, y in centres.values()) + NODE_HEIGHT / 2
    else:
        min_x = max_x = min_y = max_y = 0.0
    top = _TITLE_HEIGHT if title else 0.0
    left = min_x - _MARGIN
    # Wide enough for the title too, up to a width a notebook shows; longer ones are shortened
    # (the whole name stays in the SVG's <title>).
    title_width = min(len(title or "") * _TITLE_CHAR_WIDTH, _MAX_TITLE_WIDTH)
    width = max(max_x - min_x, title_width, 208.0) + 2 * _MARGIN
    height = max_y - min_y + 2 * _MARGIN + top
    view_top = min_y - _MARGIN - top
    name = title or "Job"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="loom-job-svg" role="img" '
        f'viewBox="{_num(left)} {_num(view_top)} {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" '
        'font-family="-apple-system, Segoe UI, DejaVu Sans, Helvetica, Arial, sans-serif">',
        f"<title>{_text(name)}: {len(centres)} task{'' if len(centres) == 1 else 's'}</title>",
    ]
    if title:
        parts.append(
            f'<text x="{_num(left + _MARGIN)}" y="{_num(view_top + 20)}" font-size="15" '
            f'font-weight="600" fill="{_TEXT}">'
            f"{_text(_fit(title, _MAX_TITLE_WIDTH + TEXT_PADDING, _TITLE_CHAR_WIDTH))}</text>"
        )
    if not centres:
        parts.append(
            f'<text x="{_num(left + _MARGIN)}" y="{_num(view_top + top + 20)}" font-size="13" '
            f'fill="{_MUTED}">No tasks yet.</text>'
        )
    parts.extend(_edge(edge["data"], centres, widths) for edge in edges)
    seen: set[str] = set()
    for node in nodes:
        key = str(node["data"].get("id", ""))
        if key in seen:  # a duplicate task_key: drawn once, as the canvas does
            continue
        seen.add(key)
        parts.append(_node(node, widths[key]))
    parts.append("</svg>")
    return "".join(parts)


def job_html(elements: Elements, *, title: str | None = None) -> str:
    """`job_svg` in a scrollable block: the ``text/html`` a widget offers beside its live view;
    for a job of more than `STATIC_SVG_MOST_TASKS` tasks, a line saying what it holds."""
    tasks = len(elements.get("nodes", []))
    if tasks > STATIC_SVG_MOST_TASKS:
        dependencies = len(elements.get("edges", []))
        named = f"<strong>{_text(title)}</strong>: " if title else ""
        return (
            f'<div class="loom-static"><p>{named}{tasks} tasks, {dependencies} dependencies. '
            "A graph this large is drawn by the live widget only.</p></div>"
        )
    return (
        '<div class="loom-static" style="overflow:auto;max-width:100%;background:#ffffff">'
        f"{job_svg(elements, title=title)}</div>"
    )
