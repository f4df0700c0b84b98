"""Per-task rules: task keys, task types and their required fields, compute, run_if, field
types and for_each."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import check, clean, codes, for_each, job, only, task

# --- task keys ------------------------------------------------------------------------------------


def test_duplicate_task_key() -> None:
    problem = only(job(task("a"), task("b"), task("a")))
    assert (problem.code, problem.severity) == ("duplicate-task-key", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[2].task_key")
    assert "tasks[0]" in problem.message and "tasks[2]" in problem.message


def test_missing_task_key() -> None:
    problem = only(job(task("a"), {"notebook_task": {"notebook_path": "/n"}}))
    assert (problem.code, problem.severity) == ("invalid-task-key", "error")
    assert (problem.task_key, problem.field) == (None, "tasks[1].task_key")


@pytest.mark.parametrize(
    ("key", "detail"),
    [
        ("", "empty"),
        (7, "not a string"),
        ("my task", "' '"),
        ("étape", "'é'"),
        ("a.b", "'.'"),
        ("x" * 101, "101 characters"),
    ],
)
def test_invalid_task_key(key: Any, detail: str) -> None:
    problem = only(job(task(key)))
    assert (problem.code, problem.severity) == ("invalid-task-key", "error")
    assert problem.field is not None and problem.field.endswith(".task_key")
    assert detail in problem.message


@pytest.mark.parametrize("key", ["a", "A-b_9", "0", "x" * 100, "${var.task_key}"])
def test_valid_task_key(key: str) -> None:
    clean(job(task(key)))


# --- task entries and task types ------------------------------------------------------------------


def test_task_that_is_not_an_object() -> None:
    problem = only(job(task("a"), "b"))  # type: ignore[arg-type]
    assert (problem.code, problem.severity) == ("invalid-task", "error")
    assert (problem.task_key, problem.field) == (None, "tasks[1]")


def test_tasks_are_still_checked_when_one_entry_is_junk() -> None:
    # One odd entry leaves the whole `tasks` list as raw dicts in the model.
    document = job(task("a", after=["zz"]), 5, task("a"))  # type: ignore[arg-type]
    assert [(p.code, p.field) for p in check(document)] == [
        ("unknown-dependency", "tasks[a].depends_on[0].task_key"),
        ("invalid-task", "tasks[1]"),
        ("duplicate-task-key", "tasks[2].task_key"),
    ]


def test_task_without_a_task_type() -> None:
    problem = only(job({"task_key": "a", "job_cluster_key": None}))
    assert (problem.code, problem.severity) == ("missing-task-type", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a]")


def test_task_with_several_task_types() -> None:
    problem = only(
        job(task("a", sql_task={"warehouse_id": "w"}, notebook_task={"notebook_path": "/n"}))
    )
    assert (problem.code, problem.severity) == ("several-task-types", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].notebook_task")  # the second one


def test_null_task_type_does_not_count() -> None:
    clean(job(task("a", notebook_task={"notebook_path": "/n"}, sql_task=None)))


def test_unknown_task_type_is_only_a_warning() -> None:
    problem = only(job({"task_key": "a", "quantum_task": {"qubits": 3}}))
    assert (problem.code, problem.severity) == ("unknown-task-type", "warning")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].quantum_task")


def test_unknown_task_type_beside_a_known_one_is_a_warning() -> None:
    problem = only(job(task("a", quantum_task={})))
    assert (problem.code, problem.severity) == ("unknown-task-type", "warning")
    assert "besides notebook_task" in problem.message


# --- compute --------------------------------------------------------------------------------------


def test_unknown_job_cluster_key() -> None:
    document = job(task("a", job_cluster_key="big"), job_clusters=[{"job_cluster_key": "small"}])
    problem = only(document)
    assert (problem.code, problem.severity) == ("unknown-job-cluster-key", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].job_cluster_key")


def test_job_cluster_key_without_job_clusters() -> None:
    assert codes(job(task("a", job_cluster_key="big"))) == ["unknown-job-cluster-key"]


def test_unknown_environment_key() -> None:
    document = job(task("a", environment_key="gpu"), environments=[{"environment_key": "default"}])
    problem = only(document)
    assert (problem.code, problem.severity) == ("unknown-environment-key", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].environment_key")


def test_known_compute_keys() -> None:
    clean(
        job(
            task("a", job_cluster_key="main"),
            task("b", environment_key="default"),
            job_clusters=[{"job_cluster_key": "main"}],
            environments=[{"environment_key": "default"}],
        )
    )


def test_compute_keys_from_a_bundle_are_not_judged() -> None:
    clean(job(task("a", job_cluster_key="${var.cluster}")))
    clean(job(task("a", job_cluster_key="main"), job_clusters="${var.clusters}"))
    clean(job(task("a", job_cluster_key="main"), job_clusters=[{"job_cluster_key": "${var.k}"}]))


def test_several_compute_keys() -> None:
    document = job(
        task("a", existing_cluster_id="0923-164208-meows279", job_cluster_key="main"),
        job_clusters=[{"job_cluster_key": "main"}],
    )
    problem = only(document)
    assert (problem.code, problem.severity) == ("several-compute-keys", "warning")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].job_cluster_key")


def test_duplicate_job_cluster_key() -> None:
    document = job(job_clusters=[{"job_cluster_key": "main"}, {"job_cluster_key": "main"}])
    problem = only(document)
    assert (problem.code, problem.severity) == ("duplicate-job-cluster-key", "error")
    assert (problem.task_key, problem.field) == (None, "job_clusters[1].job_cluster_key")


def test_duplicate_environment_key() -> None:
    document = job(
        environments=[{"environment_key": "e"}, {"environment_key": "f"}, {"environment_key": "e"}]
    )
    problem = only(document)
    assert (problem.code, problem.severity) == ("duplicate-environment-key", "error")
    assert (problem.task_key, problem.field) == (None, "environments[2].environment_key")


# --- run_if and condition tasks -------------------------------------------------------------------


def test_unknown_run_if_is_a_warning() -> None:
    problem = only(job(task("a"), task("b", after=["a"], run_if="ALL_GOOD")))
    assert (problem.code, problem.severity) == ("unknown-run-if", "warning")
    assert (problem.task_key, problem.field) == ("b", "tasks[b].run_if")


def test_unknown_condition_op_is_a_warning() -> None:
    problem = only(job(task("c", condition_task={"op": "MATCHES", "left": "a", "right": "b"})))
    assert (problem.code, problem.severity) == ("unknown-condition-op", "warning")
    assert (problem.task_key, problem.field) == ("c", "tasks[c].condition_task.op")


@pytest.mark.parametrize("run_if", ["ALL_SUCCESS", "ALL_DONE", "NONE_FAILED", "ALL_FAILED"])
def test_known_run_if(run_if: str) -> None:
    clean(job(task("a"), task("b", after=["a"], run_if=run_if)))


# --- for_each -------------------------------------------------------------------------------------


def test_for_each_inside_for_each() -> None:
    inner = for_each("inner", task("leaf"))
    problem = only(job(for_each("outer", inner)))
    assert (problem.code, problem.severity) == ("nested-for-each", "error")
    assert problem.task_key == "outer"
    assert problem.field == "tasks[outer].for_each_task.task.for_each_task"


@pytest.mark.parametrize("concurrency", [0, -1, 101])
def test_for_each_concurrency_out_of_range(concurrency: int) -> None:
    problem = only(job(for_each("loop", task("loop_iteration"), concurrency=concurrency)))
    assert (problem.code, problem.severity) == ("for-each-concurrency", "error")
    assert (problem.task_key, problem.field) == ("loop", "tasks[loop].for_each_task.concurrency")


@pytest.mark.parametrize("concurrency", [1, 100, "${var.concurrency}"])
def test_for_each_concurrency_in_range(concurrency: Any) -> None:
    clean(job(for_each("loop", task("loop_iteration"), concurrency=concurrency)))


def test_nested_task_key_equal_to_its_for_each_task_is_a_warning() -> None:
    problem = only(job(for_each("loop", task("loop"))))
    assert (problem.code, problem.severity) == ("nested-task-key-reused", "warning")
    assert (problem.task_key, problem.field) == ("loop", "tasks[loop].for_each_task.task.task_key")
    assert "its for_each task" in problem.message


def test_nested_task_key_equal_to_another_task_is_a_warning() -> None:
    problem = only(job(task("a"), for_each("loop", task("a"))))
    assert problem.code == "nested-task-key-reused"
    assert "another task" in problem.message


def test_nested_task_is_checked_like_a_task() -> None:
    nested = {"task_key": "bad key", "job_cluster_key": "nope"}
    problems = check(job(for_each("loop", nested)))
    assert [(p.code, p.task_key, p.field) for p in problems] == [
        ("invalid-task-key", "loop", "tasks[loop].for_each_task.task.task_key"),
        ("missing-task-type", "loop", "tasks[loop].for_each_task.task"),
        ("unknown-job-cluster-key", "loop", "tasks[loop].for_each_task.task.job_cluster_key"),
    ]


@pytest.mark.parametrize(
    ("task_type", "body", "missing"),
    [
        ("notebook_task", {"notebook_path": ""}, "notebook_path"),
        ("spark_python_task", {}, "python_file"),
        ("python_wheel_task", {"package_name": "p"}, "entry_point"),
        ("spark_jar_task", {"main_class_name": ""}, "main_class_name"),
        ("sql_task", {"query": {"query_id": "q"}}, "warehouse_id"),
        ("pipeline_task", {"pipeline_id": ""}, "pipeline_id"),
        ("run_job_task", {"job_parameters": {}}, "job_id"),
        ("condition_task", {"op": "EQUAL_TO", "left": "a"}, "right"),
        ("for_each_task", {"task": {"task_key": "i", "notebook_task": {"notebook_path": "/n"}}},
         "inputs"),
        ("dbt_task", {"commands": []}, "commands"),
    ],
)  # fmt: skip
def test_missing_required_field(task_type: str, body: dict[str, Any], missing: str) -> None:
    problem = only(job(task("a", **{task_type: body})))
    assert (problem.code, problem.severity) == ("missing-required-field", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{task_type}.{missing}")
    assert missing in problem.message and "Task 'a'" in problem.message


@pytest.mark.parametrize(
    ("task_type", "body"),
    [
        ("notebook_task", {"notebook_path": "/n"}),
        ("spark_python_task", {"python_file": "f.py"}),
        ("python_wheel_task", {"package_name": "p", "entry_point": "main"}),
        ("spark_jar_task", {"main_class_name": "Main"}),
        ("sql_task", {"warehouse_id": "w", "file": {"path": "q.sql"}}),
        ("pipeline_task", {"pipeline_id": "p"}),
        ("run_job_task", {"job_id": 1}),
        ("condition_task", {"op": "EQUAL_TO", "left": "{{job.id}}", "right": ""}),
        ("dbt_task", {"commands": ["dbt run"]}),
        ("spark_submit_task", {}),
    ],
)
def test_required_fields_given(task_type: str, body: dict[str, Any]) -> None:
    clean(job(task("a", **{task_type: body})))


def test_sql_task_without_anything_to_run() -> None:
    problem = only(job(task("a", sql_task={"warehouse_id": "w"})))
    assert (problem.code, problem.field) == ("missing-required-field", "tasks[a].sql_task")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_retries", "three"),
        ("max_retries", True),
        ("min_retry_interval_millis", 1.5),
        ("max_retries", [1]),
        ("retry_on_timeout", "yes"),
        ("disabled", 1),
    ],
)
def test_task_field_of_the_wrong_type(field: str, value: Any) -> None:
    problem = only(job(task("a", notebook_task={"notebook_path": "/n"}, **{field: value})))
    assert (problem.code, problem.field) == ("wrong-type", f"tasks[a].{field}")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("max_retries", -2, "max-retries-range"), ("min_retry_interval_millis", -1,
                                                "retry-interval-range")],
)  # fmt: skip
def test_retry_ranges(field: str, value: int, code: str) -> None:
    problem = only(job(task("a", notebook_task={"notebook_path": "/n"}, **{field: value})))
    assert (problem.code, problem.field) == (code, f"tasks[a].{field}")
    # An integer may come as a decimal string: the API's parser takes it (proto3 JSON).
    fine = {"max_retries": "-1", "min_retry_interval_millis": 0, "retry_on_timeout": False}
    clean(job(task("a", notebook_task={"notebook_path": "/n"}, disabled=True, **fine)))
