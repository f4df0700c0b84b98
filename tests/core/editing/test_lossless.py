"""Edits return new settings that share the untouched tasks, change exactly what was asked, and
leave the given settings alone."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core.editing import (
    DELETE,
    add_dependency,
    add_task,
    clone_task,
    remove_dependency,
    remove_tasks,
    rename_task,
    replace_task,
    set_job_field,
    set_task_field,
    set_task_type,
)
from loom_jobs_widget.core.models import JobSettings, Task

from ...corpus import corpus_files, corpus_settings
from .helpers import differences, dumped, sample, task

EDITS: dict[str, Callable[[JobSettings], object]] = {
    "set_task_field": lambda s: set_task_field(s, "clean", ["notebook_task", "x", "y"], 1),
    "set_task_field DELETE": lambda s: set_task_field(s, "clean", ["job_cluster_key"]),
    "set_job_field": lambda s: set_job_field(s, ["schedule", "timezone_id"], "UTC"),
    "set_job_field DELETE": lambda s: set_job_field(s, ["name"]),
    "replace_task": lambda s: replace_task(s, "clean", task("clean")),
    "set_task_type": lambda s: set_task_type(s, "check", "notebook_task"),
    "add_task": lambda s: add_task(s, after=["check", "clean"]),
    "remove_tasks": lambda s: remove_tasks(s, ["load", "check"]),
    "clone_task": lambda s: clone_task(s, "loop"),
    "rename_task": lambda s: rename_task(s, "load", "ingest"),
    "add_dependency": lambda s: add_dependency(s, "load", "publish"),
    "remove_dependency": lambda s: remove_dependency(s, "check", "publish"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_no_edit_changes_the_settings_it_is_given(edit: Callable[[JobSettings], object]) -> None:
    before = sample()
    document = dumped(before)
    tasks = list(before.task_list)
    task_documents = [json.dumps(t.to_api()) for t in tasks]
    edit(before)
    assert dumped(before) == document
    assert before.task_list == tasks and all(
        a is b for a, b in zip(before.task_list, tasks, strict=True)
    )
    assert [json.dumps(t.to_api()) for t in tasks] == task_documents


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_every_edit_gives_settings_that_load_back_as_they_are(
    edit: Callable[[JobSettings], object],
) -> None:
    result = edit(sample())
    new = result[0] if isinstance(result, tuple) else result
    assert isinstance(new, JobSettings)
    # Models equal to what loading their own JSON gives: the same fields set, the same key order.
    assert JobSettings.from_api(new.to_api()) == new
    assert dumped(JobSettings.from_api(new.to_api())) == dumped(new)


def test_an_edit_shares_every_task_it_did_not_change() -> None:
    before = sample()
    after = set_task_field(before, "clean", ["timeout_seconds"], 60)
    assert after is not before
    for old, new in zip(before.task_list, after.task_list, strict=True):
        assert (new is old) == (old.task_key != "clean")
    assert after.job_clusters is before.job_clusters


def test_the_new_settings_keep_unknown_fields_odd_values_and_key_order() -> None:
    document: dict[str, Any] = {
        "zz_unknown": {"b": 1, "a": [None, {"deep": True}]},
        "tasks": [
            {
                "notebook_task": {"base_parameters": {"b": "1", "a": 2}, "notebook_path": "/n"},
                "timeout_seconds": "${var.timeout}",
                "task_key": "t",
                "future_field": [1, 2.5, "x"],
            }
        ],
        "name": "odd",
        "max_concurrent_runs": 1.5,
    }
    settings = JobSettings.from_api(document)
    new = set_task_field(settings, "t", ["notebook_task", "base_parameters", "c"], "3")
    expected = copy.deepcopy(document)
    expected["tasks"][0]["notebook_task"]["base_parameters"]["c"] = "3"
    assert json.dumps(new.to_api()) == json.dumps(expected)
    renamed = set_job_field(new, ["name"], "even")
    expected["name"] = "even"
    assert json.dumps(renamed.to_api()) == json.dumps(expected)


def corpus_jobs_with_tasks() -> list[str]:
    return [
        name
        for name in corpus_files()
        if JobSettings.from_api(corpus_settings(name)).task_list
        and isinstance(JobSettings.from_api(corpus_settings(name)).task_list[0].task_key, str)
    ]


@pytest.mark.parametrize("name", corpus_jobs_with_tasks())
def test_setting_one_field_of_a_corpus_task_changes_the_document_there_only(name: str) -> None:
    document = corpus_settings(name)
    settings = JobSettings.from_api(document)
    tasks = settings.task_list
    target = tasks[len(tasks) // 2]
    key = target.task_key
    assert isinstance(key, str)
    index = next(i for i, t in enumerate(document["tasks"]) if t.get("task_key") == key)
    type_field = target.task_type or "notebook_task"
    edits: list[tuple[list[str | int], Any]] = [
        (["timeout_seconds"], 1234),
        ([type_field, "edited_by_test"], {"nested": ["x"]}),
        (["description"], DELETE),
    ]
    for path, value in edits:
        new = set_task_field(settings, key, path, value)
        found = list(differences(document, new.to_api()))
        at = ("tasks", index, *path)
        if path[0] not in document["tasks"][index]:
            at = at[:3]  # a new object, made on the way
        if value is DELETE and "description" not in document["tasks"][index]:
            assert new is settings
            continue
        assert found == [at], (path, found)
        assert dumped(settings) == json.dumps(document)
        assert all(
            a is b
            for a, b in zip(settings.task_list, new.task_list, strict=True)
            if a is not target
        )


def json_values() -> st.SearchStrategy[Any]:
    leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=6,
    )


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from leaf_paths(item, (*path, index))


def set_in(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        document = document[part]
    if isinstance(document, list) and path[-1] == len(document):
        document.append(value)
    elif value is DELETE:
        del document[path[-1]]
    else:
        document[path[-1]] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_field_of_any_corpus_task_can_be_set_or_deleted(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(corpus_jobs_with_tasks()))
    document = corpus_settings(name)
    settings_ = JobSettings.from_api(document)
    index = data.draw(st.integers(0, len(document["tasks"]) - 1))
    key = document["tasks"][index].get("task_key")
    if not isinstance(key, str) or settings_.task(key) is not settings_.task_list[index]:
        return
    paths = [p for p in leaf_paths(document["tasks"][index]) if p[0] != "task_key"]
    path = data.draw(st.sampled_from([*paths, ("brand_new",)]))
    value = data.draw(json_values() | st.just(DELETE))
    if value is DELETE and path == ("brand_new",):
        assert set_task_field(settings_, key, path) is settings_
        return
    new = set_task_field(settings_, key, path, value)
    expected = copy.deepcopy(document)
    set_in(expected["tasks"][index], path, copy.deepcopy(value))
    assert json.dumps(new.to_api()) == json.dumps(expected)
    assert json.dumps(settings_.to_api()) == json.dumps(document)


def test_model_objects_are_never_changed_by_an_edit() -> None:
    before = sample()
    dumps = [json.dumps(t.to_api()) for t in before.task_list]
    keys = [t.__pydantic_private__ for t in before.task_list]
    for edit in EDITS.values():
        edit(before)
    assert [json.dumps(t.to_api()) for t in before.task_list] == dumps
    assert [t.__pydantic_private__ for t in before.task_list] == keys
    assert all(isinstance(t, Task) for t in before.task_list)
