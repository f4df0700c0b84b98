"""For each tasks: iterations as task runs, {{input}}, concurrency, stats, failures, cancel."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import ResourceDoesNotExist
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.engine.for_each import (
    ForEachError,
    IterationResult,
    concurrency_of,
    parse_inputs,
    stats,
)

from ..helpers import (
    client,
    create_job,
    get_run,
    process_alive,
    python_task,
    run_now,
    run_output,
    tasks_by_key,
    wait_for,
    wait_run,
    write,
)


def for_each_task(
    key: str, inputs: str, nested: dict[str, Any], *, concurrency: int | None = None, **fields: Any
) -> dict[str, Any]:
    spec: dict[str, Any] = {"inputs": inputs, "task": nested}
    if concurrency is not None:
        spec["concurrency"] = concurrency
    return {"task_key": key, "for_each_task": spec, **fields}


def iterations(w: WorkspaceClient, task_run_id: int) -> list[jobs.RunTask]:
    """The iterations of a for_each task run, as the SDK merges their pages."""
    return list(w.jobs.get_run(task_run_id).iterations or [])


def test_inputs_stats_and_the_sdk_merge() -> None:
    assert parse_inputs('[1, "a", {"b": 2}]') == [1, "a", {"b": 2}]
    with pytest.raises(ForEachError, match="not valid JSON"):
        parse_inputs("[1, 2")
    with pytest.raises(ForEachError, match="must be a JSON array, not a JSON dict"):
        parse_inputs('{"a": 1}')
    assert concurrency_of({}) == 1  # the documented default
    assert concurrency_of({"concurrency": 500}) == 100
    document = stats(
        5,
        [
            IterationResult("SUCCESS"),
            IterationResult("FAILED", "boom", "RUN_EXECUTION_ERROR"),
            IterationResult("FAILED", "boom", "RUN_EXECUTION_ERROR"),
            IterationResult(None),
        ],
    )
    parsed = jobs.ForEachStats.from_dict(document)
    assert parsed.task_run_stats == jobs.ForEachTaskTaskRunStats(
        active_iterations=1,
        completed_iterations=3,
        failed_iterations=2,
        scheduled_iterations=4,
        succeeded_iterations=1,
        total_iterations=5,
    )
    assert parsed.error_message_stats == [
        jobs.ForEachTaskErrorMessageStats(
            count=2, error_message="boom", termination_category="RUN_EXECUTION_ERROR"
        )
    ]


ECHO = "import json, sys, time\ntime.sleep(0.4)\nprint('ARGV=' + json.dumps(sys.argv[1:]))\n"


def test_iterations_run_per_input_as_task_runs(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    echo = write(lw, f"Shared/{uuid.uuid4().hex[:8]}/echo.py", ECHO)
    cities = [{"city": "Oslo", "n": 1}, {"city": "Lima", "n": 2}, {"city": "Pune", "n": 3}]
    nested = python_task("visit_iteration", echo) | {
        "spark_python_task": {
            "python_file": echo,
            "parameters": ["{{input.city}}", "{{input}}", "{{task.name}}"],
        }
    }
    job_id = create_job(
        w,
        {
            "name": "for-each",
            "parameters": [{"name": "cities", "default": json.dumps(cities)}],
            "tasks": [
                for_each_task("visit", "{{job.parameters.cities}}", nested, concurrency=2),
                python_task("after", echo, after=("visit",)),
            ],
        },
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert run["state"]["result_state"] == "SUCCESS", run
    # The job run lists the for_each task, not its iterations.
    assert [t["task_key"] for t in run["tasks"]] == ["visit", "after"]
    visit = tasks_by_key(run)["visit"]
    assert visit["for_each_task"]["stats"]["task_run_stats"] == {
        "total_iterations": 3,
        "scheduled_iterations": 3,
        "active_iterations": 0,
        "completed_iterations": 3,
        "succeeded_iterations": 3,
        "failed_iterations": 0,
    }
    assert tasks_by_key(run)["after"]["start_time"] >= visit["end_time"]

    runs = iterations(w, visit["run_id"])
    assert [it.task_key for it in runs] == ["visit_iteration"] * 3
    assert all(it.state and it.state.result_state == jobs.RunResultState.SUCCESS for it in runs)
    assert len({it.run_id for it in runs} | {visit["run_id"], run_id}) == 5
    for iteration, city in zip(runs, cities, strict=True):
        assert iteration.run_id is not None
        logs = run_output(w, iteration.run_id)["logs"]
        argv = json.loads(logs.split("ARGV=", 1)[1])
        assert argv == [city["city"], json.dumps(city, separators=(",", ":")), "visit_iteration"]
    # At most two at once: the third started only once one of the first two had ended.
    first, second, third = runs
    assert third.start_time is not None and first.end_time and second.end_time
    assert third.start_time >= min(first.end_time, second.end_time)
    assert first.start_time is not None and second.start_time is not None
    assert second.start_time < first.end_time  # the first two did overlap
    # An iteration is a task run of its own: runs/get and cancel know its id.
    assert runs[0].run_id is not None
    alone = get_run(w, runs[0].run_id)
    assert alone["job_id"] == job_id and alone["job_run_id"] == run_id
    assert alone["parent_run_id"] == visit["run_id"]
    assert alone["tasks"][0]["run_id"] == runs[0].run_id


def test_a_failing_iteration_fails_the_for_each_after_its_retries(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    lister = write(
        lw, f"{base}/list.py", "dbutils.jobs.taskValues.set('days', ['mon', 'bad', 'wed'])\n"
    )
    flag = lw.workspace_root / base / "fixed"
    worker = write(
        lw,
        f"{base}/work.py",
        "import pathlib, sys\n"
        f"if sys.argv[1] == 'bad' and not pathlib.Path({str(flag)!r}).exists():\n"
        "    raise ValueError('cannot handle ' + sys.argv[1])\n",
    )
    nested = python_task("work_iteration", worker, max_retries=1) | {
        "spark_python_task": {"python_file": worker, "parameters": ["{{input}}"]}
    }
    job_id = create_job(
        w,
        {
            "name": "for-each-fails",
            "tasks": [
                python_task("list", lister),
                for_each_task("work", "{{tasks.list.values.days}}", nested, concurrency=3)
                | {"depends_on": [{"task_key": "list"}]},
                python_task("report", lister, after=("work",)),
            ],
        },
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    work = tasks_by_key(run)["work"]
    assert work["state"]["result_state"] == "FAILED"
    assert work["state"]["state_message"] == "1 of 3 iterations failed."
    assert tasks_by_key(run)["report"]["state"]["result_state"] == "UPSTREAM_FAILED"
    assert run["state"]["result_state"] == "FAILED"
    stats_document = work["for_each_task"]["stats"]
    assert stats_document["task_run_stats"]["failed_iterations"] == 1
    assert stats_document["task_run_stats"]["succeeded_iterations"] == 2
    assert stats_document["error_message_stats"] == [
        {
            "error_message": "Workload failed, see run output for details",
            "count": 1,
            "termination_category": "RUN_EXECUTION_ERROR",
        }
    ]
    runs = get_run(w, work["run_id"])["iterations"]
    # The failing iteration ran twice (max_retries 1); each attempt is its own task run.
    assert len(runs) == 4
    failing = [it for it in runs if it["state"]["result_state"] == "FAILED"]
    assert [it["attempt_number"] for it in failing] == [0, 1]
    assert "original_attempt_run_id" not in failing[1]
    retry = run_output(w, failing[1]["run_id"])["metadata"]
    assert retry["original_attempt_run_id"] == failing[0]["run_id"]
    assert run_output(w, failing[0]["run_id"])["error"] == "ValueError: cannot handle bad"

    # A repair reruns the for_each task: all its iterations, as a new task run.
    flag.write_text("yes")
    w.jobs.repair_run(run_id, rerun_all_failed_tasks=True, rerun_dependent_tasks=True)
    repaired = wait_run(w, run_id)
    assert repaired["state"]["result_state"] == "SUCCESS"
    again = tasks_by_key(repaired)["work"]
    assert again["run_id"] != work["run_id"]
    assert len(iterations(w, again["run_id"])) == 3


def test_a_hundred_and_twenty_iterations_page_and_bad_inputs_fail(w: WorkspaceClient) -> None:
    # Condition tasks as the nested task: evaluated in the engine, so 120 iterations are quick.
    nested = {
        "task_key": "check_iteration",
        "condition_task": {"op": "GREATER_THAN_OR_EQUAL", "left": "{{input}}", "right": "0"},
    }
    job_id = create_job(
        w,
        {
            "name": "for-each-many",
            "tasks": [
                for_each_task("check", json.dumps(list(range(120))), nested, concurrency=100),
                for_each_task("broken", "[1, 2", nested),
            ],
        },
    )
    run = wait_run(w, run_now(w, job_id))
    check, broken = tasks_by_key(run)["check"], tasks_by_key(run)["broken"]
    assert check["state"]["result_state"] == "SUCCESS"
    first_page = get_run(w, check["run_id"])
    assert len(first_page["iterations"]) == 100 and "next_page_token" in first_page
    merged = iterations(w, check["run_id"])
    assert len(merged) == 120
    old_api = w.api_client.do("GET", "/api/2.1/jobs/runs/get", query={"run_id": check["run_id"]})
    assert len(old_api["iterations"]) == 120 and "next_page_token" not in old_api  # unpaged
    assert len({it.run_id for it in merged}) == 120
    assert {it.condition_task.outcome for it in merged if it.condition_task} == {"true"}
    assert check["for_each_task"]["stats"]["task_run_stats"]["succeeded_iterations"] == 120
    assert broken["state"]["result_state"] == "FAILED"
    assert broken["state"]["state_message"] == (
        "The for_each inputs are not a JSON array: '[1, 2' is not valid JSON."
    )
    assert get_run(w, broken["run_id"])["iterations"] == []


def test_canceling_a_for_each_cancels_its_iterations(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    started = lw.workspace_root / base / "started"
    started.mkdir(parents=True)
    sleeper = write(
        lw,
        f"{base}/sleep.py",
        "import pathlib, sys, time\n"
        f"pathlib.Path({str(started)!r}, sys.argv[1]).touch()\n"
        "time.sleep(60)\n",
    )
    nested = python_task("nap_iteration", sleeper) | {
        "spark_python_task": {"python_file": sleeper, "parameters": ["{{input}}"]}
    }
    job_id = create_job(
        w,
        {
            "name": "for-each-cancel",
            "tasks": [for_each_task("nap", '["a", "b", "c", "d"]', nested, concurrency=2)],
        },
    )
    run_id = run_now(w, job_id)
    wait_for(lambda: len(list(started.iterdir())) == 2)
    began = time.monotonic()
    w.jobs.cancel_run(run_id)
    run = wait_run(w, run_id)
    assert time.monotonic() - began < 10
    assert run["state"]["result_state"] == "CANCELED"
    nap = tasks_by_key(run)["nap"]
    assert nap["state"]["result_state"] == "CANCELED"
    assert nap["for_each_task"]["stats"]["task_run_stats"]["scheduled_iterations"] == 2
    runs = iterations(w, nap["run_id"])
    assert [it.state.result_state for it in runs if it.state] == [jobs.RunResultState.CANCELED] * 2
    assert sorted(path.name for path in started.iterdir()) == ["a", "b"]  # c and d never ran


def test_a_for_each_task_times_out_with_its_iterations(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    sleeper = write(lw, f"{base}/sleep.py", "import time\ntime.sleep(60)\n")
    ok = write(lw, f"{base}/ok.py", "print('cleaned up')\n")
    job_id = create_job(
        w,
        {
            "name": "for-each-timeout",
            "tasks": [
                for_each_task(
                    "nap", "[1, 2, 3]", python_task("nap_iteration", sleeper), timeout_seconds=1
                ),
                python_task("cleanup", ok, after=("nap",), run_if="AT_LEAST_ONE_FAILED"),
            ],
        },
    )
    run = wait_run(w, run_now(w, job_id))
    nap = tasks_by_key(run)["nap"]
    assert nap["state"]["result_state"] == "TIMEDOUT"
    assert nap["state"]["state_message"] == "Task timed out after 1 seconds."
    assert nap["state"]["user_cancelled_or_timedout"] is True
    (only,) = get_run(w, nap["run_id"])["iterations"]  # concurrency 1: one had started
    assert only["state"]["result_state"] == "CANCELED"
    # A timed-out task is a failure to the tasks that handle failures.
    assert tasks_by_key(run)["cleanup"]["state"]["result_state"] == "SUCCESS"
    assert run["state"]["result_state"] == "SUCCESS_WITH_FAILURES"


def test_iterations_in_progress_when_the_server_died_end_on_restart(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    server = subprocess.Popen(
        [sys.executable, "-m", "loom_jobs_widget.cli", "serve", "--data", str(data), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        exported = ""
        while not exported.startswith("  export "):
            exported = server.stdout.readline()
            assert exported, "serve ended early"
        host = exported.split()[1].removeprefix("DATABRICKS_HOST=")
        w = WorkspaceClient(host=host, token=(data / "token").read_text().strip())
        pids = data / "workspace" / "Shared" / "pids"
        pids.mkdir(parents=True)
        (data / "workspace" / "Shared" / "nap.py").write_text(
            f"import os, pathlib, time\npathlib.Path({str(pids)!r}, str(os.getpid())).touch()\n"
            "time.sleep(60)\n"
        )
        nested = python_task("nap_iteration", "/Workspace/Shared/nap.py")
        job_id = create_job(
            w, {"name": "dies", "tasks": [for_each_task("nap", "[1, 2]", nested, concurrency=2)]}
        )
        run_id = run_now(w, job_id)
        wait_for(lambda: len(list(pids.iterdir())) == 2)
        orphans = [int(path.name) for path in pids.iterdir()]
    finally:
        server.kill()  # the server dies without a chance to clean up
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()

    w = client(make_workspace(data))
    run = get_run(w, run_id)
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    nap = tasks_by_key(run)["nap"]
    assert nap["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    runs = get_run(w, nap["run_id"])["iterations"]
    assert [it["state"]["life_cycle_state"] for it in runs] == ["INTERNAL_ERROR"] * 2
    # Killed on restart:
    wait_for(lambda: not any(process_alive(pid) for pid in orphans), timeout=10)
    # Deleting the run takes its iterations with it.
    w.jobs.delete_run(run_id)
    with pytest.raises(ResourceDoesNotExist):
        w.jobs.get_run(runs[0]["run_id"])
