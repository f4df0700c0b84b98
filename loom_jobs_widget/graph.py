"""A job as Cytoscape elements JSON: tasks are nodes, `depends_on` entries are edges.

The same JSON feeds our own canvas and, later, ipycytoscape; it is plain data, testable without a
browser. Nodes carry their laid-out position (see `layout`), so the canvas only draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from loom_jobs_widget.layout import LayoutParams, layered_layout
from loom_jobs_widget.models import JobSettings

Elements = dict[str, list[dict[str, Any]]]
"""Cytoscape elements: ``{"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}``."""


# Node box, in pixels. The height is NODE_HEIGHT in js/src/widget.ts; the width is an upper
# bound: the view draws the box as wide as its text needs, up to `width`, and shortens a longer
# label with an ellipsis (the whole key stays in the tooltip).
NODE_HEIGHT = 46.0
MIN_NODE_WIDTH = 96.0
MAX_NODE_WIDTH = 260.0
_TEXT_PADDING = 28.0
# 13 px sans-serif text: about 7.3 px per character on average with DejaVu Sans (wider than most
# UI fonts); 8.1 leaves room for wide letters, so a label is rarely shortened.
_CHAR_WIDTH = 8.1

LAYOUT = LayoutParams(node_height=NODE_HEIGHT)

# From this many tasks on the view draws edges as straight lines (LARGE_GRAPH in
# js/src/widget.ts: routed edges made the first frame 3x slower), so routes are not sent: they
# were a fifth of the JSON of a 1000-task job.
ROUTES_BELOW = 500


def pretty_task_type(task_type: str | None) -> str:
    """What the node shows under its key: "spark_python_task" -> "spark python"."""
    if not task_type:
        return "task"
    return task_type.removesuffix("_task").replace("_", " ")


def node_width(label: str, task_type: str | None) -> float:
    """The width the layout keeps for a node showing ``label`` over its task type."""
    chars = max(len(label), len(pretty_task_type(task_type)))
    text = math.ceil(chars * _CHAR_WIDTH) + _TEXT_PADDING
    return min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, text))


def job_elements(settings: JobSettings | Mapping[str, Any]) -> Elements:
    """Nodes ``{id, label, task_type, compute_kind, width}`` with a ``position`` (the centre of
    the node, from a left-to-right layered layout), in document order; and edges
    ``{id, source, target, outcome}`` from the upstream task to its dependent, with ``route``
    (the bends ``[[x, y], ...]`` that keep the edge off other tasks) when it is not straight
    and the job has fewer than ``ROUTES_BELOW`` tasks.

    Nothing is validated here: an edge to an unknown task is kept (the view skips it, the layout
    ignores it), so what is drawn never hides what is in the settings; the validator reports it.
    """
    if not isinstance(settings, JobSettings):
        settings = JobSettings.from_api(settings)
    tasks = [task for task in settings.task_list if isinstance(task.task_key, str)]
    task_types = [task.task_type for task in tasks]  # worked out from the fields: once
    settings_edges = settings.edges()
    widths: dict[str, float] = {}
    for task, task_type in zip(tasks, task_types, strict=True):
        key = str(task.task_key)
        widths.setdefault(key, node_width(key, task_type))  # the first of duplicates wins
    layout = layered_layout(
        list(widths),
        [(edge.upstream, edge.downstream) for edge in settings_edges],
        widths=widths,
        params=LAYOUT,
    )
    positions = layout.positions
    nodes = []
    for task, task_type in zip(tasks, task_types, strict=True):
        key = str(task.task_key)
        x, y = positions[key]
        nodes.append(
            {
                "data": {
                    "id": key,
                    "label": key,
                    "task_type": task_type,
                    "compute_kind": task.compute_kind,
                    "width": widths[key],
                },
                "position": {"x": round(x, 1), "y": round(y, 1)},
            }
        )
    routed = len(widths) < ROUTES_BELOW
    edges = []
    for edge in settings_edges:
        data: dict[str, Any] = {
            "id": f"{edge.upstream}->{edge.downstream}"
            + (f":{edge.outcome}" if edge.outcome else ""),
            "source": edge.upstream,
            "target": edge.downstream,
            "outcome": edge.outcome,
        }
        route = layout.routes.get((edge.upstream, edge.downstream)) if routed else None
        if route:
            data["route"] = [[round(x, 1), round(y, 1)] for x, y in route]
        edges.append({"data": data})
    return {"nodes": nodes, "edges": edges}
