"""Runs as a real workspace answers them and as the local workspace does, read by the same
client code (`RunsService`, `RunHandle` and the readings of `run_views`): a job run whose task
failed, a run not ended yet, a finished run's row and link, a notebook task's output and its
`metadata`, and get-output asked of a job run instead of a task run.

Parametrized tests run over the answer recorded from a real workspace (`recorded`) and over the
local workspace's answer to the same scenario (`local`). The tests of retries and repairs have
no recording beside them (none public was found): they hold the local workspace to the shape
the public evidence describes, quoted where they assert it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.jobs import RunOutput

from loom_jobs_widget.client import (
    InvalidRequestError,
    RunHandle,
    Workspace,
    progress,
    repair_plan,
    root_causes,
    run_detail,
    run_state,
    run_summary,
    task_states,
)

from .conftest import Files, create_job, finished, local
from .recordings import load

SOURCES = ["recorded", "local"]

PHASES = ("setup_duration", "execution_duration", "cleanup_duration")

# The Jobs API's run_page_url: the legacy fragment URL, `?o=<workspace id>#job/<job>/run/<run>`.
RUN_PAGE_URL = re.compile(r"^https?://[^/?#]+/\?o=\d+#job/(\d+)/run/(\d+)$")


# --- a job run whose one task failed ----------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_a_failed_task_fails_the_job_run_with_the_real_message(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    recording = load("runs_get_failed_job_run")
    if source == "recorded":
        workspace = replay(("runs/get", recording))
        run_id = int(recording.response["run_id"])
        run = workspace.runs.get_run(run_id)
    else:
        ws, files = local(request)
        workspace = ws
        script = files.put("fail.py", "raise RuntimeError('intentional failure')\n")
        job_id = create_job(ws, {"name": "failed run", "tasks": [
            {"task_key": "main", "spark_python_task": {"python_file": script}},
        ]})  # fmt: skip
        run_id = int(ws.runs.run_now(job_id)["run_id"])
        run = finished(ws, run_id)
        # The recording's deploy error quotes the task's get-output error the same way.
        (task_run,) = run["tasks"]
        assert ws.runs.get_run_output(task_run["run_id"])["error"] == (
            "RuntimeError: intentional failure"
        )
    summary = run_summary(run)
    assert (summary["state"], summary["ended"]) == ("FAILED", True)
    assert summary["state_message"] == recording.response["state"]["state_message"]
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert run["run_type"] == "JOB_RUN"
    handle = RunHandle(workspace.runs, run_id)
    handle.refresh()
    assert handle.done and handle.state == "FAILED"


# --- a run not ended yet ------------------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_a_run_not_ended_has_no_end_and_no_result(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    if source == "recorded":
        recording = load("runs_get_pending")
        workspace = replay(("runs/get", recording))
        run_id = int(recording.response["run_id"])
    else:
        ws, files = local(request)
        workspace = ws
        script = files.put("slow.py", "import time\ntime.sleep(3)\n")
        job_id = create_job(ws, {"name": "slow run", "tasks": [
            {"task_key": "slow", "spark_python_task": {"python_file": script}},
        ]})  # fmt: skip
        run_id = int(ws.runs.run_now(job_id)["run_id"])
    try:
        run = workspace.runs.get_run(run_id)
        now = int(run["start_time"]) + 5_000
        summary = run_summary(run, now_ms=now)
        assert summary["ended"] is False and summary["end_time"] is None
        assert summary["state"] in ("QUEUED", "PENDING", "RUNNING")
        assert summary["duration_ms"] == now - run["start_time"]
        assert "result_state" not in run["state"]
        assert run["end_time"] == 0
        shown = progress(run)
        assert (shown["done"], shown["total"], shown["finished"]) == (0, 1, False)
        assert shown["root_causes"] == []
        handle = RunHandle(workspace.runs, run_id)
        handle.refresh()
        assert not handle.done
    finally:
        if source == "local":
            workspace.runs.cancel_run(run_id)


# --- a finished run: its row in the run history, its link ---------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_a_finished_run_row_and_its_link(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    if source == "recorded":
        recording = load("runs_get_submit_run")
        workspace = replay(("runs/get", recording))
        run = workspace.runs.get_run(int(recording.response["run_id"]))
    else:
        ws, files = local(request)
        script = files.put("ok.py", "print('ok')\n")
        job_id = create_job(ws, {"name": "ok run", "tasks": [
            {"task_key": "ok", "spark_python_task": {"python_file": script}},
        ]})  # fmt: skip
        run = finished(ws, int(ws.runs.run_now(job_id)["run_id"]))
    summary = run_summary(run)
    assert (summary["state"], summary["ended"]) == ("SUCCESS", True)
    assert summary["run_id"] == run["run_id"] and summary["number_in_job"] == run["run_id"]
    assert summary["start_time"] == run["start_time"] and summary["end_time"] == run["end_time"]
    # The run's run_duration when it has one; else, for a run of one task, the sum of its phases
    # (databricks-sdk `BaseRun.setup_duration`: "The duration of a task run is the sum of the
    # setup_duration, execution_duration, and the cleanup_duration").
    phases = sum(run.get(name, 0) for name in PHASES)
    assert summary["duration_ms"] == (run.get("run_duration") or phases)
    # The workspace links the run with the legacy fragment URL; the row offers the link when a
    # browser can open it (not the local workspace's loopback address, which serves no pages).
    link = RUN_PAGE_URL.match(run["run_page_url"])
    assert link is not None, run["run_page_url"]
    assert (int(link[1]), int(link[2])) == (run["job_id"], run["run_id"])
    assert summary["run_page_url"] == (run["run_page_url"] if source == "recorded" else None)
    (task_run,) = run["tasks"]
    assert task_run["attempt_number"] == 0 and task_run["end_time"] <= run["end_time"]


# --- a notebook task's output -------------------------------------------------------------------

NOTEBOOK = "# Databricks notebook source\n"
FAILURE = "The pytest invocation failed. See the log above for details."


@pytest.mark.parametrize("source", SOURCES)
def test_a_failed_notebook_task_output_and_its_metadata(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    recording = load("runs_get_output_notebook_failed")
    if source == "recorded":
        workspace = replay(("runs/get-output", recording))
        metadata = recording.response["metadata"]
        job_run_id, task_run_id = int(metadata["job_run_id"]), int(metadata["run_id"])
        task_key = metadata["task_key"]
        notebook_path = metadata["tasks"][0]["notebook_task"]["notebook_path"]
    else:
        ws, files = local(request)
        workspace = ws
        task_key = "brickproof-Unittests"
        notebook_path = files.put("runner.py", f"{NOTEBOOK}retcode = 1\nassert retcode == 0, "
                                  f"{FAILURE!r}\n")  # fmt: skip
        job_id = create_job(ws, {"name": "notebook failure", "tasks": [
            {"task_key": task_key, "notebook_task": {"notebook_path": notebook_path}},
        ]})  # fmt: skip
        job_run_id = int(ws.runs.run_now(job_id)["run_id"])
        (task_run,) = finished(ws, job_run_id)["tasks"]
        task_run_id = int(task_run["run_id"])

    output = workspace.runs.get_run_output(task_run_id)
    # What the Runs tab shows of the task: the error's last line, the traceback, no exit value.
    assert output["error"] == f"AssertionError: {FAILURE}"
    assert "AssertionError" in output["error_trace"]
    assert not (output.get("notebook_output") or {}).get("result")
    # metadata is the task run as a Run: its own ids at the top, the task's settings in tasks[0].
    metadata = output["metadata"]
    assert metadata["run_id"] == task_run_id and metadata["task_key"] == task_key
    assert metadata["parent_run_id"] == metadata["job_run_id"] == job_run_id
    assert (metadata["run_type"], metadata["format"]) == ("JOB_RUN", "MULTI_TASK")
    assert run_state(metadata) == "FAILED"
    (task,) = metadata["tasks"]
    assert (task["task_key"], task["run_id"], task["attempt_number"]) == (task_key, task_run_id, 0)
    assert task["notebook_task"] == {"notebook_path": notebook_path, "source": "WORKSPACE"}
    assert run_state(task) == "FAILED"
    assert task["status"]["termination_details"]["code"] == "RUN_EXECUTION_ERROR"
    # The SDK's typed reading of the same answer finds the task's settings there too.
    typed = RunOutput.from_dict(output)
    assert typed.metadata is not None and typed.metadata.tasks is not None
    assert typed.metadata.tasks[0].notebook_task is not None
    assert typed.metadata.tasks[0].notebook_task.notebook_path == notebook_path


def test_a_notebook_exit_value_is_the_output_result(ws: Workspace, files: Files) -> None:
    # No real answer of a notebook that exited is recorded publicly; Jobs API reference,
    # runs/get-output: notebook_output.result is "the value passed to dbutils.notebook.exit()".
    notebook_path = files.put("exit.py", f"{NOTEBOOK}dbutils.notebook.exit('rows=42')\n")
    job_id = create_job(ws, {"name": "notebook exit", "tasks": [
        {"task_key": "etl", "notebook_task": {"notebook_path": notebook_path}},
    ]})  # fmt: skip
    job_run_id = int(ws.runs.run_now(job_id)["run_id"])
    (task_run,) = finished(ws, job_run_id)["tasks"]
    output = ws.runs.get_run_output(int(task_run["run_id"]))
    assert output["notebook_output"] == {"result": "rows=42", "truncated": False}
    assert "error" not in output
    (task,) = output["metadata"]["tasks"]
    assert task["task_key"] == "etl" and run_state(task) == "SUCCESS"
    assert task["notebook_task"]["notebook_path"] == notebook_path


@pytest.mark.parametrize("source", SOURCES)
def test_get_output_of_a_job_run_is_refused(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    recording = load("error_get_output_multitask")
    if source == "recorded":
        workspace = replay(("runs/get-output", recording))
        run_id = int(recording.request["query"]["run_id"])
    else:
        ws, files = local(request)
        workspace = ws
        script = files.put("ok.py", "print('ok')\n")
        # One task is enough: get-output refuses a job run "even if it consists of the single
        # task" (apache/airflow PR #25427).
        job_id = create_job(ws, {"name": "output of the job run", "tasks": [
            {"task_key": "ok", "spark_python_task": {"python_file": script}},
        ]})  # fmt: skip
        run_id = int(ws.runs.run_now(job_id)["run_id"])
        finished(ws, run_id)
    with pytest.raises(InvalidRequestError) as caught:
        workspace.runs.get_run_output(run_id)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    assert str(caught.value) == (
        f"Could not read the output of run {run_id}: {recording.response['message']}"
    )


# --- retries and repairs: one task, several attempts --------------------------------------------


def test_a_retried_task_shows_once_with_its_last_attempt(ws: Workspace, files: Files) -> None:
    # apache/airflow PR #72313, on a live workspace, a task that always fails with max_retries 1:
    # "the API returns two entries for that task — attempt_number 0 and 1, both FAILED, with
    # different task run ids".
    script = files.put("fail.py", "raise SystemExit('always')\n")
    job_id = create_job(ws, {"name": "retried", "tasks": [
        {"task_key": "flaky", "spark_python_task": {"python_file": script}, "max_retries": 1},
    ]})  # fmt: skip
    run = finished(ws, int(ws.runs.run_now(job_id)["run_id"]), include_history=True)
    entries = [t for t in run["tasks"] if t["task_key"] == "flaky"]
    assert [t["attempt_number"] for t in entries] == [0, 1]
    assert [run_state(t) for t in entries] == ["FAILED", "FAILED"]
    assert len({t["run_id"] for t in entries}) == 2
    # The run view: the task once, in its last attempt's state, with both attempts counted.
    assert task_states(run) == {"flaky": "FAILED"}
    assert root_causes(run) == ["flaky"]
    detail = run_detail(run, ["flaky"])
    (shown,) = detail["tasks"]
    assert (shown["task_key"], shown["attempt_number"], shown["attempts"]) == ("flaky", 1, 2)
    assert shown["run_id"] == entries[1]["run_id"] and shown["root_cause"] is True
    assert [a["attempt_number"] for a in detail["attempts"]] == [0, 1]


FLAKY = "import os, sys\nif not os.path.exists(sys.argv[1]):\n    raise SystemExit('no flag yet')\n"


def failed_run(ws: Workspace, files: Files, flag: Path) -> tuple[int, int]:
    """A job extract -> load -> report whose load fails until ``flag`` exists, and its ended run
    where load failed: (job_id, run_id)."""
    ok = files.put("ok.py", "print('ok')\n")
    flaky = files.put("flaky.py", FLAKY)
    job_id = create_job(ws, {"name": "repaired", "tasks": [
        {"task_key": "extract", "spark_python_task": {"python_file": ok}},
        {"task_key": "load", "depends_on": [{"task_key": "extract"}],
         "spark_python_task": {"python_file": flaky, "parameters": [str(flag)]}},
        {"task_key": "report", "depends_on": [{"task_key": "load"}],
         "spark_python_task": {"python_file": ok}},
    ]})  # fmt: skip
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    assert task_states(finished(ws, run_id)) == {
        "extract": "SUCCESS", "load": "FAILED", "report": "UPSTREAM_FAILED"
    }  # fmt: skip
    return job_id, run_id


def repaired(ws: Workspace, run_id: int, flag: Path) -> dict[str, Any]:
    """Fixes the failed run's cause and repairs it: the run, with its history, once the repair
    has ended."""
    flag.touch()
    ws.runs.repair_run(run_id, rerun_all_failed_tasks=True, rerun_dependent_tasks=True)
    deadline = time.monotonic() + 30
    while True:
        # Until the repair starts, the run still reads as it ended before it.
        run = finished(ws, run_id, include_history=True)
        if task_states(run)["load"] == "SUCCESS" or time.monotonic() > deadline:
            return run
        time.sleep(0.02)


def test_a_repaired_run_keeps_every_attempt_and_shows_each_task_once(
    ws: Workspace, files: Files, tmp_path: Path
) -> None:
    job_id, run_id = failed_run(ws, files, tmp_path / "fixed")
    run = repaired(ws, run_id, tmp_path / "fixed")
    # A repair adds task runs to the run and keeps the earlier ones: apache/airflow PR #69998 on
    # a live workspace, "Attempts accumulate across repairs".
    keys = [t["task_key"] for t in run["tasks"]]
    assert sorted(keys) == ["extract", "load", "load", "report", "report"]
    history = run["repair_history"]
    assert [h["type"] for h in history] == ["ORIGINAL", "REPAIR"]
    # The run view: each task once, in the job's order, with its latest state and attempt count.
    assert task_states(run) == {"extract": "SUCCESS", "load": "SUCCESS", "report": "SUCCESS"}
    assert root_causes(run) == []
    detail = run_detail(run, ["extract", "load", "report"])
    assert [(t["task_key"], t["state"], t["attempts"]) for t in detail["tasks"]] == [
        ("extract", "SUCCESS", 1),
        ("load", "SUCCESS", 2),
        ("report", "SUCCESS", 2),
    ]
    assert [a["state"] for a in detail["attempts"] if a["task_key"] == "load"] == [
        "FAILED", "SUCCESS"
    ]  # fmt: skip
    assert detail["latest_repair_id"] == history[-1]["id"]
    assert detail["state"] == "SUCCESS"
    shown = progress(run)
    assert (shown["done"], shown["total"], shown["finished"]) == (3, 3, True)
    # The next repair proposed from this run names each task once.
    settings = ws.jobs.get(job_id).settings
    assert settings is not None
    plan = repair_plan(settings, run, rerun_tasks=["load"])
    assert plan.rerun == ["load", "report"] and plan.request["rerun_tasks"] == ["load"]


def test_a_repair_naming_a_task_twice_is_refused_as_the_real_workspace_refuses_it(
    ws: Workspace, files: Files, tmp_path: Path
) -> None:
    recording = load("error_repair_duplicate_task_keys")
    _, run_id = failed_run(ws, files, tmp_path / "fixed")
    # The recording repeated the key of a task that had two attempts; here the failed one.
    with pytest.raises(InvalidRequestError) as caught:
        ws.runs.repair_run(run_id, rerun_tasks=["load", "load"])
    assert str(caught.value) == f"Could not repair run {run_id}: {recording.response['message']}"
    after = ws.runs.get_run(run_id, include_history=True)
    assert [h["type"] for h in after.get("repair_history") or []] in ([], ["ORIGINAL"])
