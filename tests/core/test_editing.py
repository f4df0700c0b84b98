"""Edits return new settings that share the untouched tasks, change exactly what was asked, and
leave the given settings alone; refused edits raise EditError and change nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core import editing
from loom_jobs_widget.core.editing import (
    DELETE,
    EditError,
    History,
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
from loom_jobs_widget.core.models import NO_COMPUTE_TASK_TYPES, TASK_TYPES, JobSettings, Task
from loom_jobs_widget.core.validation import validate

from ..corpus import corpus_files, corpus_settings

# --- helpers --------------------------------------------------------------------------------------


def task(key: str, **fields: Any) -> dict[str, Any]:
    """A notebook task (unless another task type is given), with `depends_on` from `after`."""
    after = fields.pop("after", None)
    document: dict[str, Any] = {"task_key": key}
    if after is not None:
        document["depends_on"] = [{"task_key": upstream} for upstream in after]
    if not any(name in fields for name in TASK_TYPES):
        document["notebook_task"] = {"notebook_path": f"/Workspace/{key}"}
    document.update(fields)
    return document


def job(*tasks: dict[str, Any], **fields: Any) -> JobSettings:
    return JobSettings.from_api({"name": "test job", **fields, "tasks": list(tasks)})


def dumped(settings: JobSettings) -> str:
    """The settings' JSON with its key order: equal strings mean equal documents, in order."""
    return json.dumps(settings.to_api())


def differences(old: Any, new: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths where two JSON documents differ (in value, or in key order)."""
    if isinstance(old, dict) and isinstance(new, dict):
        if [k for k in old if k in new] != [k for k in new if k in old]:
            yield (*path, "<key order>")
        for key in {**old, **new}:
            if key not in old or key not in new:
                yield (*path, key)
            else:
                yield from differences(old[key], new[key], (*path, key))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from differences(a, b, (*path, index))
    elif type(old) is not type(new) or old != new:
        yield path


def codes(settings_: JobSettings) -> list[str]:
    """The validator's findings, but for the fields a new task leaves for the user to fill."""
    return [p.code for p in validate(settings_) if p.code != "missing-required-field"]


def refused(call: Callable[[], object]) -> EditError:
    with pytest.raises(EditError) as caught:
        call()
    return caught.value


def sample() -> JobSettings:
    """load → clean → report, a condition task `check` after report, and a for_each `loop`."""
    return job(
        task("load", job_cluster_key="main"),
        task("clean", after=["load"], job_cluster_key="main"),
        task(
            "report",
            after=["clean"],
            notebook_task={
                "notebook_path": "/r",
                "base_parameters": {"rows": "{{tasks.load.values.rows}}"},
            },
        ),
        task(
            "check",
            after=["report"],
            condition_task={"op": "EQUAL_TO", "left": "{{tasks.report.values.ok}}", "right": "1"},
        ),
        task("publish", depends_on=[{"task_key": "check", "outcome": "true"}]),
        task(
            "loop",
            after=["load"],
            for_each_task={"inputs": "[1, 2]", "task": task("loop_item")},
        ),
        job_clusters=[{"job_cluster_key": "main"}],
    )


# --- immutability and losslessness ----------------------------------------------------------------

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


# --- set_task_field / set_job_field ---------------------------------------------------------------


def test_set_task_field_creates_the_objects_on_the_way() -> None:
    before = job(task("etl"))
    after = set_task_field(before, "etl", ["notebook_task", "base_parameters", "env"], "prod")
    assert after.to_api()["tasks"][0]["notebook_task"] == {
        "notebook_path": "/Workspace/etl",
        "base_parameters": {"env": "prod"},
    }
    listed = set_task_field(before, "etl", ["libraries", 0, "pypi", "package"], "rich")
    assert listed.to_api()["tasks"][0]["libraries"] == [{"pypi": {"package": "rich"}}]
    nulled = job(task("etl", health=None))
    rules = set_task_field(nulled, "etl", ["health", "rules"], [])
    assert rules.to_api()["tasks"][0]["health"] == {"rules": []}


def test_set_task_field_deletes_keys_and_list_entries_and_appends_one_past_the_end() -> None:
    before = job(task("etl", libraries=[{"whl": "a"}, {"whl": "b"}], timeout_seconds=5))
    assert (
        "timeout_seconds"
        not in set_task_field(before, "etl", ["timeout_seconds"]).to_api()["tasks"][0]
    )
    dropped = set_task_field(before, "etl", ["libraries", 0], DELETE)
    assert dropped.to_api()["tasks"][0]["libraries"] == [{"whl": "b"}]
    appended = set_task_field(before, "etl", ["libraries", 2], {"whl": "c"})
    assert appended.to_api()["tasks"][0]["libraries"] == [{"whl": "a"}, {"whl": "b"}, {"whl": "c"}]
    replaced = set_task_field(before, "etl", ["libraries", 1, "whl"], "B")
    assert replaced.to_api()["tasks"][0]["libraries"] == [{"whl": "a"}, {"whl": "B"}]


def test_an_edit_that_changes_nothing_returns_the_same_settings() -> None:
    before = job(task("etl", timeout_seconds=5, libraries=[]))
    assert set_task_field(before, "etl", ["timeout_seconds"], 5) is before
    assert set_task_field(before, "etl", ["max_retries"], DELETE) is before
    assert set_task_field(before, "etl", ["health", "rules"], DELETE) is before
    assert set_task_field(before, "etl", ["libraries", 0], DELETE) is before
    assert set_job_field(before, ["name"], "test job") is before
    assert set_job_field(before, ["schedule"], DELETE) is before
    # 5.0 and True are other values than 5 in JSON.
    assert set_task_field(before, "etl", ["timeout_seconds"], 5.0) is not before
    assert set_task_field(before, "etl", ["timeout_seconds"], True) is not before


def test_set_task_field_refuses_what_it_cannot_do() -> None:
    before = job(task("etl", libraries=[{"whl": "a"}]))
    error = refused(lambda: set_task_field(before, "nope", ["timeout_seconds"], 1))
    assert "'nope' is not a task of this job" in error.message
    error = refused(lambda: set_task_field(before, "etl", ["task_key"], "x"))
    assert "renaming" in error.message
    assert error.field == "tasks[etl].task_key"
    error = refused(
        lambda: set_task_field(before, "etl", ["notebook_task", "notebook_path", "x"], 1)
    )
    assert "Task 'etl'" in error.message and "notebook_task.notebook_path" in error.message
    assert error.task_key == "etl" and error.field == "tasks[etl].notebook_task.notebook_path"
    assert "index" in refused(lambda: set_task_field(before, "etl", ["libraries", 3], 1)).message
    refused(lambda: set_task_field(before, "etl", ["libraries", -1], 1))
    refused(lambda: set_task_field(before, "etl", ["libraries", "first"], 1))
    refused(lambda: set_task_field(before, "etl", ["notebook_task", 0], 1))
    refused(lambda: set_task_field(before, "etl", [], 1))
    refused(lambda: set_task_field(before, "etl", ["x"], {1, 2}))
    refused(lambda: set_task_field(before, "etl", [True], 1))


def test_set_task_field_copies_the_value_it_is_given() -> None:
    value = {"env": ["prod"]}
    after = set_task_field(job(task("etl")), "etl", ["x"], value)
    value["env"].append("dev")
    assert after.to_api()["tasks"][0]["x"] == {"env": ["prod"]}


def test_set_task_field_reaches_the_task_nested_in_a_for_each_task() -> None:
    before = sample()
    path = ["for_each_task", "task", "notebook_task", "base_parameters", "item"]
    after = set_task_field(before, "loop", path, "{{input}}")
    nested = after.to_api()["tasks"][5]["for_each_task"]["task"]
    assert nested["notebook_task"]["base_parameters"] == {"item": "{{input}}"}
    error = refused(lambda: set_task_field(before, "loop_item", ["timeout_seconds"], 1))
    assert "nested in for_each task 'loop'" in error.message and error.task_key == "loop"


def test_set_job_field_edits_job_level_fields_and_keeps_their_place() -> None:
    before = JobSettings.from_api(
        {"name": "a", "tasks": [task("t")], "x_custom": {"k": 1}, "timeout_seconds": 0}
    )
    scheduled = set_job_field(before, ["schedule", "quartz_cron_expression"], "0 0 3 * * ?")
    assert scheduled.to_api()["schedule"] == {"quartz_cron_expression": "0 0 3 * * ?"}
    assert list(scheduled.to_api()) == ["name", "tasks", "x_custom", "timeout_seconds", "schedule"]
    assert scheduled.task_list[0] is before.task_list[0]
    custom = set_job_field(before, ["x_custom", "k"], 2)
    assert list(custom.to_api().items())[2] == ("x_custom", {"k": 2})
    unnamed = set_job_field(before, ["name"])
    assert list(unnamed.to_api()) == ["tasks", "x_custom", "timeout_seconds"]
    # Like any new key, as loading the document would order it: last.
    assert list(set_job_field(unnamed, ["name"], "b").to_api())[-1] == "name"
    assert set_job_field(before, ["x_custom"]).to_api().get("x_custom") is None
    assert before.to_api()["x_custom"] == {"k": 1}
    parameters = set_job_field(before, ["parameters"], [{"name": "p", "default": "1"}])
    assert parameters.parameters is not None and parameters.parameters[0].name == "p"


def test_set_job_field_refuses_tasks_and_bad_paths() -> None:
    before = job(task("t"))
    assert refused(lambda: set_job_field(before, ["tasks", 0, "task_key"], "x")).field == "tasks"
    refused(lambda: set_job_field(before, ["tasks"], []))
    refused(lambda: set_job_field(before, [], 1))
    refused(lambda: set_job_field(before, [0], 1))
    refused(lambda: set_job_field(before, ["name", "first"], "x"))


# --- replace_task ---------------------------------------------------------------------------------


def test_replace_task_keeps_the_position_and_refuses_another_key() -> None:
    before = sample()
    new_json = {"task_key": "clean", "spark_python_task": {"python_file": "/c.py"}}
    after = replace_task(before, "clean", new_json)
    assert after.to_api()["tasks"][1] == new_json
    assert [t.task_key for t in after.task_list] == [t.task_key for t in before.task_list]
    assert replace_task(before, "clean", before.task_list[1].to_api()) is before
    error = refused(lambda: replace_task(before, "clean", {**new_json, "task_key": "other"}))
    assert "rename" in error.message and error.field == "tasks[clean].task_key"
    refused(lambda: replace_task(before, "clean", {"spark_python_task": {}}))
    refused(lambda: replace_task(before, "nope", {"task_key": "nope"}))
    refused(lambda: replace_task(before, "clean", ["not", "an", "object"]))  # type: ignore[arg-type]


# --- set_task_type --------------------------------------------------------------------------------


def test_set_task_type_swaps_the_type_field_in_place() -> None:
    before = job(
        task("t", description="d", notebook_task={"notebook_path": "/n"}, job_cluster_key="c"),
        job_clusters=[{"job_cluster_key": "c"}],
    )
    after = set_task_type(before, "t", "spark_python_task")
    assert after.to_api()["tasks"][0] == {
        "task_key": "t",
        "description": "d",
        "spark_python_task": {"python_file": ""},
        "job_cluster_key": "c",
    }
    assert set_task_type(before, "t", "notebook_task") is before


@pytest.mark.parametrize("task_type", sorted(NO_COMPUTE_TASK_TYPES))
def test_a_task_type_without_compute_drops_the_compute_fields(task_type: str) -> None:
    before = job(
        task("t", job_cluster_key="c", environment_key="e", libraries=[]),
        job_clusters=[{"job_cluster_key": "c"}],
        environments=[{"environment_key": "e"}],
    )
    after = set_task_type(before, "t", task_type).to_api()["tasks"][0]
    assert not set(editing.COMPUTE_FIELDS) & set(after)
    assert after["libraries"] == [] and task_type in after


def test_set_task_type_replaces_several_types_and_takes_unknown_task_types() -> None:
    before = job(task("t", sql_task={"warehouse_id": "w"}, x_task={"a": 1}))
    after = set_task_type(before, "t", "future_task")
    assert after.to_api()["tasks"][0] == {"task_key": "t", "future_task": {}}
    assert set_task_type(after, "t", "future_task") is after
    for bad in ("notebook", "", "sql task"):
        with pytest.raises(EditError, match="not a task type"):
            set_task_type(before, "t", bad)


def test_a_for_each_task_gets_a_nested_task_with_a_key_of_its_own() -> None:
    before = job(task("t"), task("t_iteration"))
    after = set_task_type(before, "t", "for_each_task")
    loop = after.to_api()["tasks"][0]["for_each_task"]
    assert loop == {
        "inputs": "",
        "task": {"task_key": "t_iteration_2", "notebook_task": {"notebook_path": ""}},
    }


def test_a_task_that_stops_being_a_condition_loses_its_outcomes_downstream() -> None:
    before = sample()
    after = set_task_type(before, "check", "notebook_task")
    assert after.to_api()["tasks"][4]["depends_on"] == [{"task_key": "check"}]
    assert codes(after) == []
    # What the outcome left in place would mean:
    by_hand = set_task_field(before, "check", ["condition_task"])
    by_hand = set_task_field(by_hand, "check", ["notebook_task"], {"notebook_path": "/n"})
    assert "outcome-without-condition" in [p.code for p in validate(by_hand)]


# The task types whose skeleton leaves a field the validator requires for the user to fill.
REQUIRED = {
    "notebook_task": "notebook_path",
    "spark_python_task": "python_file",
    "python_wheel_task": "package_name",
    "spark_jar_task": "main_class_name",
    "sql_task": "warehouse_id",
    "pipeline_task": "pipeline_id",
    "run_job_task": "job_id",
    "condition_task": "left",
    "for_each_task": "inputs",
    "dbt_task": "commands",
}


@pytest.mark.parametrize("task_type", [*TASK_TYPES, "future_task"])
def test_a_skeleton_validates_asking_for_what_the_user_must_fill(task_type: str) -> None:
    before = job(task("a", job_cluster_key="c"), job_clusters=[{"job_cluster_key": "c"}])
    added, key = add_task(before, after=["a"], task_type=task_type)
    retyped = set_task_type(before, "a", task_type)
    assert (retyped is before) == (task_type == "notebook_task")  # already one
    for settings_, task_key in ((added, key), (retyped, "a")):
        if settings_ is before:
            continue
        problems = validate(settings_)
        assert codes(settings_) == (["unknown-task-type"] if task_type == "future_task" else [])
        required = {p.field for p in problems if p.code == "missing-required-field"}
        if task_type in REQUIRED:
            assert f"tasks[{task_key}].{task_type}.{REQUIRED[task_type]}" in required
        if task_type == "for_each_task":
            nested = f"tasks[{task_key}].for_each_task.task.notebook_task.notebook_path"
            assert nested in required


# --- add_task -------------------------------------------------------------------------------------


def test_add_task_appends_a_new_task_with_a_free_key() -> None:
    before = job(task("a"), task("new_task"))
    first, key = add_task(before)
    assert key == "new_task_2"
    assert first.to_api()["tasks"][-1] == {
        "task_key": "new_task_2",
        "notebook_task": {"notebook_path": ""},
    }
    nested = job(task("loop", for_each_task={"inputs": "[]", "task": task("new_task")}))
    assert add_task(nested)[1] == "new_task_2"
    assert add_task(job())[1] == "new_task"
    empty = JobSettings.from_api({"name": "no tasks"})
    added, key = add_task(empty)
    assert added.to_api() == {
        "name": "no tasks",
        "tasks": [{"task_key": key, "notebook_task": {"notebook_path": ""}}],
    }


def test_add_task_takes_a_given_key_by_the_validator_s_rule() -> None:
    before = sample()
    assert add_task(before, task_key="my-task_2")[1] == "my-task_2"
    for bad in ("", "a b", "x" * 101, "load", "loop_item", "tâche"):
        with pytest.raises(EditError) as caught:
            add_task(before, task_key=bad)
        assert caught.value.field == "tasks"
    assert add_task(before, task_key="x" * 100)[1] == "x" * 100


def test_add_task_depends_on_the_after_tasks_and_runs_where_they_run() -> None:
    before = job(
        task("plain"),
        task("on_cluster", existing_cluster_id="0101-abc"),
        task("on_env", environment_key="e"),
        task("cond", condition_task={"op": "EQUAL_TO", "left": "1", "right": "1"}),
        environments=[{"environment_key": "e"}],
    )
    after, _ = add_task(before, after=["cond", "plain", "on_env", "on_cluster"])
    new = after.to_api()["tasks"][-1]
    assert new["depends_on"] == [
        {"task_key": "cond", "outcome": "true"},
        {"task_key": "plain"},
        {"task_key": "on_env"},
        {"task_key": "on_cluster"},
    ]
    assert new["environment_key"] == "e" and "existing_cluster_id" not in new
    cluster = add_task(before, after=["on_cluster", "on_env"])[0].to_api()["tasks"][-1]
    assert cluster["existing_cluster_id"] == "0101-abc" and "environment_key" not in cluster
    condition = add_task(before, after=["on_cluster"], task_type="condition_task")[0]
    assert "existing_cluster_id" not in condition.to_api()["tasks"][-1]
    serverless = add_task(before, after=["plain"])[0].to_api()["tasks"][-1]
    assert not set(editing.COMPUTE_FIELDS) & set(serverless)
    assert codes(after) == []


def test_add_task_refuses_unknown_after_tasks_and_types() -> None:
    before = sample()
    assert "'nope'" in refused(lambda: add_task(before, after=["load", "nope"])).message
    assert "nested" in refused(lambda: add_task(before, after=["loop_item"])).message
    refused(lambda: add_task(before, task_type="notebook"))


# --- remove_tasks ---------------------------------------------------------------------------------


def test_remove_tasks_removes_the_dependencies_on_them() -> None:
    before = job(
        task("a"),
        task("b", after=["a"]),
        task("c", after=["a", "b"], timeout_seconds=1),
        task("d", after=["b"]),
    )
    after = remove_tasks(before, ["a"])
    assert after.to_api()["tasks"] == [
        task("b"),
        task("c", after=["b"], timeout_seconds=1),
        task("d", after=["b"]),
    ]
    assert after.task_list[2] is before.task_list[3]
    both = remove_tasks(before, ["a", "b", "a"])
    assert [t.task_key for t in both.task_list] == ["c", "d"]
    assert all("depends_on" not in t for t in both.to_api()["tasks"])
    assert remove_tasks(before, []) is before


def test_remove_tasks_removes_nothing_when_a_key_is_unknown() -> None:
    before = sample()
    error = refused(lambda: remove_tasks(before, ["load", "nope"]))
    assert "'nope'" in error.message
    refused(lambda: remove_tasks(before, ["loop_item"]))


def test_references_to_a_removed_task_stay_for_the_validator_to_name() -> None:
    after = remove_tasks(sample(), ["load"])
    assert after.to_api()["tasks"][1]["notebook_task"]["base_parameters"] == {
        "rows": "{{tasks.load.values.rows}}"
    }
    assert "unknown-task-reference" in [p.code for p in validate(after)]


# --- clone_task -----------------------------------------------------------------------------------


def test_clone_task_copies_a_task_right_after_it() -> None:
    before = sample()
    after, key = clone_task(before, "clean")
    assert key == "clean_copy"
    documents = after.to_api()["tasks"]
    assert [t["task_key"] for t in documents[:3]] == ["load", "clean", "clean_copy"]
    assert documents[2] == {**documents[1], "task_key": "clean_copy"}
    again, key2 = clone_task(after, "clean")
    assert key2 == "clean_copy_2" and again.to_api()["tasks"][2]["task_key"] == "clean_copy_2"
    assert validate(again) == []


def test_clone_task_gives_the_nested_task_a_key_of_its_own() -> None:
    after, key = clone_task(sample(), "loop")
    assert key == "loop_copy"
    nested = after.to_api()["tasks"][6]["for_each_task"]["task"]
    assert nested["task_key"] == "loop_item_copy"
    assert validate(after) == []


def test_clone_task_keeps_keys_within_the_length_limit() -> None:
    long_key = "k" * 100
    after, key = clone_task(job(task(long_key)), long_key)
    assert len(key) == 100 and key.endswith("_copy") and validate(after) == []


# --- rename_task ----------------------------------------------------------------------------------


def test_rename_task_updates_dependencies_and_references_everywhere() -> None:
    before = JobSettings.from_api(
        {
            "name": "{{tasks.old.values.x}} stays in a name? no: every string follows",
            "parameters": [{"name": "p", "default": "{{ tasks.`old`.result_state }}"}],
            "tasks": [
                task("old"),
                task(
                    "next",
                    after=["old"],
                    notebook_task={
                        "notebook_path": "/n",
                        "base_parameters": {
                            "a": "{{tasks.old.values.rows}} and {{tasks.old_more.values.x}}",
                            "b": "tasks.old {{tasks.older.run_id}} {{job.parameters.old}}",
                            "c": "{{  tasks.old.output.first_row.`my col`  }}",
                        },
                    },
                ),
                task(
                    "loop",
                    after=["next"],
                    for_each_task={
                        "inputs": "{{tasks.old.values.items}}",
                        "task": task(
                            "inner",
                            spark_python_task={
                                "python_file": "/p",
                                "parameters": ["{{tasks.old.values.z}}"],
                            },
                        ),
                    },
                ),
                task("unrelated", notebook_task={"notebook_path": "/u"}),
            ],
        }
    )
    after = rename_task(before, "old", "new")
    document = after.to_api()
    assert document["name"] == "{{tasks.new.values.x}} stays in a name? no: every string follows"
    assert document["parameters"][0]["default"] == "{{ tasks.new.result_state }}"
    assert document["tasks"][0]["task_key"] == "new"
    nxt = document["tasks"][1]
    assert nxt["depends_on"] == [{"task_key": "new"}]
    assert nxt["notebook_task"]["base_parameters"] == {
        "a": "{{tasks.new.values.rows}} and {{tasks.old_more.values.x}}",
        "b": "tasks.old {{tasks.older.run_id}} {{job.parameters.old}}",
        "c": "{{  tasks.new.output.first_row.`my col`  }}",
    }
    loop = document["tasks"][2]["for_each_task"]
    assert loop["inputs"] == "{{tasks.new.values.items}}"
    assert loop["task"]["spark_python_task"]["parameters"] == ["{{tasks.new.values.z}}"]
    assert after.task_list[3] is before.task_list[3]
    assert after.parameters is not before.parameters
    # Everything else is the document as it was.
    expected = before.to_api()
    assert [p for p in differences(expected, document)] == [
        ("name",),
        ("parameters", 0, "default"),
        ("tasks", 0, "task_key"),
        ("tasks", 1, "depends_on", 0, "task_key"),
        ("tasks", 1, "notebook_task", "base_parameters", "a"),
        ("tasks", 1, "notebook_task", "base_parameters", "c"),
        ("tasks", 2, "for_each_task", "inputs"),
        ("tasks", 2, "for_each_task", "task", "spark_python_task", "parameters", 0),
    ]
    assert JobSettings.from_api(document) == after


def test_rename_task_quotes_the_new_key_only_when_it_must() -> None:
    parameters = {"x": "{{tasks.`a-b`.values.v}}"}
    before = job(
        task("a-b"),
        task(
            "c", after=["a-b"], notebook_task={"notebook_path": "/c", "base_parameters": parameters}
        ),
    )
    plain = rename_task(before, "a-b", "ab")
    assert plain.to_api()["tasks"][1]["notebook_task"]["base_parameters"]["x"] == (
        "{{tasks.ab.values.v}}"
    )
    dashed = rename_task(plain, "ab", "a-c")
    assert dashed.to_api()["tasks"][1]["notebook_task"]["base_parameters"]["x"] == (
        "{{tasks.`a-c`.values.v}}"
    )
    assert validate(dashed) == []


def test_rename_task_shares_the_tasks_that_do_not_mention_it() -> None:
    before = sample()
    after = rename_task(before, "clean", "tidy")
    changed = [
        old.task_key
        for old, new in zip(before.task_list, after.task_list, strict=True)
        if old is not new
    ]
    assert changed == ["clean", "report"]
    assert validate(after) == []


def test_rename_task_refuses_bad_or_taken_keys() -> None:
    before = sample()
    assert rename_task(before, "load", "load") is before
    for bad in ("clean", "loop_item", "", "a b", "x" * 101):
        with pytest.raises(EditError) as caught:
            rename_task(before, "load", bad)
        assert caught.value.task_key == "load"
        assert caught.value.field == "tasks[load].task_key"
    refused(lambda: rename_task(before, "nope", "x"))
    refused(lambda: rename_task(before, "loop_item", "x"))


# --- dependencies ---------------------------------------------------------------------------------


def test_add_dependency_appends_an_entry() -> None:
    before = sample()
    after = add_dependency(before, "load", "publish")
    assert after.to_api()["tasks"][4]["depends_on"] == [
        {"task_key": "check", "outcome": "true"},
        {"task_key": "load"},
    ]
    assert after.task_list[:4] == before.task_list[:4]
    assert all(
        a is b
        for a, b in zip(after.task_list, before.task_list, strict=True)
        if a.task_key != "publish"
    )


def test_add_dependency_refuses_a_cycle_naming_its_path() -> None:
    before = sample()
    error = refused(lambda: add_dependency(before, "report", "load"))
    assert error.message == (
        "'load' cannot depend on 'report': 'report' already runs after 'load' "
        "(load → clean → report), so this would make a cycle."
    )
    assert error.task_key == "load" and error.field == "tasks[load].depends_on"


@pytest.mark.parametrize(
    ("upstream", "downstream", "outcome", "says"),
    [
        ("nope", "clean", None, "'nope' is not a task"),
        ("clean", "nope", None, "'nope' is not a task"),
        ("clean", "clean", None, "itself"),
        ("load", "clean", None, "already depends on 'load'"),
        ("load", "publish", "true", "not a condition task"),
        ("check", "publish", "yes", '"true" or "false"'),
        ("check", "publish", "true", "already depends on 'check' with outcome true"),
        ("loop_item", "publish", None, "nested"),
        ("load", "loop_item", None, "nested"),
    ],
)
def test_add_dependency_refuses(
    upstream: str, downstream: str, outcome: str | None, says: str
) -> None:
    error = refused(lambda: add_dependency(sample(), upstream, downstream, outcome))
    assert says in error.message
    assert error.task_key == downstream and error.field == f"tasks[{downstream}].depends_on"


def test_add_dependency_picks_the_outcome_after_a_condition_task() -> None:
    before = sample()
    second = add_dependency(before, "check", "publish")
    assert second.to_api()["tasks"][4]["depends_on"] == [
        {"task_key": "check", "outcome": "true"},
        {"task_key": "check", "outcome": "false"},
    ]
    assert (
        "already depends on" in refused(lambda: add_dependency(second, "check", "publish")).message
    )
    fresh, key = add_task(before)
    chosen = add_dependency(fresh, "check", key, "false")
    assert chosen.to_api()["tasks"][-1]["depends_on"] == [{"task_key": "check", "outcome": "false"}]


def test_remove_dependency_removes_the_matching_entries() -> None:
    before = add_dependency(sample(), "check", "publish")
    only_false = remove_dependency(before, "check", "publish", "true")
    assert only_false.to_api()["tasks"][4]["depends_on"] == [
        {"task_key": "check", "outcome": "false"}
    ]
    neither = remove_dependency(before, "check", "publish")
    assert "depends_on" not in neither.to_api()["tasks"][4]
    assert neither.task_list[0] is before.task_list[0]
    error = refused(lambda: remove_dependency(only_false, "check", "publish", "true"))
    assert error.message == "'publish' does not depend on 'check' with outcome true."
    assert error.field == "tasks[publish].depends_on"
    refused(lambda: remove_dependency(before, "load", "publish"))
    refused(lambda: remove_dependency(before, "load", "nope"))


# --- History --------------------------------------------------------------------------------------


def states() -> list[JobSettings]:
    first = sample()
    second = set_job_field(first, ["name"], "two")
    third = set_job_field(second, ["name"], "three")
    return [first, second, third]


def test_history_undoes_and_redoes_with_labels() -> None:
    first, second, third = states()
    history = History(first)
    assert not history.can_undo and not history.can_redo
    assert history.undo() is None and history.redo() is None
    assert history.undo_label == history.redo_label == ""
    history.push(second, "rename the job")
    history.push(third, "rename it again")
    assert history.current is third and history.undo_label == "rename it again"
    assert history.undo() is second
    assert history.undo_label == "rename the job" and history.redo_label == "rename it again"
    assert history.undo() is first and not history.can_undo
    assert history.redo() is second and history.redo() is third and not history.can_redo
    history.undo()
    history.push(first, "back")
    assert not history.can_redo and history.current is first
    assert history.undo() is second


def test_history_ignores_an_edit_that_changed_nothing() -> None:
    first, second, _ = states()
    history = History(first)
    history.push(first, "nothing")
    assert not history.can_undo
    history.push(second, "something")
    history.push(second, "nothing")
    assert history.undo_label == "something"


def test_history_knows_when_the_current_state_is_saved() -> None:
    first, second, third = states()
    history = History(first)
    assert not history.dirty
    history.push(second, "a")
    assert history.dirty
    history.mark_saved()
    assert not history.dirty
    history.push(third, "b")
    assert history.dirty
    history.undo()
    assert not history.dirty
    history.undo()
    assert history.dirty
    # The saved state is on the branch a new edit drops: no state is saved any more.
    history.push(third, "c")
    history.undo()
    assert history.dirty and history.current is first


def test_history_keeps_at_most_limit_undo_steps() -> None:
    first = sample()
    history = History(first, limit=3)
    history.mark_saved()
    names = [set_job_field(first, ["name"], str(i)) for i in range(5)]
    for index, settings_ in enumerate(names):
        history.push(settings_, f"edit {index}")
    undone = []
    while history.can_undo:
        undone.append(history.undo_label)
        history.undo()
    assert undone == ["edit 4", "edit 3", "edit 2"]
    assert history.current is names[1] and history.dirty
    with pytest.raises(ValueError):
        History(first, limit=0)


def test_history_reset_starts_over_clean() -> None:
    first, second, third = states()
    history = History(first)
    history.push(second, "a")
    history.reset(third)
    assert history.current is third
    assert not history.can_undo and not history.can_redo and not history.dirty


def test_edit_error_carries_its_message_task_and_field() -> None:
    error = EditError("No.", task_key="etl", field="tasks[etl].task_key")
    assert str(error) == "No." and error.message == "No."
    assert (error.task_key, error.field) == ("etl", "tasks[etl].task_key")
    assert isinstance(error, ValueError)
    assert EditError("x").task_key is None and EditError("x").field is None
    assert repr(DELETE) == "DELETE" and copy.deepcopy(DELETE) is DELETE


def test_model_objects_are_never_changed_by_an_edit() -> None:
    before = sample()
    dumps = [json.dumps(t.to_api()) for t in before.task_list]
    keys = [t.__pydantic_private__ for t in before.task_list]
    for edit in EDITS.values():
        edit(before)
    assert [json.dumps(t.to_api()) for t in before.task_list] == dumps
    assert [t.__pydantic_private__ for t in before.task_list] == keys
    assert all(isinstance(t, Task) for t in before.task_list)


# --- several job fields at once, and the job cluster swap (issue 6) ---------------------------


def test_set_job_fields_changes_only_what_differs() -> None:
    from loom_jobs_widget.core.editing import set_job_fields

    settings = JobSettings.from_api(
        {"name": "j", "schedule": {"quartz_cron_expression": "0 0 1 * * ?", "timezone_id": "UTC"},
         "tags": {"a": "b"}, "tasks": [{"task_key": "t", "notebook_task": {"notebook_path": "/n"}}]}
    )  # fmt: skip
    document = settings.to_api()
    document.pop("schedule")
    document["trigger"] = {"periodic": {"interval": 1, "unit": "HOURS"}}
    new = set_job_fields(settings, document)
    assert new.to_api() == {**{k: v for k, v in document.items() if k != "trigger"},
                            "trigger": document["trigger"]}  # fmt: skip
    assert new.tags is settings.tags and new.tasks is settings.tasks
    assert "schedule" in settings.to_api()  # the input is untouched
    assert set_job_fields(settings, settings.to_api()) is settings


def test_swap_job_cluster_moves_every_task_including_nested() -> None:
    from loom_jobs_widget.core.editing import swap_job_cluster

    settings = JobSettings.from_api(
        {"job_clusters": [{"job_cluster_key": "s"}, {"job_cluster_key": "l"}],
         "tasks": [
             {"task_key": "a", "job_cluster_key": "s", "notebook_task": {"notebook_path": "/a"}},
             {"task_key": "b", "job_cluster_key": "l", "notebook_task": {"notebook_path": "/b"}},
             {"task_key": "c", "for_each_task": {"inputs": "[1]", "task": {
                 "task_key": "c_i", "job_cluster_key": "s",
                 "notebook_task": {"notebook_path": "/c"}}}},
         ]}
    )  # fmt: skip
    new = swap_job_cluster(settings, "s", "l")
    tasks = new.to_api()["tasks"]
    assert tasks[0]["job_cluster_key"] == "l"
    assert tasks[2]["for_each_task"]["task"]["job_cluster_key"] == "l"
    assert new.task_list[1] is settings.task_list[1]
    assert settings.to_api()["tasks"][0]["job_cluster_key"] == "s"
    with pytest.raises(EditError, match="no job cluster 'x'"):
        swap_job_cluster(settings, "s", "x")
    with pytest.raises(EditError, match="No task runs on job cluster 'x'"):
        swap_job_cluster(settings, "x", "l")
