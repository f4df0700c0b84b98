"""Tasks added, removed and copied."""

from __future__ import annotations

import pytest

from loom_jobs_widget.core import editing
from loom_jobs_widget.core.editing import EditError, add_task, clone_task, remove_tasks
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import validate

from .helpers import codes, job, refused, sample, task

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
