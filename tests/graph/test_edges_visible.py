"""Every dependency stays visible: drawn the way the views draw it from `job_elements` (along its
``route`` when it has one, else level, else as a taxi line turning halfway between its tasks),
no edge of any job of the corpus passes under a task it does not connect. A dependency that
skips a task (ingest -> publish beside ingest -> transform -> publish) would otherwise be drawn
through the task between its ends and read as a plain chain."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from loom_jobs_widget.graph import Elements, job_elements
from loom_jobs_widget.graph.elements import EDITOR_ICON_ROOM, NODE_HEIGHT

from ..corpus import corpus_files, corpus_settings

Point = tuple[float, float]
Box = tuple[float, float, float, float]

# The editor draws a box up to this much wider than the layout's width (its type icon and problem
# badge eat into the gap between layers: js/src/editor/canvas-nodes.ts, ICON_ROOM + BADGE_ROOM).
EDITOR_OVERDRAW = 30.0 + 24.0


def drawn_polyline(source: Box, target: Box, route: list[list[float]]) -> list[Point]:
    """The line a view draws for an edge between two boxes: through the route's bends; level;
    or a "taxi" line turning halfway between the boxes (cytoscape ``taxi-turn: 50%``)."""
    start = ((source[0] + source[2]) / 2, (source[1] + source[3]) / 2)
    end = ((target[0] + target[2]) / 2, (target[1] + target[3]) / 2)
    if route:
        return [start, *((x, y) for x, y in route), end]
    if abs(start[1] - end[1]) <= 0.5:
        return [start, end]
    turn = (source[2] + target[0]) / 2
    return [start, (turn, start[1]), (turn, end[1]), end]


def crosses(a: Point, b: Point, box: Box) -> bool:
    """Whether a horizontal or vertical segment runs through the inside of a box (a slanted one
    always counts: the views draw none)."""
    left, top, right, bottom = box
    (x1, y1), (x2, y2) = a, b
    if abs(x1 - x2) <= 0.5:
        return left < x1 < right and min(y1, y2) < bottom and top < max(y1, y2)
    if abs(y1 - y2) <= 0.5:
        return top < y1 < bottom and min(x1, x2) < right and left < max(x1, x2)
    return True


def task_boxes(elements: Elements, overdraw: float = 0.0) -> dict[str, Box]:
    """left, top, right, bottom of every task's box, drawn ``overdraw`` wider than laid out."""
    boxes: dict[str, Box] = {}
    for node in elements["nodes"]:
        half_w, half_h = (node["data"]["width"] + overdraw) / 2, NODE_HEIGHT / 2
        x, y = node["position"]["x"], node["position"]["y"]
        boxes[node["data"]["id"]] = (x - half_w, y - half_h, x + half_w, y + half_h)
    return boxes


def hidden_edges(settings: dict[str, Any], *, icon_room: float, overdraw: float) -> list[str]:
    """One "<edge> under <task>" per drawn edge of the job that passes under another task."""
    elements = job_elements(settings, icon_room=icon_room)
    boxes = task_boxes(elements, overdraw)
    found = []
    for edge in elements["edges"]:
        data = edge["data"]
        source, target = data["source"], data["target"]
        if source not in boxes or target not in boxes or source == target:
            continue  # drawn by no view
        line = drawn_polyline(boxes[source], boxes[target], data.get("route", []))
        for a, b in itertools.pairwise(line):
            for key, box in boxes.items():
                if key not in (source, target) and crosses(a, b, box):
                    found.append(f"{data['id']} under {key}")
    return sorted(set(found))


SKIPPING: dict[str, Any] = {
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/n"}},
        {"task_key": "transform", "depends_on": [{"task_key": "ingest"}],
         "notebook_task": {"notebook_path": "/n"}},
        {"task_key": "publish", "depends_on": [{"task_key": "transform"}, {"task_key": "ingest"}],
         "notebook_task": {"notebook_path": "/n"}},
    ]
}  # fmt: skip


def test_an_edge_that_skips_a_task_is_routed_around_it() -> None:
    elements = job_elements(SKIPPING)
    skip = next(e["data"] for e in elements["edges"] if e["data"]["id"] == "ingest->publish")
    assert skip.get("route"), "ingest -> publish would be drawn straight through transform"
    assert hidden_edges(SKIPPING, icon_room=0.0, overdraw=0.0) == []
    # The check itself sees an edge through a task: the same edge without its route.
    boxes = task_boxes(elements)
    plain = drawn_polyline(boxes["ingest"], boxes["publish"], [])
    assert any(crosses(a, b, boxes["transform"]) for a, b in itertools.pairwise(plain))


@pytest.mark.parametrize("name", corpus_files())
def test_no_edge_of_a_corpus_job_passes_under_a_task(name: str) -> None:
    settings = corpus_settings(name)
    # The JobGraph draws boxes the layout's width at most; the editor's icon widens them.
    assert hidden_edges(settings, icon_room=0.0, overdraw=0.0) == []
    assert hidden_edges(settings, icon_room=EDITOR_ICON_ROOM, overdraw=EDITOR_OVERDRAW) == []
