"""A 1,000-task job in the JobEditor, in a real JupyterLab: its first frame draws only what the
view shows (the start of the job), and that frame is the picture the user keeps: once every
task and dependency is on the canvas the view looks the same, and a task far off it is found
and shown by the search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import editor_notebook, wait_ready
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot

pytestmark = pytest.mark.browser

LAYERS = 25
PER_LAYER = 40
TASKS = LAYERS * PER_LAYER


def layered_job() -> dict[str, Any]:
    """25 layers of 40 tasks, each (after the first layer) depending on one or two tasks of the
    layer before: 1,000 tasks, about 1,500 dependencies."""
    tasks: list[dict[str, Any]] = []
    for layer in range(LAYERS):
        for row in range(PER_LAYER):
            task: dict[str, Any] = {
                "task_key": f"t{layer:02d}_{row:02d}",
                "notebook_task": {"notebook_path": f"/big/{layer}/{row}"},
            }
            if layer:
                ups = {row, (row * 7 + 3) % PER_LAYER} if row % 2 else {row}
                task["depends_on"] = [
                    {"task_key": f"t{layer - 1:02d}_{up:02d}"} for up in sorted(ups)
                ]
            tasks.append(task)
    return {"name": "e2e large job", "tasks": tasks}


# From the page's start: when the canvas first draws tasks, what it holds and its view's picture.
WATCH_FIRST_FRAME = """(() => {
    window.__firstFrame = null;
    const watch = () => {
        const cy = document.querySelector('.loom-je-canvas')?.__cy;
        if (!cy) { requestAnimationFrame(watch); return; }
        const onRender = () => {
            if (cy.nodes().length === 0) return;
            cy.off('render', onRender);
            window.__firstFrame = {
                nodes: cy.nodes().length,
                picture: cy.png({ full: false, bg: '#ffffff' }),
            };
        };
        cy.on('render', onRender);
    };
    watch();
})()"""

NOW = """() => {
    const cy = document.querySelector('.loom-je-canvas').__cy;
    return { nodes: cy.nodes().length, edges: cy.edges().length,
             picture: cy.png({ full: false, bg: '#ffffff' }) };
}"""


def test_a_large_job_draws_its_view_first_and_keeps_it(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    job_id = int(ws.jobs.create(layered_job()).job_id)  # type: ignore[arg-type]
    editor_notebook(jupyter_lab, "large_canvas.ipynb", data, job_id)
    page.add_init_script(WATCH_FIRST_FRAME)
    open_and_run_notebook(page, jupyter_lab, "large_canvas.ipynb")
    wait_ready(page, TASKS)
    page.wait_for_function("() => window.__firstFrame !== null")
    first = page.evaluate("() => window.__firstFrame")
    # The first frame held the start of the job only ...
    assert 0 < first["nodes"] < TASKS / 2
    page.wait_for_selector(".loom-je-canvas[data-complete-at]")
    now = page.evaluate(NOW)
    shoot(page, "large-canvas.png")

    # ... and showed what the whole job shows in that view.
    assert now["nodes"] == TASKS
    assert str(now["edges"]) == page.locator(EDITOR).get_attribute("data-edge-count")
    assert first["picture"] == now["picture"]

    # A task far off the first view is there: the search finds it and brings it into view.
    search = page.locator(".loom-je-search input").first
    search.fill("t24_39")
    search.press("Enter")
    page.wait_for_function(
        """() => {
            const cy = document.querySelector('.loom-je-canvas').__cy;
            const node = cy.getElementById('t24_39');
            if (node.empty()) return false;
            const p = node.renderedPosition();
            return p.x > 0 && p.x < cy.width() && p.y > 0 && p.y < cy.height();
        }"""
    )
    shoot(page, "large-canvas-search.png")
    assert console.errors_from_our_code() == []
