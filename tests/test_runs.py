"""Runs as the editor shows them (issue 8), on real runs of the local workspace: task states, the
root cause apart from the tasks that failed upstream, the repair preview against the repair the
workspace then makes, and following a run from the editor until it ends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.editor import JobEditor
from loom_jobs_widget.runs import (
    RunHandle,
    latest_task_runs,
    poll_intervals,
    repair_plan,
    root_causes,
    run_state,
    task_states,
)
from loom_jobs_widget.workspace import ConfigurationError, Workspace


@pytest.fixture
def scripts(ws: Workspace) -> str:
    folder = f"/Workspace/Shared/runs-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    for name, body in {
        "ok.py": b"print('ok')\n",
        # Fails until a flag file exists: a repair after "fixing" it succeeds.
        "flaky.py": b"import os, sys\nflag = sys.argv[1]\nif not os.path.exists(flag):\n"
        b"    raise SystemExit('no flag yet')\nprint('fixed')\n",
    }.items():
        ws.client.workspace.upload(f"{folder}/{name}", body, format=ImportFormat.AUTO,
                                   overwrite=True)  # fmt: skip
    return folder


def job_of(folder: str, flag: str) -> dict[str, Any]:
    def task(key: str, script: str, *after: str, **more: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "task_key": key,
            "spark_python_task": {"python_file": f"{folder}/{script}", "parameters": [flag]},
            **more,
        }
        if after:
            entry["depends_on"] = [{"task_key": upstream} for upstream in after]
        return entry

    return {
        "name": "runs test",
        "tasks": [
            task("extract", "ok.py"),
            task("load", "flaky.py", "extract"),
            task("report", "ok.py", "load"),
            task("audit", "ok.py", "extract"),
            task("alert", "ok.py", "load", run_if="AT_LEAST_ONE_FAILED"),
        ],
    }


@pytest.fixture
def failing_job(ws: Workspace, scripts: str, tmp_path: Any) -> Iterator[tuple[int, str]]:
    flag = str(tmp_path / "flag")
    job_id = int(ws.jobs.create(job_of(scripts, flag)).job_id)  # type: ignore[arg-type]
    yield job_id, flag
    ws.jobs.delete(job_id)


def test_a_failed_run_its_root_cause_and_its_repair(
    ws: Workspace, failing_job: tuple[int, str]
) -> None:
    job_id, flag = failing_job
    handle = RunHandle(ws.jobs, int(ws.jobs.run_now(job_id)["run_id"]))
    run = handle.wait(timeout=120)
    assert handle.done and run_state(run) == "FAILED"
    assert task_states(run) == {
        "extract": "SUCCESS",
        "load": "FAILED",
        "report": "UPSTREAM_FAILED",
        "audit": "SUCCESS",
        "alert": "SUCCESS",
    }
    assert root_causes(run) == ["load"]

    settings = ws.jobs.get(job_id).settings
    assert settings is not None
    plan = repair_plan(settings, run)
    assert plan.rerun == ["load", "report", "alert"]
    assert plan.reused == ["extract", "audit"]
    assert plan.request == {
        "run_id": handle.run_id,
        "rerun_all_failed_tasks": True,
        "rerun_dependent_tasks": True,
    }
    only_report = repair_plan(settings, run, rerun_tasks=["report"], rerun_dependent_tasks=False)
    assert (only_report.rerun, only_report.request.get("rerun_tasks")) == (["report"], ["report"])

    # Fix the cause, then repair as planned: the workspace reruns exactly the planned tasks.
    open(flag, "w").close()
    before = {key: task_run["run_id"] for key, task_run in latest_task_runs(run).items()}
    request = dict(plan.request)
    ws.jobs.repair_run(
        request.pop("run_id"),
        rerun_all_failed_tasks=request["rerun_all_failed_tasks"],
        rerun_dependent_tasks=request["rerun_dependent_tasks"],
    )
    repaired = handle.wait(timeout=120)
    after = {key: task_run["run_id"] for key, task_run in latest_task_runs(repaired).items()}
    assert sorted(k for k in after if after[k] != before[k]) == sorted(plan.rerun)
    assert task_states(repaired)["load"] == "SUCCESS"
    assert task_states(repaired)["alert"] == "EXCLUDED"  # no failure left to alert on


def test_the_editor_runs_the_job_and_colours_its_tasks(
    ws: Workspace, failing_job: tuple[int, str]
) -> None:
    job_id, _ = failing_job
    editor = JobEditor(job_id, ws)
    handle = editor.run()
    handle.wait(timeout=120)
    handle.stop()  # the follower ends with the run; stop() only waits for it
    assert handle._thread is not None and not handle._thread.is_alive()
    assert editor._session.states == task_states(handle.run)
    nodes = {n["data"]["id"]: n["data"] for n in editor._session._elements["nodes"]}
    assert nodes["load"]["state"] == "FAILED" and nodes["report"]["state"] == "UPSTREAM_FAILED"


def test_an_unsaved_job_cannot_run(ws: Workspace) -> None:
    editor = JobEditor(settings={"name": "draft", "tasks": []}, workspace=ws)
    with pytest.raises(ConfigurationError, match="Save the job before running it"):
        editor.run()


def test_polling_backs_off_to_a_ceiling() -> None:
    waits = [wait for _, wait in zip(range(12), poll_intervals(), strict=False)]
    assert waits[0] == 0.25 and waits == sorted(waits) and waits[-1] == 5.0


def test_states_of_runs_in_every_phase() -> None:
    assert run_state({"state": {"life_cycle_state": "QUEUED"}}) == "QUEUED"
    assert run_state({"state": {"life_cycle_state": "TERMINATED", "result_state": "CANCELED"}}) == (
        "CANCELED"
    )
    assert run_state({"status": {"state": "BLOCKED"}}) == "BLOCKED"
    assert run_state({}) == "UNKNOWN"
    # A retried task shows its last attempt.
    run = {"tasks": [
        {"task_key": "a", "attempt_number": 0, "start_time": 1,
         "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}},
        {"task_key": "a", "attempt_number": 1, "start_time": 2,
         "state": {"life_cycle_state": "RUNNING"}},
    ]}  # fmt: skip
    assert task_states(run) == {"a": "RUNNING"}
