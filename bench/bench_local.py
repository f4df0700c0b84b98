"""Prints how fast the local workspace answers the calls the editor makes most, in milliseconds.

- jobs/get of a 1000-task job through the SDK (10 pages of 100 tasks, merged by the SDK's mixin);
- the first jobs/list page over 10,000 jobs (goal: 300 ms), through the SDK and raw;
- jobs/create of the 1000-task job (lossless model + validation + store).

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_local.py`.
The 10,000 jobs are created through the API from 8 client threads, as real clients would.
Figures are the median and the worst of repeated calls on a warm server.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from timing import Timing, time_calls

from loom_jobs_widget.local import LocalWorkspace

LIST_GOAL_MS = 300.0
JOBS = 10_000
TASKS = 1000


def big_job(tasks: int) -> dict[str, Any]:
    """Layers of 20 notebook tasks, each depending on two tasks of the layer above."""
    out = []
    for i in range(tasks):
        task: dict[str, Any] = {
            "task_key": f"t{i:04d}",
            "notebook_task": {
                "notebook_path": f"/Workspace/Shared/etl/n{i}",
                "base_parameters": {"run_date": "{{job.parameters.run_date}}"},
            },
            "timeout_seconds": 3600,
        }
        if i >= 20:
            task["depends_on"] = [
                {"task_key": f"t{i - 20:04d}"},
                {"task_key": f"t{i - 19 - (i % 2):04d}"},
            ]
        out.append(task)
    return {
        "name": "bench 1000 tasks",
        "parameters": [{"name": "run_date", "default": "2026-01-01"}],
        "tasks": out,
    }


def row(label: str, timing: Timing) -> str:
    return f"{label:48} {timing.median:7.1f} ms  (worst {timing.worst:.1f})"


def main() -> None:
    with tempfile.TemporaryDirectory() as data, LocalWorkspace(data) as lw:
        w = WorkspaceClient(config=Config(host=lw.host, token=lw.token, auth_type="pat"))

        settings = big_job(TASKS)
        start = time.perf_counter()
        job_id = w.api_client.do("POST", "/api/2.2/jobs/create", body=settings)["job_id"]
        create_ms = (time.perf_counter() - start) * 1000
        job = w.jobs.get(job_id)
        assert job.settings is not None and len(job.settings.tasks or []) == TASKS
        get_job = time_calls(lambda: w.jobs.get(job_id), 20)

        start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(
                    lambda i: w.api_client.do(
                        "POST",
                        "/api/2.2/jobs/create",
                        body={"name": f"job {i}", "max_concurrent_runs": 1},
                    ),
                    range(JOBS - 1),
                )
            )
        fill_s = time.perf_counter() - start

        def sdk_first_page() -> None:
            next(iter(w.jobs.list()))

        list_sdk = time_calls(sdk_first_page, 50)
        list_raw = time_calls(lambda: w.api_client.do("GET", "/api/2.2/jobs/list"), 50)
        list_100 = time_calls(
            lambda: w.api_client.do("GET", "/api/2.2/jobs/list", query={"limit": 100}), 50
        )
        list_expand = time_calls(
            lambda: w.api_client.do(
                "GET", "/api/2.2/jobs/list", query={"limit": 100, "expand_tasks": "true"}
            ),
            20,
        )
        list_name = time_calls(
            lambda: w.api_client.do("GET", "/api/2.2/jobs/list", query={"name": "JOB 9999"}), 50
        )
        page = w.api_client.do("GET", "/api/2.2/jobs/list", query={"limit": 100})
        for _ in range(60):  # the token of page 60 of 100
            page = w.api_client.do(
                "GET",
                "/api/2.2/jobs/list",
                query={"limit": 100, "page_token": page["next_page_token"]},
            )
        token = page["next_page_token"]
        list_deep = time_calls(
            lambda: w.api_client.do(
                "GET", "/api/2.2/jobs/list", query={"limit": 100, "page_token": token}
            ),
            50,
        )

    print(f"jobs/create, {TASKS}-task job:                   {create_ms:7.1f} ms")
    print(row(f"jobs/get via SDK, {TASKS}-task job (10 pages):", get_job))
    print(f"filling {JOBS} jobs through jobs/create:           {fill_s:7.1f} s")
    for label, timing in [
        ("first jobs/list page, SDK (20 jobs)", list_sdk),
        ("first jobs/list page, raw (20 jobs)", list_raw),
        ("jobs/list limit=100", list_100),
        ("jobs/list limit=100 expand_tasks", list_expand),
        ("jobs/list name filter", list_name),
        ("jobs/list page 61 (limit=100)", list_deep),
    ]:
        print(row(f"{label}, {JOBS} jobs:", timing))
    verdict = "met" if list_sdk.worst <= LIST_GOAL_MS else "MISSED"
    print(f"goal: first jobs/list page <= {LIST_GOAL_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
