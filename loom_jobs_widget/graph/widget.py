"""The notebook widget: a Lakeflow Job drawn as a DAG (anywidget + cytoscape.js).

The front end lives in ``js/src/widget.ts`` and is bundled by ``npm run build`` (run for you by
``pip install`` through hatch-jupyter-builder) into ``loom_jobs_widget/static/widget.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anywidget
import traitlets

from loom_jobs_widget._assets import Bundle, module_loader
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.graph.elements import Elements, job_elements
from loom_jobs_widget.graph.svg import job_html

__all__ = ["JobGraph"]


class JobGraph(anywidget.AnyWidget):
    """A Lakeflow Job's task graph, drawn left to right in the notebook.

    Usually made with :meth:`from_settings` from a raw ``JobSettings`` dict, such as the
    ``settings`` of a ``jobs/get`` response.
    """

    _esm = module_loader("widget")
    _bundle = Bundle("widget")

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

    def _repr_mimebundle_(
        self, **kwargs: dict[Any, Any]
    ) -> tuple[dict[Any, Any], dict[Any, Any]] | None:
        # The live view, and the graph as a static SVG for where no widget manager runs
        # (nbconvert, a docs site): JupyterLab shows only the richest type it can render.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/html": job_html(self.elements, title=self.title)}, metadata
