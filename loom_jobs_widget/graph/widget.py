"""The notebook widget: a Lakeflow Job drawn as a DAG (anywidget + cytoscape.js).

The front end lives in ``js/src/widget.ts`` and is bundled by ``npm run build`` (run for you by
``pip install`` through hatch-jupyter-builder) into ``loom_jobs_widget/static/widget.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anywidget
import traitlets

from loom_jobs_widget._assets import bundle_path
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.graph.elements import Elements, job_elements

__all__ = ["BUNDLE", "JobGraph"]

BUNDLE = bundle_path("widget")


class JobGraph(anywidget.AnyWidget):
    """A Lakeflow Job's task graph, drawn left to right in the notebook.

    Usually made with :meth:`from_settings` from a raw ``JobSettings`` dict, such as the
    ``settings`` of a ``jobs/get`` response.
    """

    _esm = BUNDLE

    title = traitlets.Unicode("").tag(sync=True)
    """Shown in the widget's header (the job's ``name`` by default)."""

    elements: traitlets.Dict[str, list[dict[str, Any]]] = traitlets.Dict(
        help="Cytoscape elements: tasks as nodes, depends_on links as edges.",
    ).tag(sync=True)

    @traitlets.default("elements")
    def _default_elements(self) -> Elements:
        return {"nodes": [], "edges": []}

    @classmethod
    def from_settings(
        cls, settings: JobSettings | Mapping[str, Any], *, title: str | None = None
    ) -> JobGraph:
        """Build the graph of a job's settings: a model, or a raw ``JobSettings`` dict."""
        if not isinstance(settings, JobSettings):
            settings = JobSettings.from_api(settings)
        if title is None:
            title = settings.name if isinstance(settings.name, str) and settings.name else None
        return cls(title=title or "Untitled job", elements=job_elements(settings))
