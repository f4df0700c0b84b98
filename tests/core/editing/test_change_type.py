"""A task's type changed, and the skeleton each task type starts with."""

from __future__ import annotations

import pytest

from loom_jobs_widget.core import editing
from loom_jobs_widget.core.editing import EditError, add_task, set_task_field, set_task_type
from loom_jobs_widget.core.models import NO_COMPUTE_TASK_TYPES, TASK_TYPES
from loom_jobs_widget.core.validation import validate

from .helpers import codes, job, sample, task


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
