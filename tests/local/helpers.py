"""Helpers of the local workspace's tests: files, jobs, and fast polling of runs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

from loom_jobs_widget.local import LocalWorkspace

TERMINAL = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")


def client(lw: LocalWorkspace, token: str | None = None) -> WorkspaceClient:
    # Short retry budget: a test that breaks the server must fail fast, not retry for 5 min.
    config = Config(
        host=lw.host, token=token or lw.token, retry_timeout_seconds=10, auth_type="pat"
    )
    return WorkspaceClient(config=config)


def write(lw: LocalWorkspace, relative: str, text: str) -> str:
    """Writes a workspace file; returns its /Workspace path."""
    target = lw.workspace_root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return f"/Workspace/{relative}"


def python_task(
    key: str, path: str, *, after: tuple[str, ...] = (), **fields: Any
) -> dict[str, Any]:
    task: dict[str, Any] = {"task_key": key, "spark_python_task": {"python_file": path}}
    if after:
        task["depends_on"] = [{"task_key": upstream} for upstream in after]
    task.update(fields)
    return task


def create_job(w: WorkspaceClient, settings: dict[str, Any]) -> int:
    return int(w.api_client.do("POST", "/api/2.2/jobs/create", body=settings)["job_id"])


def run_now(w: WorkspaceClient, job_id: int, **body: Any) -> int:
    answer = w.api_client.do("POST", "/api/2.2/jobs/run-now", body={"job_id": job_id, **body})
    return int(answer["run_id"])


def run_output(w: WorkspaceClient, run_id: int) -> dict[str, Any]:
    result: dict[str, Any] = w.api_client.do(
        "GET", "/api/2.2/jobs/runs/get-output", query={"run_id": run_id}
    )
    return result


def get_run(w: WorkspaceClient, run_id: int, **query: Any) -> dict[str, Any]:
    result: dict[str, Any] = w.api_client.do(
        "GET", "/api/2.2/jobs/runs/get", query={"run_id": run_id, **query}
    )
    return result


def wait_run(w: WorkspaceClient, run_id: int, timeout: float = 30.0) -> dict[str, Any]:
    """Polls runs/get every 20 ms until the run ends (the SDK's waiter sleeps 1 s and more)."""
    deadline = time.monotonic() + timeout
    while True:
        run = get_run(w, run_id)
        if run["state"]["life_cycle_state"] in TERMINAL:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} did not end in {timeout} s: {run['state']}")
        time.sleep(0.02)


def wait_for(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def tasks_by_key(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {task["task_key"]: task for task in run.get("tasks", [])}


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1].split()[0] != "Z"
    except OSError:
        return True
