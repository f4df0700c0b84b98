"""ipycytoscape interop: the job as Cytoscape elements JSON, and an ipycytoscape widget of it."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import validate
from loom_jobs_widget.graph import cytoscape_json, job_elements, to_ipycytoscape
from loom_jobs_widget.graph.interop import INSTALL_HINT

SETTINGS: dict[str, Any] = {
    "name": "nightly",
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {"task_key": "check", "depends_on": [{"task_key": "ingest"}],
         "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}},
        {"task_key": "publish", "depends_on": [{"task_key": "check", "outcome": "true"}],
         "spark_python_task": {"python_file": "/etl/publish.py"}, "disabled": True},
    ],
}  # fmt: skip


def test_json_is_the_canvas_elements_with_positions() -> None:
    elements = cytoscape_json(SETTINGS)
    assert elements == job_elements(SETTINGS)
    assert [n["data"]["id"] for n in elements["nodes"]] == ["ingest", "check", "publish"]
    for node in elements["nodes"]:
        assert set(node) == {"data", "position"}
        assert node["data"]["label"] == node["data"]["id"]
        assert isinstance(node["position"]["x"], float)
    xs = [n["position"]["x"] for n in elements["nodes"]]
    assert xs == sorted(xs) and len(set(xs)) == 3  # left to right, one layer each
    edges = {e["data"]["id"]: e["data"] for e in elements["edges"]}
    assert edges["check->publish:true"]["outcome"] == "true"
    assert edges["ingest->check"] == {
        "id": "ingest->check", "source": "ingest", "target": "check", "outcome": None,
        "run_if": "ALL_SUCCESS",
    }  # fmt: skip
    assert elements["nodes"][2]["data"]["disabled"] is True
    json.dumps(elements)  # plain JSON


def test_json_from_a_model_problems_and_states() -> None:
    settings = JobSettings.from_api(
        {"name": "x", "tasks": [{"task_key": "a"},
                                {"task_key": "b", "depends_on": [{"task_key": "a"}]}]}
    )
    elements = cytoscape_json(settings, problems=validate(settings), states={"a": "SUCCESS"})
    data = {n["data"]["id"]: n["data"] for n in elements["nodes"]}
    assert data["a"]["state"] == "SUCCESS"
    assert data["a"].get("errors", 0) >= 1  # a task without a type


def test_json_is_a_copy_and_drops_what_cytoscape_refuses() -> None:
    settings = {
        "name": "broken",
        "tasks": [
            {"task_key": "a", "notebook_task": {"notebook_path": "/a"}},
            {"task_key": "a", "notebook_task": {"notebook_path": "/a2"}},
            {"task_key": "b", "depends_on": [{"task_key": "a"}, {"task_key": "ghost"}]},
        ],
    }
    elements = cytoscape_json(settings)
    assert [n["data"]["id"] for n in elements["nodes"]] == ["a", "b"]
    assert [e["data"]["id"] for e in elements["edges"]] == ["a->b"]
    elements["nodes"][0]["data"]["label"] = "changed"
    assert cytoscape_json(settings)["nodes"][0]["data"]["label"] == "a"
    assert cytoscape_json({"name": "empty"}) == {"nodes": [], "edges": []}


def test_widget_without_the_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipycytoscape", None)  # import raises ImportError
    with pytest.raises(ImportError, match=r"loom-jobs-widget\[ipycytoscape\]") as raised:
        to_ipycytoscape(SETTINGS)
    assert INSTALL_HINT in str(raised.value)


def test_widget_holds_the_graph_at_our_positions() -> None:
    ipycytoscape = pytest.importorskip("ipycytoscape")
    widget = to_ipycytoscape(SETTINGS)
    assert isinstance(widget, ipycytoscape.CytoscapeWidget)
    elements = cytoscape_json(SETTINGS)
    nodes = {node.data["id"]: node for node in widget.graph.nodes}
    assert list(nodes) == ["ingest", "check", "publish"]
    for expected in elements["nodes"]:
        node = nodes[expected["data"]["id"]]
        assert dict(node.position) == expected["position"]
        assert node.data["task_type"] == expected["data"]["task_type"]
    pairs = {(e.data["source"], e.data["target"]) for e in widget.graph.edges}
    assert pairs == {("ingest", "check"), ("check", "publish")}
    assert all("directed" in edge.classes for edge in widget.graph.edges)
    assert widget.cytoscape_layout["name"] == "preset"  # our layout, not cytoscape's
    assert any(rule["selector"] == "node" for rule in widget.cytoscape_style)
