"""ipycytoscape interop: a job as Cytoscape elements JSON, and as an ipycytoscape widget.

    from loom_jobs_widget.graph import cytoscape_json, to_ipycytoscape

    cytoscape_json(job.settings)      # {"nodes": [...], "edges": [...]}: plain JSON, no widget
    to_ipycytoscape(job.settings)     # an ipycytoscape.CytoscapeWidget of it (optional extra)

The JSON is `graph.job_elements`, the very elements our own canvas draws: nodes with their
``data`` (``id``, ``label``, ``task_type``, ``compute_kind``, ``width``, ...) and the
``position`` of their centre from the left-to-right layered layout; edges with ``data``
(``id``, ``source``, ``target``, ``outcome``, ``run_if``). It loads into cytoscape.js as it is
(``cy.add(elements)``) and into ipycytoscape with ``graph.add_graph_from_json(elements)``.

ipycytoscape is optional: ``pip install "loom-jobs-widget[ipycytoscape]"``.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.graph.elements import Elements, job_elements

if TYPE_CHECKING:
    from loom_jobs_widget.core.validation import Problem

__all__ = ["INSTALL_HINT", "cytoscape_json", "to_ipycytoscape"]

INSTALL_HINT = 'pip install "loom-jobs-widget[ipycytoscape]"'

# A stylesheet close to our canvas: boxes as wide as the layout kept, the key over the type,
# arrows from the upstream task to its dependent, problems and disabled tasks marked.
_STYLE: list[dict[str, Any]] = [
    {
        "selector": "node",
        "css": {
            "shape": "round-rectangle",
            "width": "data(width)",
            "height": 46,
            "label": "data(label)",
            "text-valign": "center",
            "text-halign": "center",
            "text-wrap": "ellipsis",
            "text-max-width": "data(width)",
            "font-size": 13,
            "background-color": "#f5f7fa",
            "border-width": 1,
            "border-color": "#8a94a6",
            "color": "#1f2933",
        },
    },
    {"selector": "node[?disabled]", "css": {"opacity": 0.5, "border-style": "dashed"}},
    {"selector": "node[warnings > 0]", "css": {"border-color": "#d97706", "border-width": 2}},
    {"selector": "node[errors > 0]", "css": {"border-color": "#dc2626", "border-width": 2}},
    {
        "selector": "edge",
        "css": {
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "width": 1.5,
            "line-color": "#8a94a6",
            "target-arrow-color": "#8a94a6",
        },
    },
    {
        "selector": 'edge[outcome = "true"], edge[outcome = "false"]',
        "css": {"label": "data(outcome)", "font-size": 11},
    },
]


def cytoscape_json(
    settings: JobSettings | Mapping[str, Any],
    *,
    problems: Iterable[Problem] = (),
    states: Mapping[str, str] | None = None,
) -> Elements:
    """The job as Cytoscape elements JSON: ``{"nodes": [{"data", "position"}], "edges":
    [{"data"}]}``, from `graph.job_elements` (see it for every key). ``settings`` is a
    `JobSettings` or the Jobs API's settings JSON; ``problems`` (from `validate`) put error and
    warning counts on their nodes, ``states`` a run state per task_key.

    cytoscape.js refuses an edge whose end is missing and a second node with the same id, so
    edges to a task that is not in the job are left out and of tasks sharing a task_key only
    the first is kept (the validator reports both). The result is a fresh copy: changing it
    changes nothing else.
    """
    elements = job_elements(settings, problems=problems, states=states)
    nodes: list[dict[str, Any]] = []
    keys: set[str] = set()
    for node in elements["nodes"]:
        if node["data"]["id"] not in keys:
            keys.add(node["data"]["id"])
            nodes.append(node)
    edges = [
        edge
        for edge in elements["edges"]
        if edge["data"]["source"] in keys and edge["data"]["target"] in keys
    ]
    return copy.deepcopy({"nodes": nodes, "edges": edges})


def to_ipycytoscape(
    settings: JobSettings | Mapping[str, Any],
    *,
    problems: Iterable[Problem] = (),
    states: Mapping[str, str] | None = None,
) -> Any:
    """An ``ipycytoscape.CytoscapeWidget`` of the job (`cytoscape_json`), drawn at the
    positions of our layout (cytoscape's ``preset`` layout) with `_STYLE`. Needs the optional
    extra: ImportError naming ``pip install "loom-jobs-widget[ipycytoscape]"`` otherwise."""
    try:
        ipycytoscape = importlib.import_module("ipycytoscape")  # untyped: no stubs
    except ImportError as error:
        raise ImportError(
            f"to_ipycytoscape() needs ipycytoscape: {INSTALL_HINT} (or pip install "
            "ipycytoscape). cytoscape_json() gives the same graph as plain JSON without it."
        ) from error
    widget = ipycytoscape.CytoscapeWidget()
    widget.graph.add_graph_from_json(
        cytoscape_json(settings, problems=problems, states=states), directed=True
    )
    widget.set_layout(name="preset", fit=True, padding=24)
    widget.set_style(copy.deepcopy(_STYLE))
    return widget
