"""If/else condition tasks and their branches, and tasks disabled in the job."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.engine.conditions import ConditionError, evaluate
from loom_jobs_widget.local.engine.state import Upstream, skip_verdict

from ..helpers import create_job, python_task, run_now, run_output, tasks_by_key, wait_run, write


def condition(
    key: str, left: str, op: str, right: str, *, after: tuple[str, ...] = ()
) -> dict[str, Any]:
    task: dict[str, Any] = {
        "task_key": key,
        "condition_task": {"left": left, "op": op, "right": right},
    }
    if after:
        task["depends_on"] = [{"task_key": up} for up in after]
    return task


def when(task: dict[str, Any], condition_key: str, outcome: str) -> dict[str, Any]:
    """`task` on the `outcome` branch of a condition task."""
    return task | {"depends_on": [{"task_key": condition_key, "outcome": outcome}]}


def results(run: dict[str, Any]) -> dict[str, str]:
    return {key: task["state"]["result_state"] for key, task in tasks_by_key(run).items()}


@pytest.mark.parametrize(
    ("left", "op", "right", "holds"),
    [
        ("12.0", "EQUAL_TO", "12", False),  # strings, not numbers
        ("12", "EQUAL_TO", "12", True),
        ("12.0", "NOT_EQUAL", "12", True),
        ("12.0", "GREATER_THAN_OR_EQUAL", "12", True),  # numbers
        ("10.0", "GREATER_THAN_OR_EQUAL", "12", False),
        ("9", "GREATER_THAN", "10", False),  # not a string comparison ("9" > "10")
        ("-1e3", "LESS_THAN", "0.5", True),
        ("0.10", "LESS_THAN_OR_EQUAL", "0.1", True),
    ],
)
def test_condition_ops(left: str, op: str, right: str, holds: bool) -> None:
    assert evaluate(op, left, right) is holds


def test_ordering_a_non_number_is_an_error() -> None:
    with pytest.raises(ConditionError, match="its right operand 'abc' is not a number"):
        evaluate("LESS_THAN", "1", "abc")
    with pytest.raises(ConditionError, match="its left operand 'NaN' is not a number"):
        evaluate("GREATER_THAN", "NaN", "1")


def test_the_branch_not_taken_is_excluded(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    ok = write(lw, f"{base}/ok.py", "print('ran')\n")
    tasks = [
        condition("as_text", "{{job.parameters.n}}", "EQUAL_TO", "12"),
        condition("as_number", "{{job.parameters.n}}", "GREATER_THAN_OR_EQUAL", "12"),
        when(python_task("big", ok), "as_number", "true"),
        when(python_task("small", ok), "as_number", "false"),
        # Everything after the untaken branch is excluded too, whatever its run_if.
        python_task("after_small", ok, after=("small",), run_if="ALL_DONE"),
        # One taken and one untaken edge: the excluded one counts as a success.
        python_task("join", ok, after=("big", "small")),
        when(condition("equal", "x", "EQUAL_TO", "x"), "as_text", "false"),
    ]
    job_id = create_job(
        w, {"name": "if-else", "parameters": [{"name": "n", "default": "12.0"}], "tasks": tasks}
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert results(run) == {
        "as_text": "SUCCESS",
        "as_number": "SUCCESS",
        "big": "SUCCESS",
        "small": "EXCLUDED",
        "after_small": "EXCLUDED",
        "join": "SUCCESS",
        "equal": "SUCCESS",
    }
    assert run["state"]["result_state"] == "SUCCESS"  # excluded leaves are successes
    small = tasks_by_key(run)["small"]
    assert small["state"]["life_cycle_state"] == "SKIPPED"
    assert small["status"]["termination_details"]["code"] == "SKIPPED"
    # The SDK's view: the outcome is a string, "12.0" is not "12" as text but is as a number.
    sdk = w.jobs.get_run(run_id, include_resolved_values=True)
    by_key = {task.task_key: task for task in sdk.tasks or []}
    as_text, as_number = by_key["as_text"].condition_task, by_key["as_number"].condition_task
    assert as_text is not None and as_text.outcome == "false"
    assert as_number is not None and as_number.outcome == "true"
    assert as_text.left == "{{job.parameters.n}}"  # the task run shows the settings as written
    resolved = by_key["as_text"].resolved_values
    assert resolved is not None and resolved.condition_task is not None
    assert (resolved.condition_task.left, resolved.condition_task.right) == ("12.0", "12")
    assert by_key["small"].state is not None
    assert by_key["small"].state.result_state == jobs.RunResultState.EXCLUDED
    # No process ran for a condition: it takes no time.
    assert tasks_by_key(run)["as_text"]["execution_duration"] < 1000


def test_conditions_on_task_values_and_a_failing_condition(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    counter = write(
        lw,
        f"{base}/count.py",
        "dbutils.jobs.taskValues.set('rows', 0)\ndbutils.jobs.taskValues.set('fresh', True)\n",
    )
    ok = write(lw, f"{base}/ok.py", "print('ran')\n")
    tasks = [
        python_task("count", counter),
        condition("has_rows", "{{tasks.count.values.rows}}", "GREATER_THAN", "0", after=("count",)),
        when(python_task("load", ok), "has_rows", "true"),
        when(python_task("note_empty", ok), "has_rows", "false"),
        # A boolean task value becomes "true".
        condition("is_fresh", "{{tasks.count.values.fresh}}", "EQUAL_TO", "true", after=("count",)),
        condition("broken", "{{job.run_id}}", "LESS_THAN", "many", after=("count",)),
        when(python_task("after_broken", ok), "broken", "true"),
    ]
    run = wait_run(w, run_now(w, create_job(w, {"name": "values", "tasks": tasks})))
    assert results(run) == {
        "count": "SUCCESS",
        "has_rows": "SUCCESS",
        "load": "EXCLUDED",
        "note_empty": "SUCCESS",
        "is_fresh": "SUCCESS",
        "broken": "FAILED",
        "after_broken": "UPSTREAM_FAILED",
    }
    by_key = tasks_by_key(run)
    assert by_key["has_rows"]["condition_task"]["outcome"] == "false"
    assert by_key["is_fresh"]["condition_task"]["outcome"] == "true"
    broken = by_key["broken"]
    message = (
        "The condition LESS_THAN compares numbers, but its right operand 'many' is not a number."
    )
    assert broken["state"]["state_message"] == message
    assert "outcome" not in broken["condition_task"]  # only filled in on success
    assert run_output(w, broken["run_id"])["error"] == message
    assert run["state"]["result_state"] == "FAILED"  # a leaf was upstream-failed


# --- disabled tasks ------------------------------------------------------------------------------

DISABLED = Upstream("a", "DISABLED")
SUCCEEDED = Upstream("c", "SUCCESS")
FAILED = Upstream("c", "FAILED")
EXCLUDED = Upstream("c", "EXCLUDED")


@pytest.mark.parametrize(
    ("run_if", "upstream", "verdict"),
    [
        # The docs' table (Lakeflow Jobs "Disabled tasks"), one row each.
        ("ALL_SUCCESS", [DISABLED], "DISABLED"),
        ("AT_LEAST_ONE_SUCCESS", [DISABLED, SUCCEEDED], None),
        ("NONE_FAILED", [DISABLED, EXCLUDED], None),
        ("NONE_FAILED", [DISABLED], "DISABLED"),
        ("ALL_DONE", [DISABLED], None),
        ("AT_LEAST_ONE_FAILED", [DISABLED, FAILED], None),
        ("ALL_FAILED", [DISABLED], "DISABLED"),
        # A failure is the stronger reason: it is what the user must look at.
        ("ALL_SUCCESS", [DISABLED, FAILED], "UPSTREAM_FAILED"),
        ("AT_LEAST_ONE_FAILED", [DISABLED, SUCCEEDED], "DISABLED"),
        ("ALL_FAILED", [SUCCEEDED, FAILED], "EXCLUDED"),
        # Excluded dependencies count as successes; all of them excluded excludes the task.
        ("AT_LEAST_ONE_SUCCESS", [EXCLUDED, FAILED], None),
        ("ALL_DONE", [EXCLUDED, Upstream("d", "EXCLUDED")], "EXCLUDED"),
        # A canceled dependency is a failure to failure handlers.
        ("AT_LEAST_ONE_FAILED", [Upstream("c", "CANCELED")], None),
        ("ALL_SUCCESS", [Upstream("c", "CANCELED")], "UPSTREAM_CANCELED"),
    ],
)
def test_run_if_with_disabled_and_excluded_dependencies(
    run_if: str, upstream: list[Upstream], verdict: str | None
) -> None:
    ending = skip_verdict(run_if, upstream)
    assert (ending.result_state if ending is not None else None) == verdict


def test_disabled_tasks_and_what_follows_them(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    ok = write(lw, f"Shared/{uuid.uuid4().hex[:8]}/ok.py", "print('ran')\n")
    tasks = [
        python_task("off", ok, disabled=True),
        python_task("on", ok),
        python_task("needs_off", ok, after=("off",)),
        python_task("cleanup", ok, after=("off",), run_if="ALL_DONE"),
        python_task("either", ok, after=("off", "on"), run_if="AT_LEAST_ONE_SUCCESS"),
    ]
    run = wait_run(w, run_now(w, create_job(w, {"name": "disabled", "tasks": tasks})))
    assert results(run) == {
        "off": "DISABLED",
        "on": "SUCCESS",
        "needs_off": "DISABLED",
        "cleanup": "SUCCESS",
        "either": "SUCCESS",
    }
    by_key = tasks_by_key(run)
    assert by_key["off"]["status"]["termination_details"]["code"] == "DISABLED"
    assert by_key["needs_off"]["state"]["state_message"] == (
        "Disabled because upstream task 'off' is disabled."
    )
    assert "execution_duration" in by_key["off"] and by_key["off"]["execution_duration"] == 0
    assert run["state"]["result_state"] == "SUCCESS"
