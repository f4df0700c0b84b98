"""JobGraph in a real JupyterLab: what a user sees once the notebook has run."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from .conftest import (
    SCREENSHOT_DIR,
    ConsoleLog,
    JupyterLab,
    open_and_run_notebook,
    run_in_kernel,
    write_notebook,
)

pytestmark = pytest.mark.browser

THREE_TASK_CELL = """\
from loom_jobs_widget.graph import JobGraph

settings = {
    "name": "nightly_etl",
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {"task_key": "transform", "depends_on": [{"task_key": "ingest"}],
         "spark_python_task": {"python_file": "etl/transform.py"}},
        {"task_key": "publish", "depends_on": [{"task_key": "transform"}],
         "sql_task": {"warehouse_id": "abc", "query": {"query_id": "q1"}}},
    ],
}
graph = JobGraph.from_settings(settings)
graph
"""

WIDGET = ".jp-OutputArea-output .loom-jg"

# Read through the page: the cytoscape instance is on the canvas container as `__cy`.
GRAPH_STATE = """(root) => {
    const cy = root.querySelector('.loom-jg-canvas').__cy;
    const box = root.querySelector('.loom-jg-canvas').getBoundingClientRect();
    return {
        nodes: cy.nodes().map((n) => ({
            id: n.id(),
            x: n.renderedPosition().x,
            y: n.renderedPosition().y,
            w: n.renderedWidth(),
            h: n.renderedHeight(),
        })),
        edges: cy.edges().map((e) => [e.source().id(), e.target().id()]),
        width: box.width,
        height: box.height,
        zoom: cy.zoom(),
    };
}"""


def _wait_for_layout(page: Any, count: int = 1) -> Any:
    widget = page.wait_for_selector(WIDGET, timeout=60_000)
    assert len(page.query_selector_all(WIDGET)) == 1, "expected the one widget of this notebook"
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel)?.dataset.layoutCount ?? 0) >= n",
        arg=[WIDGET, count],
    )
    return widget


def _assert_no_errors(console: ConsoleLog) -> None:
    assert console.errors_from_our_code() == []
    assert console.warnings_from_our_code() == []


def test_three_task_job_renders(page: Any, jupyter_lab: JupyterLab, console: ConsoleLog) -> None:
    write_notebook(jupyter_lab, "renders.ipynb", [THREE_TASK_CELL])
    open_and_run_notebook(page, jupyter_lab, "renders.ipynb")
    widget = _wait_for_layout(page)

    header = widget.query_selector(".loom-jg-header").inner_text()
    assert "nightly_etl" in header
    assert "3 tasks" in header

    canvases = widget.query_selector_all(".loom-jg-canvas canvas")
    assert canvases, "cytoscape drew no canvas"
    box = canvases[0].bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100

    state = widget.evaluate(GRAPH_STATE)
    assert sorted(n["id"] for n in state["nodes"]) == ["ingest", "publish", "transform"]
    assert sorted(state["edges"]) == [["ingest", "transform"], ["transform", "publish"]]
    # Left to right, every node fully inside the visible canvas.
    x = {n["id"]: n["x"] for n in state["nodes"]}
    assert x["ingest"] < x["transform"] < x["publish"]
    for node in state["nodes"]:
        assert node["w"] / 2 <= node["x"] <= state["width"] - node["w"] / 2, node
        assert node["h"] / 2 <= node["y"] <= state["height"] - node["h"] / 2, node

    # A click on a node (at its rendered position) selects it.
    canvas_box = widget.query_selector(".loom-jg-canvas").bounding_box()
    transform = next(n for n in state["nodes"] if n["id"] == "transform")
    page.mouse.click(canvas_box["x"] + transform["x"], canvas_box["y"] + transform["y"])
    page.wait_for_function(
        "(sel) => document.querySelector(sel).__cy.$(':selected').map((n) => n.id()).join()"
        " === 'transform'",
        arg=f"{WIDGET} .loom-jg-canvas",
    )
    page.mouse.click(canvas_box["x"] + 5, canvas_box["y"] + 5)  # unselect again

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    widget.screenshot(path=str(SCREENSHOT_DIR / "widget.png"))
    page.screenshot(path=str(SCREENSHOT_DIR / "jupyterlab.png"))

    # A plain wheel over the graph is left to the notebook; Ctrl + wheel zooms the graph.
    zoom = widget.evaluate(GRAPH_STATE)["zoom"]
    page.mouse.move(canvas_box["x"] + transform["x"], canvas_box["y"] + transform["y"])
    page.mouse.wheel(0, -200)
    page.wait_for_timeout(200)
    assert widget.evaluate(GRAPH_STATE)["zoom"] == zoom
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_function(
        "([sel, z]) => document.querySelector(sel).__cy.zoom() > z * 1.2",
        arg=[f"{WIDGET} .loom-jg-canvas", zoom],
    )
    _assert_no_errors(console)


def test_python_changes_reach_the_view(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog
) -> None:
    write_notebook(jupyter_lab, "updates.ipynb", [THREE_TASK_CELL])
    open_and_run_notebook(page, jupyter_lab, "updates.ipynb")
    widget = _wait_for_layout(page)

    run_in_kernel(
        page,
        """
settings["name"] = "nightly_etl_v2"
settings["tasks"].append(
    {"task_key": "notify", "depends_on": [{"task_key": "publish"}, {"task_key": "ingest"}],
     "run_job_task": {"job_id": 7}}
)
new = JobGraph.from_settings(settings)
graph.title = new.title
graph.elements = new.elements
""",
    )
    _wait_for_layout(page, count=2)
    header = widget.query_selector(".loom-jg-header").inner_text()
    assert "nightly_etl_v2" in header
    assert "4 tasks" in header
    state = widget.evaluate(GRAPH_STATE)
    assert len(state["nodes"]) == 4
    assert len(state["edges"]) == 4

    # Elements made by hand, without positions: the view lays them out itself.
    run_in_kernel(
        page,
        """graph.elements = {
    "nodes": [{"data": {"id": k, "label": k}} for k in ("a", "b", "c")],
    "edges": [{"data": {"source": "a", "target": "b"}}, {"data": {"source": "b", "target": "c"}}],
}""",
    )
    _wait_for_layout(page, count=3)
    state = widget.evaluate(GRAPH_STATE)
    x = {n["id"]: n["x"] for n in state["nodes"]}
    assert x["a"] < x["b"] < x["c"]
    for node in state["nodes"]:
        assert node["w"] / 2 <= node["x"] <= state["width"] - node["w"] / 2, node

    run_in_kernel(page, "graph.elements = {'nodes': [], 'edges': []}")
    _wait_for_layout(page, count=4)
    assert "0 tasks" in widget.query_selector(".loom-jg-header").inner_text()
    assert widget.query_selector(".loom-jg-empty").is_visible()
    _assert_no_errors(console)


BRANCHING_CELL = """\
from loom_jobs_widget.graph import JobGraph

def task(key, kind, *upstream):
    depends_on = [{"task_key": u} if isinstance(u, str) else {"task_key": u[0], "outcome": u[1]}
                  for u in upstream]
    return {"task_key": key, kind: {}, **({"depends_on": depends_on} if depends_on else {})}

JobGraph.from_settings({"name": "branching_etl", "tasks": [
    task("ingest", "notebook_task"),
    task("orders_raw", "spark_python_task", "ingest"),
    task("customers_raw", "spark_python_task", "ingest"),
    task("events_raw", "pipeline_task", "ingest"),
    task("orders_clean", "notebook_task", "orders_raw"),
    task("customers_clean", "notebook_task", "customers_raw"),
    task("sessionize", "sql_task", "events_raw"),
    task("join_all", "sql_task", "orders_clean", "customers_clean", "sessionize"),
    task("quality_ok", "condition_task", "join_all"),
    task("publish_gold", "notebook_task", ("quality_ok", "true")),
    task("alert_team", "run_job_task", ("quality_ok", "false")),
    task("daily_report", "dbt_task", "publish_gold", "customers_clean"),
]})
"""

# On screen: each node's box, and each edge as the polyline cytoscape draws (its ends and, for
# routed edges, its bends), in the canvas's pixels.
DRAWING = """(root) => {
    const cy = root.querySelector('.loom-jg-canvas').__cy;
    const toScreen = (p) => {
        const z = cy.zoom(), pan = cy.pan();
        return { x: p.x * z + pan.x, y: p.y * z + pan.y };
    };
    return {
        boxes: cy.nodes().map((n) => ({ id: n.id(), ...n.renderedBoundingBox({
            includeLabels: false, includeOverlays: false }) })),
        edges: cy.edges().map((e) => ({
            source: e.source().id(),
            target: e.target().id(),
            label: e.data('outcome') ?? null,
            points: [e.sourceEndpoint(), ...(e.segmentPoints() ?? []), e.targetEndpoint()]
                .map(toScreen),
        })),
    };
}"""


def _segment_crosses_box(a: dict[str, float], b: dict[str, float], box: dict[str, Any]) -> bool:
    """Whether a horizontal or vertical segment passes through the inside of a box (2 px in)."""
    left, right, top, bottom = box["x1"] + 2, box["x2"] - 2, box["y1"] + 2, box["y2"] - 2
    low_x, high_x = min(a["x"], b["x"]), max(a["x"], b["x"])
    low_y, high_y = min(a["y"], b["y"]), max(a["y"], b["y"])
    return low_x < right and left < high_x and low_y < bottom and top < high_y


def test_branching_job_reads_left_to_right_without_overlaps(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog
) -> None:
    write_notebook(jupyter_lab, "branching.ipynb", [BRANCHING_CELL])
    open_and_run_notebook(page, jupyter_lab, "branching.ipynb")
    widget = _wait_for_layout(page)
    assert "12 tasks · 14 dependencies" in widget.query_selector(".loom-jg-header").inner_text()
    drawing = widget.evaluate(DRAWING)
    boxes = {b["id"]: b for b in drawing["boxes"]}
    assert len(boxes) == 12

    # No two tasks overlap.
    ids = sorted(boxes)
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            a, b = boxes[first], boxes[second]
            apart = a["x2"] <= b["x1"] or b["x2"] <= a["x1"]
            apart = apart or a["y2"] <= b["y1"] or b["y2"] <= a["y1"]
            assert apart, f"{first} overlaps {second}"

    # Every dependency leaves its task on the right, enters the next on the left, and crosses
    # no other task on the way (the long customers_clean -> daily_report one included).
    for edge in drawing["edges"]:
        source, target = boxes[edge["source"]], boxes[edge["target"]]
        points = edge["points"]
        assert points[0]["x"] >= source["x2"] - 2, edge
        assert points[-1]["x"] <= target["x1"] + 2, edge
        for a, b in itertools.pairwise(points):
            for key, other in boxes.items():
                if key not in (edge["source"], edge["target"]):
                    assert not _segment_crosses_box(a, b, other), f"{edge} crosses {key}"
    long_edge = next(e for e in drawing["edges"] if e["target"] == "daily_report"
                     and e["source"] == "customers_clean")  # fmt: skip
    assert len(long_edge["points"]) > 2, "the long edge should bend around the tasks"
    outcomes = sorted(e["label"] for e in drawing["edges"] if e["label"])
    assert outcomes == ["false", "true"]

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    widget.screenshot(path=str(SCREENSHOT_DIR / "layout-branching-jupyterlab.png"))
    _assert_no_errors(console)
