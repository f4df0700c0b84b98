"""Loading a document into the models: what the copy of the input keeps apart, values of other
types than JSON's, and a field removed after loading."""

from __future__ import annotations

import array
import copy
import gc
import json
from collections import OrderedDict
from typing import Any

import pytest

from loom_jobs_widget.core.models import JobSettings, Task
from loom_jobs_widget.core.validation import validate


def test_one_object_given_twice_loads_as_two_that_change_apart() -> None:
    # A document built in Python often reuses one dict; each task must still own its copy.
    shared: dict[str, Any] = {"spot": [1], "zone": "a"}
    document = {
        "tasks": [
            {"task_key": "a", "notebook_task": {"notebook_path": "/n"}, "custom": shared},
            {"task_key": "b", "notebook_task": {"notebook_path": "/n"}, "custom": shared},
        ],
        "extra": [shared, shared],
    }
    original = copy.deepcopy(document)
    settings = JobSettings.from_api(document)
    first, second = settings.task_list
    first.api_fields()["custom"]["spot"].append(2)
    assert second.api_fields()["custom"] == {"spot": [1], "zone": "a"}
    settings.api_fields()["extra"][0]["zone"] = "b"
    assert settings.api_fields()["extra"][1] == {"spot": [1], "zone": "a"}
    assert document == original


def test_values_json_does_not_have_load_as_before() -> None:
    # validate() takes any Mapping from a notebook: tuples, mapping subclasses, other objects.
    marker = object()
    document: dict[str, Any] = {
        "name": "odd",
        "tags": OrderedDict([("team", "x")]),
        "tasks": [{"task_key": "a", "notebook_task": {"notebook_path": "/n"}, "pair": (1, 2)}],
        "thing": marker,
    }
    settings = JobSettings.from_api(document)
    out = settings.to_api()
    assert out["tags"] == {"team": "x"}
    assert out["tasks"][0]["pair"] == (1, 2)
    assert out["thing"] is marker
    assert list(out) == ["name", "tags", "tasks", "thing"]
    assert [p.code for p in validate(document) if p.code == "validator-failure"] == []


def test_a_value_with_a_buffer_is_kept_as_it_is_not_as_bytes() -> None:
    # A numpy number has a buffer too: a notebook may pass one as timeout_seconds.
    weights = array.array("q", [3])
    document = {"timeout_seconds": weights, "tasks": [{"task_key": "a", "w": array.array("d")}]}
    out = JobSettings.from_api(document).to_api()
    assert out["timeout_seconds"] is weights
    assert type(out["tasks"][0]["w"]) is array.array


def test_a_mapping_that_is_not_a_dict_loads_in_its_order() -> None:
    document: OrderedDict[str, Any] = OrderedDict(
        [("tasks", [{"task_key": "a", "zz": {"k": [1]}}]), ("name", "n")]
    )
    settings = JobSettings.from_api(document)
    assert list(settings.to_api()) == ["tasks", "name"]
    settings.task_list[0].api_fields()["zz"]["k"].append(2)
    assert document["tasks"][0]["zz"] == {"k": [1]}


def test_an_unknown_field_removed_after_loading_is_gone_from_the_fields() -> None:
    task = Task.from_api(
        {"task_key": "a", "zz": {"q": 1}, "notebook_task": {"notebook_path": "/n"}}
    )
    task.unset("zz")
    assert list(task.api_fields()) == ["task_key", "notebook_task"]
    assert task.task_type == "notebook_task"
    assert task.to_api() == {"task_key": "a", "notebook_task": {"notebook_path": "/n"}}
    settings = JobSettings(tasks=[task])
    assert validate(settings) == []


def test_models_made_in_python_keep_the_order_they_were_given() -> None:
    task = Task(
        timeout_seconds=5, task_key="a", notebook_task={"source": "GIT", "notebook_path": "/n"}
    )
    assert list(task.api_fields()) == ["timeout_seconds", "task_key", "notebook_task"]
    assert list(task.to_api()["notebook_task"]) == ["source", "notebook_path"]
    loaded = Task.model_validate({"run_if": "ALL_DONE", "task_key": "b"})
    assert list(loaded.to_api()) == ["run_if", "task_key"]
    copied = loaded.model_copy(deep=True)
    assert copied == loaded
    assert list(copied.to_api()) == ["run_if", "task_key"]


def test_a_document_handed_over_is_kept_as_it_is_and_one_lent_is_copied() -> None:
    def document() -> dict[str, Any]:
        return {
            "tasks": [
                {
                    "zz": {"k": [1]},
                    "task_key": "a",
                    "notebook_task": {"source": "GIT", "notebook_path": "/n"},
                    "depends_on": [{"outcome": "true", "task_key": "c"}, "odd"],
                },
                "not a task",
            ],
            "name": "n",
        }

    handed = document()
    owned = JobSettings.from_api(handed, owned=True)
    assert json.dumps(owned.to_api()) == json.dumps(document())  # the order of every object too
    assert owned.task_list[0].api_fields()["zz"] is handed["tasks"][0]["zz"]
    lent = document()
    copied = JobSettings.from_api(lent)
    assert json.dumps(copied.to_api()) == json.dumps(document())
    copied.task_list[0].api_fields()["zz"]["k"].append(2)
    assert lent == document()


def test_loading_leaves_the_garbage_collector_as_it_was() -> None:
    document = {"tasks": [{"task_key": "a", "notebook_task": {"notebook_path": "/n"}}]}
    assert gc.isenabled()
    JobSettings.from_api(document)
    assert gc.isenabled()
    gc.disable()
    try:
        JobSettings.from_api(document)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RecursionError):  # deeper than any loader takes
        JobSettings.from_api(_nested(100_000))
    assert gc.isenabled()


def _nested(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {}
    inner = document
    for _ in range(depth):
        inner["x"] = {}
        inner = inner["x"]
    return document
