"""A job's task graph: `JobGraph`, the read-only widget; the Cytoscape elements JSON it and the
editor draw (`job_elements`), their layered layout, ipycytoscape interop, and the static SVG the
widgets show where no kernel runs (`job_svg`, `job_html`).

Names resolve on first use: importing a module of this package (its `layout`, say) does not
import the widget and anywidget with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

__all__ = [
    "Elements", "JobGraph", "cytoscape_json", "job_elements", "job_html", "job_svg",
    "to_ipycytoscape",
]  # fmt: skip

_LAZY = {
    "Elements": "loom_jobs_widget.graph.elements",
    "JobGraph": "loom_jobs_widget.graph.widget",
    "cytoscape_json": "loom_jobs_widget.graph.interop",
    "job_elements": "loom_jobs_widget.graph.elements",
    "job_html": "loom_jobs_widget.graph.svg",
    "job_svg": "loom_jobs_widget.graph.svg",
    "to_ipycytoscape": "loom_jobs_widget.graph.interop",
}

if TYPE_CHECKING:
    from loom_jobs_widget.graph.elements import Elements, job_elements
    from loom_jobs_widget.graph.interop import cytoscape_json, to_ipycytoscape
    from loom_jobs_widget.graph.svg import job_html, job_svg
    from loom_jobs_widget.graph.widget import JobGraph


__getattr__ = lazy_names(__name__, _LAZY)
