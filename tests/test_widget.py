"""Python side of the JobGraph widget: traits, the bundle, and elements built from job settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets
import pytest

from loom_jobs_widget import widget as widget_module
from loom_jobs_widget.graph import job_elements
from loom_jobs_widget.widget import JobGraph

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


def test_bundle_is_one_self_contained_module() -> None:
    bundle = widget_module._BUNDLE
    assert bundle == Path(widget_module.__file__).parent / "static" / "widget.js"
    text = bundle.read_text(encoding="utf-8")
    assert str(JobGraph._esm) == text  # anywidget sends this file to the browser
    assert "export" in text
    # No code-split chunks or CDN imports: anywidget loads the file alone from a Blob URL.
    assert 'from"http' not in text.replace(" ", "")
    assert "import(" not in text


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
    assert widget.elements["nodes"] == [
        {
            "data": {
                "id": "ingest",
                "label": "ingest",
                "task_type": "notebook_task",
                "compute_kind": "serverless",
            }
        },
        {
            "data": {
                "id": "transform",
                "label": "transform",
                "task_type": "spark_python_task",
                "compute_kind": "serverless",
            }
        },
        {
            "data": {
                "id": "publish",
                "label": "publish",
                "task_type": "sql_task",
                "compute_kind": None,
            }
        },
    ]
    # Edges come in a stable order: by the dependent's task_key.
    assert [e["data"] for e in widget.elements["edges"]] == [
        {"id": "transform->publish", "source": "transform", "target": "publish", "outcome": None},
        {"id": "ingest->transform", "source": "ingest", "target": "transform", "outcome": None},
    ]


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
