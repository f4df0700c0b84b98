"""Python side of the JobGraph widget: traits, the bundle, and elements built from job settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ipywidgets
import pytest

from loom_jobs_widget._assets import bundle_path
from loom_jobs_widget.graph import JobGraph, job_elements
from loom_jobs_widget.graph import widget as widget_module
from loom_jobs_widget.graph.elements import (
    MAX_NODE_WIDTH,
    MIN_NODE_WIDTH,
    NODE_HEIGHT,
    ROUTES_BELOW,
    node_width,
    pretty_task_type,
)

THREE_TASKS: dict[str, Any] = {
    "name": "nightly_etl",
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {
            "task_key": "transform",
            "depends_on": [{"task_key": "ingest"}],
            "spark_python_task": {"python_file": "etl/transform.py"},
        },
        {
            "task_key": "publish",
            "depends_on": [{"task_key": "transform"}],
            "sql_task": {"warehouse_id": "abc", "query": {"query_id": "q1"}},
        },
    ],
}


def test_the_bundle_is_one_self_contained_module_sent_beside_a_small_loader() -> None:
    bundle = bundle_path("widget")
    assert bundle == Path(widget_module.__file__).parents[1] / "static" / "widget.js"
    text = bundle.read_text(encoding="utf-8")
    assert JobGraph()._bundle == text  # anywidget sends it to the browser with the widget
    assert "export" in text
    # No code-split chunks or CDN imports: the loader imports the text alone from a Blob URL.
    assert 'from"http' not in text.replace(" ", "")
    assert "import(" not in text
    loader = str(JobGraph._esm)
    assert loader == bundle_path("loader").read_text(encoding="utf-8")
    assert "_bundle" in loader and len(loader) < 2_000


def test_synced_traits() -> None:
    widget = JobGraph()
    synced = set(widget.keys)
    assert {"title", "elements"} <= synced
    assert widget.elements == {"nodes": [], "edges": []}
    assert widget.title == ""


def test_default_elements_are_not_shared() -> None:
    a, b = JobGraph(), JobGraph()
    a.elements["nodes"].append({"data": {"id": "x"}})
    assert b.elements == {"nodes": [], "edges": []}


def test_no_trait_clashes_with_ipywidgets() -> None:
    # A trait of ours with one of DOMWidget's names breaks the view in the widget manager.
    ours = set(JobGraph.class_own_traits()) - set(ipywidgets.DOMWidget.class_traits())
    assert {"title", "elements"} <= ours
    assert not ours & {"layout", "tabbable", "tooltip", "keys", "comm", "log"}


def test_from_settings_builds_nodes_and_edges() -> None:
    widget = JobGraph.from_settings(THREE_TASKS)
    assert widget.title == "nightly_etl"
    nodes = widget.elements["nodes"]
    assert [n["data"] for n in nodes] == [
        {
            "id": "ingest",
            "label": "ingest",
            "task_type": "notebook_task",
            "compute_kind": "serverless",
            "width": node_width("ingest", "notebook_task"),
        },
        {
            "id": "transform",
            "label": "transform",
            "task_type": "spark_python_task",
            "compute_kind": "serverless",
            "width": node_width("transform", "spark_python_task"),
        },
        {
            "id": "publish",
            "label": "publish",
            "task_type": "sql_task",
            "compute_kind": None,
            "width": node_width("publish", "sql_task"),
        },
    ]
    # Laid out: a chain is one row, left to right, starting at the top left corner.
    position = {n["data"]["id"]: n["position"] for n in nodes}
    assert position["ingest"]["x"] < position["transform"]["x"] < position["publish"]["x"]
    assert position["ingest"]["y"] == position["transform"]["y"] == position["publish"]["y"]
    assert position["ingest"] == {"x": nodes[0]["data"]["width"] / 2, "y": NODE_HEIGHT / 2}
    # Edges come in a stable order: by the dependent's task_key; straight ones have no route.
    assert [e["data"] for e in widget.elements["edges"]] == [
        {
            "id": "transform->publish",
            "source": "transform",
            "target": "publish",
            "outcome": None,
            "run_if": "ALL_SUCCESS",
        },
        {
            "id": "ingest->transform",
            "source": "ingest",
            "target": "transform",
            "outcome": None,
            "run_if": "ALL_SUCCESS",
        },
    ]


def test_node_width_fits_the_label_within_limits() -> None:
    assert node_width("a", None) == MIN_NODE_WIDTH
    assert node_width("x" * 200, "notebook_task") == MAX_NODE_WIDTH
    assert node_width("ingest_orders_daily", None) > node_width("ingest", None)
    # The type line counts too: "spark python" is wider than "ab".
    assert node_width("ab", "spark_python_task") > node_width("ab", None)
    assert pretty_task_type("spark_python_task") == "spark python"
    assert pretty_task_type(None) == "task"


def test_long_edges_are_routed_around_tasks() -> None:
    settings = {
        "tasks": [
            {"task_key": "a"},
            {"task_key": "b", "depends_on": [{"task_key": "a"}]},
            {"task_key": "c", "depends_on": [{"task_key": "b"}]},
            {"task_key": "d", "depends_on": [{"task_key": "c"}, {"task_key": "a"}]},
        ]
    }
    elements = job_elements(settings)
    position = {n["data"]["id"]: n["position"] for n in elements["nodes"]}
    edges = {(e["data"]["source"], e["data"]["target"]): e["data"] for e in elements["edges"]}
    assert "route" not in edges["a", "b"]
    route = edges["a", "d"]["route"]
    # Out of a to the right, down (or up) past b and c, along, then into d.
    assert len(route) == 4
    assert route[0][1] == position["a"]["y"] and route[-1][1] == position["d"]["y"]
    assert position["a"]["x"] < route[0][0] < position["b"]["x"]
    assert position["c"]["x"] < route[-1][0] < position["d"]["x"]
    assert abs(route[1][1] - position["b"]["y"]) >= NODE_HEIGHT / 2


def test_duplicate_task_keys_share_one_position() -> None:
    settings = {"tasks": [{"task_key": "a"}, {"task_key": "a"}, {"task_key": "b"}]}
    nodes = job_elements(settings)["nodes"]
    assert [n["data"]["id"] for n in nodes] == ["a", "a", "b"]
    assert nodes[0]["position"] == nodes[1]["position"] != nodes[2]["position"]


def test_from_settings_title_override_and_fallback() -> None:
    assert JobGraph.from_settings(THREE_TASKS, title="Other").title == "Other"
    assert JobGraph.from_settings({"tasks": []}).title == "Untitled job"


def test_condition_outcomes_and_fan_in() -> None:
    settings = {
        "tasks": [
            {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}},
            {"task_key": "yes", "depends_on": [{"task_key": "check", "outcome": "true"}]},
            {"task_key": "no", "depends_on": [{"task_key": "check", "outcome": "false"}]},
            {
                "task_key": "join",
                "run_if": "AT_LEAST_ONE_SUCCESS",
                "depends_on": [{"task_key": "yes"}, {"task_key": "no"}],
                "run_job_task": {"job_id": 1},
            },
        ]
    }
    elements = job_elements(settings)
    types = {n["data"]["id"]: n["data"]["task_type"] for n in elements["nodes"]}
    assert types == {"check": "condition_task", "yes": None, "no": None, "join": "run_job_task"}
    edges = {(e["data"]["source"], e["data"]["target"]): e["data"] for e in elements["edges"]}
    assert edges[("check", "yes")]["outcome"] == "true"
    assert edges[("check", "no")]["outcome"] == "false"
    assert edges[("check", "yes")]["id"] == "check->yes:true"
    assert set(edges) >= {("yes", "join"), ("no", "join")}
    assert len({e["data"]["id"] for e in elements["edges"]}) == len(elements["edges"])


@pytest.mark.parametrize("settings", [{}, {"tasks": None}, {"name": "empty", "tasks": []}])
def test_jobs_without_tasks(settings: dict[str, Any]) -> None:
    assert job_elements(settings) == {"nodes": [], "edges": []}


def test_settings_are_not_modified() -> None:
    import copy

    before = copy.deepcopy(THREE_TASKS)
    JobGraph.from_settings(THREE_TASKS)
    assert before == THREE_TASKS


def test_elements_survive_the_wire() -> None:
    # What the front end receives: the trait's JSON state.
    widget = JobGraph.from_settings(THREE_TASKS)
    state = widget.get_state()
    assert state["title"] == "nightly_etl"
    assert len(state["elements"]["nodes"]) == 3
    assert len(state["elements"]["edges"]) == 2
    assert json.loads(json.dumps(state["elements"])) == widget.elements


def test_a_1000_task_job_is_small_enough_to_sync() -> None:
    # A Databricks notebook drops messages over 5 MB; positions and routes add little.
    tasks = [{"task_key": f"task_{i:04d}", "notebook_task": {}} for i in range(1000)]
    for i in range(1, 1000):
        tasks[i]["depends_on"] = [{"task_key": f"task_{(i - 1) // 2:04d}"}]
    size = len(json.dumps(job_elements({"tasks": tasks})))
    assert size < 500_000


def test_big_jobs_are_sent_without_routes() -> None:
    # The view draws straight edges from ROUTES_BELOW tasks on: the routes would be dead weight.
    def job(count: int) -> dict[str, Any]:
        """A chain of `count` tasks, and t0 -> t2 passing t1."""
        tasks: list[dict[str, Any]] = [{"task_key": "t0"}]
        tasks += [{"task_key": f"t{i}", "depends_on": [{"task_key": f"t{i - 1}"}]}
                  for i in range(1, count)]  # fmt: skip
        tasks[2]["depends_on"].append({"task_key": "t0"})
        return {"tasks": tasks}

    small = job_elements(job(ROUTES_BELOW - 1))["edges"]
    big = job_elements(job(ROUTES_BELOW))["edges"]
    assert any("route" in edge["data"] for edge in small)
    assert not any("route" in edge["data"] for edge in big)
