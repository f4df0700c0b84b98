"""A job as Cytoscape elements JSON: tasks are nodes, `depends_on` entries are edges.

The same JSON feeds our own canvas and, later, ipycytoscape; it is plain data, testable without a
browser. Nodes carry their laid-out position (see `layout`), so the canvas only draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.core.models import ForEachTask, JobSettings, Task
from loom_jobs_widget.graph.layout import LayoutParams, layered_layout

if TYPE_CHECKING:
    from loom_jobs_widget.core.validation import Problem

__all__ = [
    "EDITOR_ICON_ROOM",
    "LAYOUT",
    "MAX_NODE_WIDTH",
    "MIN_NODE_WIDTH",
    "NODE_HEIGHT",
    "ROUTES_BELOW",
    "TEXT_PADDING",
    "Elements",
    "diff_elements",
    "job_elements",
    "node_width",
    "pretty_task_type",
    "task_node",
]

Elements = dict[str, list[dict[str, Any]]]
"""Cytoscape elements: ``{"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}``."""


# Node box, in pixels (the canvas reads them from js/src/generated/layout.ts). The width is an
# upper bound: the view draws the box as wide as its text needs, up to `width`, and shortens a
# longer label with an ellipsis (the whole key stays in the tooltip).
NODE_HEIGHT = 46.0
MIN_NODE_WIDTH = 96.0
MAX_NODE_WIDTH = 260.0
TEXT_PADDING = 28.0
# 13 px sans-serif text: about 7.3 px per character on average with DejaVu Sans (wider than most
# UI fonts); 8.1 leaves room for wide letters, so a label is rarely shortened.
_CHAR_WIDTH = 8.1

LAYOUT = LayoutParams(node_height=NODE_HEIGHT)
# The editor draws a type icon left of the text: this much beyond the padding node_width keeps.
# (Problem badges are not counted: the layout must not change while the user types.)
EDITOR_ICON_ROOM = 26.0

# From this many tasks on the view draws edges as straight lines (routed edges made the first
# frame 3x slower), so routes are not sent: they were a fifth of the JSON of a 1000-task job.
ROUTES_BELOW = 500


def pretty_task_type(task_type: str | None) -> str:
    """What the node shows under its key: "spark_python_task" -> "spark python"."""
    if not task_type:
        return "task"
    return task_type.removesuffix("_task").replace("_", " ")


def node_width(label: str, task_type: str | None) -> float:
    """The width the layout keeps for a node showing ``label`` over its task type."""
    chars = max(len(label), len(pretty_task_type(task_type)))
    text = math.ceil(chars * _CHAR_WIDTH) + TEXT_PADDING
    return min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, text))


def _compute_label(task: Task) -> str | None:
    """What a node's compute badge shows: the job cluster or environment key, the cluster id."""
    for name in ("job_cluster_key", "environment_key", "existing_cluster_id"):
        value = getattr(task, name)
        if isinstance(value, str) and value:
            return value
    if task.new_cluster is not None:
        return "new cluster"
    return None


def _problem_counts(problems: Iterable[Problem]) -> dict[str, tuple[int, int]]:
    """(errors, warnings) per task_key, from the validator's problems."""
    counts: dict[str, list[int]] = {}
    for problem in problems:
        if problem.task_key is None:
            continue
        entry = counts.setdefault(problem.task_key, [0, 0])
        entry[0 if problem.severity == "error" else 1] += 1
    return {key: (errors, warnings) for key, (errors, warnings) in counts.items()}


def task_node(
    task: Task,
    key: str,
    *,
    task_type: str | None,
    width: float,
    position: tuple[float, float],
    counts: tuple[int, int] = (0, 0),
    state: str | None = None,
) -> dict[str, Any]:
    """One node: ``{data: {id, label, task_type, compute_kind, width, ...}, position}``. Keys
    that would only say "nothing" (no problems, not disabled) are left out: a 1000-task job is
    sent whole when the editor opens."""
    data: dict[str, Any] = {
        "id": key,
        "label": key,
        "task_type": task_type,
        "compute_kind": task.compute_kind,
        "width": width,
    }
    label = _compute_label(task)
    if label is not None:
        data["compute_label"] = label
    loop = task.for_each_task
    if isinstance(loop, ForEachTask) and isinstance(loop.task, Task):
        data["nested_type"] = loop.task.task_type
    if task.disabled is True:
        data["disabled"] = True
    if counts[0]:
        data["errors"] = counts[0]
    if counts[1]:
        data["warnings"] = counts[1]
    if state is not None:
        data["state"] = state
    return {"data": data, "position": {"x": round(position[0], 1), "y": round(position[1], 1)}}


def job_elements(
    settings: JobSettings | Mapping[str, Any],
    *,
    problems: Iterable[Problem] = (),
    states: Mapping[str, str] | None = None,
    previous: Mapping[str, tuple[float, float]] | None = None,
    icon_room: float = 0.0,
) -> Elements:
    """Nodes (see `task_node`) with a ``position`` (the centre of the node, from a
    left-to-right layered layout), in document order; and edges ``{id, source, target,
    outcome, run_if}`` from the upstream task to its dependent, with ``route`` (the bends
    ``[[x, y], ...]`` that keep the edge off other tasks) when it is not straight and the job has
    fewer than ``ROUTES_BELOW`` tasks. ``run_if`` is the dependent's (``ALL_SUCCESS`` when unset).

    ``problems`` (from the validator) put error and warning counts on their tasks' nodes,
    ``states`` a run state per task_key; ``previous`` positions keep the drawing steady after an
    edit (see `layered_layout`); ``icon_room`` widens every node for what a view draws beside
    its text (the editor's type icon).

    Nothing is validated here: an edge to an unknown task is kept (the view skips it, the layout
    ignores it), so what is drawn never hides what is in the settings; the validator reports it.
    """
    if not isinstance(settings, JobSettings):
        settings = JobSettings.from_api(settings)
    tasks = [task for task in settings.task_list if isinstance(task.task_key, str)]
    task_types = [task.task_type for task in tasks]  # worked out from the fields: once
    settings_edges = settings.edges()
    widths: dict[str, float] = {}
    run_ifs: dict[str, str] = {}
    for task, task_type in zip(tasks, task_types, strict=True):
        key = str(task.task_key)
        if key not in widths:  # the first of duplicates wins
            widths[key] = node_width(key, task_type) + icon_room
            run_if = task.run_if
            run_ifs[key] = run_if if isinstance(run_if, str) and run_if else "ALL_SUCCESS"
    layout = layered_layout(
        list(widths),
        [(edge.upstream, edge.downstream) for edge in settings_edges],
        widths=widths,
        params=LAYOUT,
        previous=previous,
    )
    positions = layout.positions
    counts = _problem_counts(problems)
    states = states or {}
    nodes = []
    for task, task_type in zip(tasks, task_types, strict=True):
        key = str(task.task_key)
        nodes.append(
            task_node(
                task,
                key,
                task_type=task_type,
                width=widths[key],
                position=positions[key],
                counts=counts.get(key, (0, 0)),
                state=states.get(key),
            )
        )
    routed = len(widths) < ROUTES_BELOW
    edges = []
    for edge in settings_edges:
        data: dict[str, Any] = {
            "id": _edge_id(edge.upstream, edge.downstream, edge.outcome),
            "source": edge.upstream,
            "target": edge.downstream,
            "outcome": edge.outcome,
            "run_if": run_ifs.get(edge.downstream, "ALL_SUCCESS"),
        }
        route = layout.routes.get((edge.upstream, edge.downstream)) if routed else None
        if route:
            data["route"] = [[round(x, 1), round(y, 1)] for x, y in route]
        edges.append({"data": data})
    return {"nodes": nodes, "edges": edges}


def _edge_id(upstream: str, downstream: str, outcome: str | None) -> str:
    return f"{upstream}->{downstream}" + (f":{outcome}" if outcome else "")


def diff_elements(old: Elements, new: Elements) -> dict[str, Any]:
    """What turns ``old`` into ``new``, as the editor's ``patch`` message carries it: nodes
    added or changed (whole), nodes removed (ids), nodes that only moved (``positions``), edges
    removed then edges added (an edge whose data changed is in both). Empty when equal."""
    old_nodes = {node["data"]["id"]: node for node in old.get("nodes", [])}
    new_nodes = {node["data"]["id"]: node for node in new.get("nodes", [])}
    changed: list[dict[str, Any]] = []
    moved: dict[str, list[float]] = {}
    for key, node in new_nodes.items():
        before = old_nodes.get(key)
        if before is None or before["data"] != node["data"]:
            changed.append(node)
        elif before.get("position") != node.get("position"):
            position = node["position"]
            moved[key] = [position["x"], position["y"]]
    removed = [key for key in old_nodes if key not in new_nodes]
    old_edges = {edge["data"]["id"]: edge for edge in old.get("edges", [])}
    new_edges = {edge["data"]["id"]: edge for edge in new.get("edges", [])}
    removed_edges = [
        key for key, edge in old_edges.items() if new_edges.get(key, {}).get("data") != edge["data"]
    ]
    added_edges = [
        edge
        for key, edge in new_edges.items()
        if old_edges.get(key, {}).get("data") != edge["data"]
    ]
    patch: dict[str, Any] = {}
    if changed:
        patch["nodes"] = changed
    if removed:
        patch["remove_nodes"] = removed
    if moved:
        patch["positions"] = moved
    if removed_edges:
        patch["remove_edges"] = removed_edges
    if added_edges:
        patch["edges"] = added_edges
    return patch
