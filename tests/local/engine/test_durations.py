"""A run's durations as runs/get and runs/list show them: while the run is in progress it has
`setup_duration`, `execution_duration` and `cleanup_duration` (0 until known) but no
`run_duration`, as real answers of PENDING and RUNNING runs have none; once it ended, its
`run_duration`, with all its repairs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import (
    create_job,
    get_run,
    python_task,
    run_now,
    tasks_by_key,
    wait_for,
    wait_run,
    write,
)

PHASES = ("setup_duration", "execution_duration", "cleanup_duration")


def waits_for(flag: Path) -> str:
    """A Python file that runs until `flag` exists."""
    return (
        "import pathlib, time\n"
        f"flag = pathlib.Path({str(flag)!r})\n"
        "deadline = time.monotonic() + 30\n"
        "while not flag.exists() and time.monotonic() < deadline:\n"
        "    time.sleep(0.02)\n"
    )


def listed(w: WorkspaceClient, job_id: int, version: str) -> dict[str, Any]:
    answer = w.api_client.do(
        "GET", f"/api/{version}/jobs/runs/list", query={"job_id": job_id, "expand_tasks": "true"}
    )
    (run,) = answer["runs"]
    result: dict[str, Any] = run
    return result


def running(w: WorkspaceClient, run_id: int, key: str) -> dict[str, Any]:
    """runs/get of the run once its task `key` runs."""
    found: dict[str, Any] = {}

    def task_runs() -> bool:
        found.update(get_run(w, run_id))
        task = tasks_by_key(found).get(key) or {}
        return (task.get("state") or {}).get("life_cycle_state") == "RUNNING"

    wait_for(task_runs)
    return found


def assert_in_progress(run: dict[str, Any]) -> None:
    assert run["state"]["life_cycle_state"] in ("PENDING", "RUNNING"), run["state"]
    assert run["end_time"] == 0
    assert "run_duration" not in run
    assert all(run[name] == 0 for name in PHASES)  # a multi-task job run's: always 0
    for task in run["tasks"]:
        if task["state"]["life_cycle_state"] not in ("TERMINATED", "SKIPPED", "INTERNAL_ERROR"):
            assert task["end_time"] == 0 and "run_duration" not in task, task


def test_a_run_has_a_run_duration_only_once_it_ended(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    flag = lw.workspace_root / base / "go"
    slow = write(lw, f"{base}/slow.py", waits_for(flag))
    ok = write(lw, f"{base}/ok.py", "print('ok')\n")
    job_id = create_job(
        w,
        {
            "name": "durations",
            "tasks": [python_task("slow", slow), python_task("after", ok, after=("slow",))],
        },
    )
    run_id = run_now(w, job_id)

    run = running(w, run_id, "slow")
    assert_in_progress(run)
    slow_task = tasks_by_key(run)["slow"]
    assert slow_task["start_time"] > 0 and slow_task["setup_duration"] >= 0
    assert tasks_by_key(run)["after"]["state"]["life_cycle_state"] == "BLOCKED"
    for version in ("2.1", "2.2"):
        assert_in_progress(listed(w, job_id, version))
    # The SDK reads it as a run without a duration.
    assert w.jobs.get_run(run_id).run_duration is None

    flag.touch()
    ended = wait_run(w, run_id)
    assert ended["state"]["result_state"] == "SUCCESS"
    assert ended["run_duration"] == ended["end_time"] - ended["start_time"] > 0
    for task in ended["tasks"]:
        assert task["run_duration"] == task["end_time"] - task["start_time"], task
    assert listed(w, job_id, "2.2")["run_duration"] == ended["run_duration"]

    # A repair puts the run in progress again: no run_duration until the repair ends, then
    # the time of the run and all its repairs.
    flag.unlink()
    w.jobs.repair_run(run_id, rerun_tasks=["slow"])
    repairing = get_run(w, run_id)
    assert_in_progress(repairing)
    repairing = running(w, run_id, "slow")
    assert_in_progress(repairing)
    flag.touch()
    wait_run(w, run_id)
    repaired = get_run(w, run_id, include_history="true")
    assert repaired["state"]["result_state"] == "SUCCESS"
    spans = [item["end_time"] - item["start_time"] for item in repaired["repair_history"]]
    assert [item["type"] for item in repaired["repair_history"]] == ["ORIGINAL", "REPAIR"]
    assert repaired["run_duration"] == sum(spans) > ended["run_duration"]


def test_a_skipped_run_ended_at_once(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    ok = write(lw, f"Shared/{uuid.uuid4().hex[:8]}/ok.py", "print('ok')\n")
    job_id = create_job(
        w, {"name": "never", "max_concurrent_runs": 0, "tasks": [python_task("t", ok)]}
    )
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["life_cycle_state"] == "SKIPPED"
    assert run["end_time"] == run["start_time"] and run["run_duration"] == 0
