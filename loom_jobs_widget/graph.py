"""A job as Cytoscape elements JSON: tasks are nodes, `depends_on` entries are edges.

The same JSON feeds our own canvas and, later, ipycytoscape; it is plain data, testable without a
browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loom_jobs_widget.models import JobSettings

Elements = dict[str, list[dict[str, Any]]]
"""Cytoscape elements: ``{"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}``."""


def job_elements(settings: JobSettings | Mapping[str, Any]) -> Elements:
    """Nodes ``{id, label, task_type, compute_kind}`` in document order, and edges
    ``{id, source, target, outcome}`` from the upstream task to its dependent.

    Nothing is validated here: an edge to an unknown task is kept (the view skips it), so what is
    drawn never hides what is in the settings; the validator reports it.
    """
    if not isinstance(settings, JobSettings):
        settings = JobSettings.from_api(settings)
    nodes = [
        {
            "data": {
                "id": task.task_key,
                "label": task.task_key,
                "task_type": task.task_type,
                "compute_kind": task.compute_kind,
            }
        }
        for task in settings.task_list
        if isinstance(task.task_key, str)
    ]
    edges = [
        {
            "data": {
                "id": f"{edge.upstream}->{edge.downstream}"
                + (f":{edge.outcome}" if edge.outcome else ""),
                "source": edge.upstream,
                "target": edge.downstream,
                "outcome": edge.outcome,
            }
        }
        for edge in settings.edges()
    ]
    return {"nodes": nodes, "edges": edges}
