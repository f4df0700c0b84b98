"""Run Job tasks: a run of another job, its parameters, its result, nesting, cancel."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import OperationFailed
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import (
    create_job,
    get_run,
    python_task,
    run_now,
    run_output,
    tasks_by_key,
    wait_for,
    wait_run,
    write,
)

ECHO = "import json, sys\nprint('ARGV=' + json.dumps(sys.argv[1:]))\n"


def run_job_task(key: str, job_id: int, **fields: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"job_id": job_id}
    spec.update(fields.pop("spec", {}))
    return {"task_key": key, "run_job_task": spec, **fields}


def child_of(w: WorkspaceClient, task_run_id: int) -> dict[str, Any]:
    child_id = run_output(w, task_run_id)["run_job_output"]["run_id"]
    return get_run(w, int(child_id))


def test_a_run_job_task_runs_the_other_job_and_takes_its_result(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    echo = write(lw, f"Shared/{uuid.uuid4().hex[:8]}/echo.py", ECHO)
    child_job = create_job(
        w,
        {
            "name": "child",
            "parameters": [
                {"name": "day", "default": "sun"},
                {"name": "env", "default": "dev"},
            ],
            "tasks": [
                python_task("show", echo)
                | {
                    "spark_python_task": {
                        "python_file": echo,
                        "parameters": [
                            "{{job.parameters.day}}",
                            "{{job.parameters.env}}",
                            "{{job.trigger.type}}",
                        ],
                    }
                }
            ],
        },
    )
    parent_job = create_job(
        w,
        {
            "name": "parent",
            "parameters": [
                {"name": "env", "default": "prod"},
                {"name": "only_here", "default": "x"},
            ],
            "tasks": [
                run_job_task(
                    "call",
                    child_job,
                    spec={"job_parameters": {"day": "{{job.start_time.iso_weekday}}", "env": "qa"}},
                )
            ],
        },
    )
    run_id = run_now(w, parent_job)
    run = wait_run(w, run_id)
    assert run["state"]["result_state"] == "SUCCESS", run
    call = tasks_by_key(run)["call"]
    assert call["state"]["result_state"] == "SUCCESS"
    child = child_of(w, call["run_id"])
    assert child["job_id"] == child_job and child["run_type"] == "JOB_RUN"
    assert child["trigger"] == "RUN_JOB_TASK"
    assert child["trigger_info"] == {"run_id": call["run_id"]}
    assert child["state"]["result_state"] == "SUCCESS"
    assert child["start_time"] >= call["start_time"] and call["end_time"] >= child["end_time"]
    weekday = str(time.gmtime(run["start_time"] / 1000).tm_wday + 1)
    # The task's job_parameters, resolved; the parent's env wins (pushdown), only_here is not
    # a parameter of the child and stays out.
    assert child["job_parameters"] == [
        {"name": "day", "default": "sun", "value": weekday},
        {"name": "env", "default": "dev", "value": "prod"},
    ]
    logs = run_output(w, child["tasks"][0]["run_id"])["logs"]
    assert json.loads(logs.split("ARGV=", 1)[1]) == [weekday, "prod", "run_job_task"]
    sdk = w.jobs.get_run(run_id, include_resolved_values=True)
    (task,) = sdk.tasks or []
    assert task.resolved_values is not None and task.resolved_values.run_job_task is not None
    assert task.resolved_values.run_job_task.job_parameters == {"day": weekday, "env": "qa"}
    output = w.jobs.get_run_output(call["run_id"])
    assert output.run_job_output == jobs.RunJobOutput(run_id=child["run_id"])
    assert [r.run_id for r in w.jobs.list_runs(job_id=child_job)] == [child["run_id"]]


def test_a_failing_child_fails_the_task_and_unknown_jobs_fail_clearly(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    bad = write(lw, f"Shared/{uuid.uuid4().hex[:8]}/bad.py", "raise ValueError('no input')\n")
    child_job = create_job(w, {"name": "failing child", "tasks": [python_task("load", bad)]})
    parent_job = create_job(
        w,
        {
            "name": "failing parent",
            "tasks": [
                run_job_task("call", child_job),
                run_job_task("missing", 987654321),
            ],
        },
    )
    with pytest.raises(OperationFailed, match="INTERNAL_ERROR: Task call failed"):
        w.jobs.run_now_and_wait(parent_job, timeout=timedelta(seconds=60))
    (run,) = w.jobs.list_runs(job_id=parent_job, expand_tasks=True)
    by_key = {task.task_key: task for task in run.tasks or []}
    call, missing = by_key["call"], by_key["missing"]
    assert call.state is not None and call.state.result_state == jobs.RunResultState.FAILED
    assert call.run_id is not None
    child_id = w.jobs.get_run_output(call.run_id).run_job_output
    assert child_id is not None and child_id.run_id is not None
    assert call.state.state_message == (
        f"Run {child_id.run_id} of job {child_job} ended FAILED: Task load failed with message: "
        "Workload failed, see run output for details."
    )
    assert missing.state is not None and missing.state.result_state == jobs.RunResultState.FAILED
    assert missing.state.state_message == "Job 987654321 does not exist."


def test_run_job_tasks_nest_at_most_three_deep(w: WorkspaceClient) -> None:
    # A job that runs itself: each level is one Run Job task deeper, until the limit.
    job_id = create_job(w, {"name": "recursive", "max_concurrent_runs": 10})
    settings = {"tasks": [run_job_task("again", job_id)]}
    w.api_client.do(
        "POST", "/api/2.2/jobs/update", body={"job_id": job_id, "new_settings": settings}
    )
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "FAILED"
    depths = [run]
    while True:
        again = tasks_by_key(depths[-1])["again"]
        output = run_output(w, again["run_id"])
        if "run_job_output" not in output:
            break
        depths.append(wait_run(w, output["run_job_output"]["run_id"]))
    assert len(depths) == 4  # the run itself and three nested runs
    innermost = tasks_by_key(depths[-1])["again"]
    assert innermost["state"]["state_message"] == (
        "Run Job task 'again' cannot start job "
        f"{job_id}: this run is already 3 Run Job tasks deep, and Databricks does not support "
        "nesting more than 3 (or jobs that run each other in a cycle)."
    )
    assert [r["trigger"] for r in depths] == ["ONE_TIME"] + ["RUN_JOB_TASK"] * 3


def test_canceling_the_parent_cancels_the_child_run(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    marker = lw.workspace_root / base / "started"
    sleeper = write(
        lw,
        f"{base}/sleep.py",
        f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(60)\n",
    )
    child_job = create_job(w, {"name": "slow child", "tasks": [python_task("nap", sleeper)]})
    parent_job = create_job(
        w,
        {
            "name": "cancel parent",
            "tasks": [
                run_job_task("call", child_job),
                python_task("after", sleeper, after=("call",)),
            ],
        },
    )
    run_id = run_now(w, parent_job)
    wait_for(marker.exists)
    began = time.monotonic()
    w.jobs.cancel_run(run_id)
    run = wait_run(w, run_id)
    assert time.monotonic() - began < 10
    assert run["state"]["result_state"] == "CANCELED"
    call = tasks_by_key(run)["call"]
    assert call["state"]["result_state"] == "CANCELED"
    assert tasks_by_key(run)["after"]["state"]["result_state"] == "UPSTREAM_CANCELED"
    child = child_of(w, call["run_id"])
    assert child["state"]["result_state"] == "CANCELED"
    assert child["tasks"][0]["state"]["result_state"] == "CANCELED"


def test_a_run_job_task_times_out_and_a_skipped_child_fails_it(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    sleeper = write(lw, f"Shared/{uuid.uuid4().hex[:8]}/sleep.py", "import time\ntime.sleep(60)\n")
    child_job = create_job(
        w,
        {
            "name": "busy child",
            "max_concurrent_runs": 1,
            "queue": {"enabled": False},
            "tasks": [python_task("nap", sleeper)],
        },
    )
    parent_job = create_job(
        w,
        {
            "name": "impatient parent",
            "max_concurrent_runs": 2,
            "tasks": [run_job_task("call", child_job, timeout_seconds=1)],
        },
    )
    first = run_now(w, parent_job)
    wait_for(lambda: any(True for _ in w.jobs.list_runs(job_id=child_job, active_only=True)))
    # The child job is at its limit with its queue off: this child run is skipped.
    second = wait_run(w, run_now(w, parent_job))
    call = tasks_by_key(second)["call"]
    assert call["state"]["result_state"] == "FAILED"
    assert call["state"]["state_message"].endswith(
        "ended MAXIMUM_CONCURRENT_RUNS_REACHED: Skipping this run because the limit of 1 maximum "
        "concurrent runs has been reached."
    )
    timed_out = tasks_by_key(wait_run(w, first))["call"]
    assert timed_out["state"]["result_state"] == "TIMEDOUT"
    assert timed_out["state"]["state_message"] == "Task timed out after 1 seconds."
    assert child_of(w, timed_out["run_id"])["state"]["result_state"] == "CANCELED"
