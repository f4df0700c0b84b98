"""What the browser tests do on the widget's page, in one place: write a notebook that opens an
editor, find a task on the canvas once it has settled, drag an edge, wait for the editor, and
check a view with axe-core.

axe-core (a devDependency of js/, `js/node_modules/axe-core/axe.min.js`) is injected into the
page and run on our widget's own element only, not on JupyterLab's chrome around it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .lab import JupyterLab, write_notebook

__all__ = [
    "AXE",
    "axe_script",
    "axe_violations",
    "drag",
    "editor_notebook",
    "node_point",
    "wait_ready",
]

EDITOR = ".loom-je"
AXE = Path(__file__).resolve().parents[2] / "js" / "node_modules" / "axe-core" / "axe.min.js"

# axe's rules about a whole page (one main landmark, a page title...) say nothing of a widget
# drawn inside another application's page.
_PAGE_RULES = ["region", "landmark-one-main", "page-has-heading-one", "document-title",
               "html-has-lang", "bypass"]  # fmt: skip

# A task's point once the canvas has stopped moving: the same container box and node position
# for three frames in a row (a resize of the page moves the canvas, then cytoscape refits), in
# the window (scrolled to, as a user scrolls the notebook), and the canvas is what is on top
# there (not the task panel or a dialog).
_SETTLED_POINT = """async (key) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const scroller = (element) => {
        for (let e = element.parentElement; e; e = e.parentElement) {
            const overflow = getComputedStyle(e).overflowY;
            if ((overflow === 'auto' || overflow === 'scroll') && e.scrollHeight > e.clientHeight) {
                return e;
            }
        }
        return document.scrollingElement;
    };
    const deadline = performance.now() + 5000;
    let last = '', same = 0, point = null, why = 'the canvas did not settle';
    while (performance.now() < deadline) {
        await frame();
        const container = document.querySelector('.loom-je-canvas');
        const node = container && container.__cy ? container.__cy.getElementById(key) : null;
        if (!node || node.empty()) { why = `task ${key} is not on the canvas`; same = 0; continue; }
        const rect = container.getBoundingClientRect();
        const p = node.renderedPosition();
        point = [rect.left + p.x, rect.top + p.y];
        const now = JSON.stringify([rect.left, rect.top, rect.width, rect.height, point]);
        same = now === last ? same + 1 : 0;
        last = now;
        if (same < 3) continue;
        const inside = point[0] > rect.left && point[0] < rect.right
            && point[1] > rect.top && point[1] < rect.bottom;
        if (inside && (point[1] < 0 || point[1] > window.innerHeight)) {
            scroller(container).scrollTop += point[1] - window.innerHeight / 2;
            same = 0;
            continue;
        }
        const top = document.elementFromPoint(point[0], point[1]);
        if (inside && top && container.contains(top)) return { point };
        const over = top ? top.className || top.tagName : 'nothing';
        why = `task ${key} is drawn at ${point.map(Math.round)}, hidden `
            + (inside ? `under ${over}` : 'off the canvas');
        same = 0;
    }
    return { why };
}"""


def editor_notebook(lab: JupyterLab, name: str, data: Path, job_id: int) -> None:
    """A notebook of one cell that opens job `job_id` of the local workspace in `data`."""
    write_notebook(
        lab,
        name,
        [
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "editor",
        ],
    )


def node_point(page: Any, key: str) -> tuple[float, float]:
    """Where task `key` is drawn on the screen (cytoscape draws on a canvas), once the canvas
    has settled and the node is visible: what a user would click."""
    found = page.evaluate(_SETTLED_POINT, key)
    assert "point" in found, found["why"]
    return float(found["point"][0]), float(found["point"][1])


def drag(page: Any, source: str, target: str) -> None:
    """Drag from task `source` to task `target`, as a user draws a dependency."""
    x0, y0 = node_point(page, source)
    x1, y1 = node_point(page, target)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2 + 15, steps=6)
    page.mouse.move(x1, y1, steps=6)
    page.mouse.up()


def wait_ready(page: Any, nodes: int) -> None:
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="{nodes}"]')


def axe_script() -> Path:
    """axe-core's script; skipped (failed on CI) when js/'s devDependencies are missing."""
    if AXE.exists():
        return AXE
    message = f"{AXE} is missing: run `npm ci` in js/ (axe-core is a devDependency)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def axe_violations(page: Any, selector: str, view: str) -> list[str]:
    """axe-core's violations inside the element at `selector`, one readable line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    results = page.evaluate(
        """async ([selector, skip]) => {
            const root = document.querySelector(selector);
            if (!root) throw new Error(`${selector} is not on the page`);
            const rules = Object.fromEntries(skip.map((id) => [id, { enabled: false }]));
            const result = await window.axe.run(root, { resultTypes: ['violations'], rules });
            const violations = result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary,
                                             html: n.html.slice(0, 160) })),
            }));
            return { violations, passed: result.passes.length };
        }""",
        [selector, _PAGE_RULES],
    )
    # Rules passed: the scope held the view (an empty or missing scope passes nothing).
    assert results["passed"] > 5, (view, results)
    lines: list[str] = []
    for violation in results["violations"]:
        lines.append(f"[{view}] {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:6]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  {node['html']}\n      {summary}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    ... and {len(violation['nodes']) - 6} more")
    return lines
