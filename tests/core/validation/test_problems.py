"""`validate`'s output: the Problem record, problems in document order, and input that is no
job."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from loom_jobs_widget.core.models import JobSettings, NotebookTask, Task, TaskDependency
from loom_jobs_widget.core.validation import Problem, validate

from .helpers import check, clean, job, only, task

# --- the Problem type -----------------------------------------------------------------------------


def test_problem_is_a_frozen_record_with_a_dict_form() -> None:
    problem = Problem("cycle", "error", "Dependency cycle: a → a.", "a", "tasks[a]")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.code = "other"  # type: ignore[misc]
    assert problem.to_dict() == {
        "code": "cycle",
        "severity": "error",
        "message": "Dependency cycle: a → a.",
        "task_key": "a",
        "field": "tasks[a]",
    }


def test_a_good_job_has_no_problem() -> None:
    clean(
        job(
            task("extract", run_if="ALL_SUCCESS"),
            task(
                "check",
                after=["extract"],
                condition_task={"op": "EQUAL_TO", "left": "1", "right": "1"},
            ),
            task("load", depends_on=[{"task_key": "check", "outcome": "true"}]),
            parameters=[{"name": "run.date-1_x", "default": "{{job.start_time.iso_date}}"}],
            tags={"team": "data"},
            max_concurrent_runs=1,
            timeout_seconds=0,
        )
    )


def test_an_empty_job_has_no_problem() -> None:
    clean({})
    clean({"tasks": []})


# --- order and model edits ------------------------------------------------------------------------


def test_problems_come_in_document_order() -> None:
    document = {
        "tags": {f"t{i}": "" for i in range(30)},
        "tasks": [task("b", after=["zz"]), task("a", timeout_seconds=-1), "junk"],
        "max_concurrent_runs": -1,
        "parameters": [{"name": "a b", "default": ""}],
    }
    assert [(p.code, p.field) for p in check(document)] == [
        ("too-many-tags", "tags"),
        ("unknown-dependency", "tasks[b].depends_on[0].task_key"),
        ("negative-timeout", "tasks[a].timeout_seconds"),
        ("invalid-task", "tasks[2]"),
        ("max-concurrent-runs-out-of-range", "max_concurrent_runs"),
        ("invalid-parameter-name", "parameters[0].name"),
    ]


def test_validation_sees_edits_made_to_the_model() -> None:
    settings = JobSettings.from_api(job(task("a"), task("b", after=["a"])))
    tasks = settings.tasks
    assert isinstance(tasks, list)
    tasks[1].depends_on = [TaskDependency(task_key="ghost")]
    tasks.append(Task(task_key="c", notebook_task=NotebookTask(notebook_path="/c"), run_if="NEVER"))
    assert [(p.code, p.field) for p in validate(settings)] == [
        ("unknown-dependency", "tasks[b].depends_on[0].task_key"),
        ("unknown-run-if", "tasks[c].run_if"),
    ]


# --- input that is not a job at all ---------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 3, "job", ["tasks"], b"{}"])
def test_input_that_is_not_an_object(value: Any) -> None:
    problem = only(value)
    assert (problem.code, problem.severity, problem.field) == ("invalid-settings", "error", None)


def test_mapping_that_is_not_json() -> None:
    problems = validate({1: "x", "tasks": {3, 4}})  # type: ignore[dict-item]
    assert all(isinstance(p, Problem) for p in problems)


def test_deeply_nested_values() -> None:
    deep: Any = "{{job.naem}}"
    for _ in range(150):
        deep = {"k": [deep]}
    problem = only(job(task("a", notebook_task={"notebook_path": "/n", "base_parameters": deep})))
    assert problem.code == "unknown-reference"
    assert problem.field is not None and problem.field.count(".k[0]") == 150


def test_hopelessly_deep_values_do_not_raise() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    assert all(isinstance(p, Problem) for p in validate(job(task("a", description=deep))))
