"""Every dependency is visible on the JobEditor's canvas, in a real JupyterLab: one that skips a
task (ingest -> publish beside ingest -> transform -> publish) is drawn around the task between
its ends, not straight through it (where it would read as a plain chain), whether the job comes
with it or the user draws it; and in a real job of the corpus with many dependencies, no drawn
edge passes under a task it does not connect."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from ..corpus import corpus_settings
from .actions import drag, editor_notebook, wait_ready
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot

pytestmark = pytest.mark.browser

SKIPPING_JOB: dict[str, Any] = {
    "name": "e2e skipping edge",
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {
            "task_key": "transform",
            "depends_on": [{"task_key": "ingest"}],
            "notebook_task": {"notebook_path": "/etl/transform"},
        },
        {
            "task_key": "publish",
            "depends_on": [{"task_key": "transform"}, {"task_key": "ingest"}],
            "notebook_task": {"notebook_path": "/etl/publish"},
        },
    ],
}

# On screen: each task's box and each edge as cytoscape draws it (its ends and its bends, for a
# taxi edge as for a routed one), in the canvas's pixels.
DRAWING = """() => {
    const cy = document.querySelector('.loom-je-canvas').__cy;
    const toScreen = (p) => {
        const z = cy.zoom(), pan = cy.pan();
        return { x: p.x * z + pan.x, y: p.y * z + pan.y };
    };
    return {
        boxes: cy.nodes().map((n) => ({ id: n.id(), ...n.renderedBoundingBox({
            includeLabels: false, includeOverlays: false, includeUnderlays: false }) })),
        edges: cy.edges().map((e) => ({
            id: e.id(),
            source: e.source().id(),
            target: e.target().id(),
            start: e.renderedSourceEndpoint(),
            end: e.renderedTargetEndpoint(),
            points: [e.sourceEndpoint(), ...(e.segmentPoints() ?? []), e.targetEndpoint()]
                .map(toScreen),
        })),
    };
}"""


def _segment_crosses_box(a: dict[str, float], b: dict[str, float], box: dict[str, Any]) -> bool:
    """Whether a segment passes through the inside of a box (2 px in, for the border), by
    sampling it: exact for the horizontal and vertical runs drawn, close enough for a slant."""
    left, right, top, bottom = box["x1"] + 2, box["x2"] - 2, box["y1"] + 2, box["y2"] - 2
    steps = max(1, int(max(abs(b["x"] - a["x"]), abs(b["y"] - a["y"])) // 2))
    for i in range(steps + 1):
        x = a["x"] + (b["x"] - a["x"]) * i / steps
        y = a["y"] + (b["y"] - a["y"]) * i / steps
        if left < x < right and top < y < bottom:
            return True
    return False


def _crossings(drawing: dict[str, Any]) -> list[str]:
    """One "<edge> crosses <task>" per drawn edge under a task it does not connect."""
    boxes = {b["id"]: b for b in drawing["boxes"]}
    found = []
    for edge in drawing["edges"]:
        for a, b in itertools.pairwise(edge["points"]):
            for key, box in boxes.items():
                if key not in (edge["source"], edge["target"]) and _segment_crosses_box(a, b, box):
                    found.append(f"{edge['id']} crosses {key}")
    return sorted(set(found))


def _open(page: Any, lab: JupyterLab, ws: Workspace, data: Path, settings: dict[str, Any],
          name: str) -> int:  # fmt: skip
    created = ws.jobs.create(settings)
    job_id = int(created.job_id)  # type: ignore[arg-type]
    editor_notebook(lab, name, data, job_id)
    open_and_run_notebook(page, lab, name)
    return job_id


def _assert_goes_around_transform(page: Any) -> None:
    drawing = page.evaluate(DRAWING)
    boxes = {b["id"]: b for b in drawing["boxes"]}
    skip = next(e for e in drawing["edges"] if e["id"] == "ingest->publish")
    transform = boxes["transform"]
    # It leaves ingest on its right and enters publish on its left...
    assert skip["start"]["x"] >= boxes["ingest"]["x2"] - 2, skip
    assert skip["end"]["x"] <= boxes["publish"]["x1"] + 2, skip
    # ... bending around transform, whose box none of its segments crosses.
    assert len(skip["points"]) > 2, "the edge is drawn straight"
    for a, b in itertools.pairwise(skip["points"]):
        assert not _segment_crosses_box(a, b, transform), f"{skip} crosses transform"
    assert _crossings(drawing) == []


def test_an_edge_that_skips_a_task_goes_around_it(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    _open(page, jupyter_lab, ws, data, SKIPPING_JOB, "canvas_edges_e2e.ipynb")
    wait_ready(page, 3)
    assert page.locator(EDITOR).get_attribute("data-edge-count") == "3"
    _assert_goes_around_transform(page)
    shoot(page, "canvas-edge-around-task.png")
    assert console.errors_from_our_code() == []


def test_a_drawn_edge_that_skips_a_task_goes_around_it(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    chain = copy.deepcopy(SKIPPING_JOB)
    chain["tasks"][2]["depends_on"] = [{"task_key": "transform"}]
    _open(page, jupyter_lab, ws, data, chain, "canvas_edges_drawn_e2e.ipynb")
    wait_ready(page, 3)
    drag(page, "ingest", "publish")
    page.wait_for_selector(f'{EDITOR}[data-edge-count="3"]')
    # The patch moves tasks to their new places (animated): look once they are there.
    page.wait_for_function(
        """() => document.querySelector('.loom-je-canvas').__cy.nodes()
                .every((n) => !n.animated())"""
    )
    _assert_goes_around_transform(page)
    shoot(page, "canvas-drawn-edge-around-task.png")
    assert console.errors_from_our_code() == []


def test_no_edge_of_a_real_job_runs_under_a_task(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    settings = corpus_settings("dbxmetagen__enriched_first_pipeline.json")
    _open(page, jupyter_lab, ws, data, settings, "canvas_edges_corpus_e2e.ipynb")
    wait_ready(page, len(settings["tasks"]))
    drawing = page.evaluate(DRAWING)
    assert len(drawing["edges"]) == 28
    assert _crossings(drawing) == []
    shoot(page, "canvas-edges-corpus-job.png")
    assert console.errors_from_our_code() == []
