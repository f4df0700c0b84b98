"""Prints what `spark` costs a local task: the cold start (the first task that uses it starts the
workspace's Spark Connect server) and the overhead per task once the server is warm.

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_spark.py [N]`
(needs `pip install "loom-jobs-widget[spark]"` and Java 17+).

A fresh local workspace runs, one after the other, through the real SDK:

- cold: one notebook task running `spark.range(3).count()` (starts the server);
- warm: N (default 5) such tasks, each its own Spark session on the warm server;
- no spark: N notebook tasks running `x = 3` (what a task costs without Spark);
- client import: in N more warm tasks, how long the task's own import of the Spark Connect
  client takes (what the fork server's import of its dependencies leaves to each task);
- server start alone: a second workspace's server, from spawn to its port accepting.

overhead per task = warm median - no-spark median.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.services import SparkServer


def _notebook(lw: LocalWorkspace, name: str, code: str) -> str:
    path = lw.workspace_root / "Shared" / f"{name}.py"
    path.write_text(f"# Databricks notebook source\n{code}\n", encoding="utf-8")
    return f"/Workspace/Shared/{name}"


_IMPORT_PROBE = """import time
started = time.perf_counter()
import pyspark.sql.connect.session
dbutils.notebook.exit(str(time.perf_counter() - started))"""


def _submit_and_wait(w: WorkspaceClient, path: str) -> dict[str, Any]:
    """A one-time run of the notebook at `path`, once it has ended."""
    answer = w.api_client.do(
        "POST",
        "/api/2.2/jobs/runs/submit",
        body={"tasks": [{"task_key": "t", "notebook_task": {"notebook_path": path}}]},
    )
    run_id = int(answer["run_id"])
    while True:
        run = w.api_client.do("GET", "/api/2.2/jobs/runs/get", query={"run_id": run_id})
        if run["state"]["life_cycle_state"] in ("TERMINATED", "INTERNAL_ERROR", "SKIPPED"):
            return dict(run)
        time.sleep(0.02)


def _import_seconds(w: WorkspaceClient, path: str) -> float:
    run = _submit_and_wait(w, path)
    task_run_id = run["tasks"][0]["run_id"]
    output = w.api_client.do("GET", "/api/2.2/jobs/runs/get-output", query={"run_id": task_run_id})
    return float(output["notebook_output"]["result"])


def _run(w: WorkspaceClient, path: str) -> float:
    start = time.perf_counter()
    run = _submit_and_wait(w, path)
    elapsed = time.perf_counter() - start
    if run["state"].get("result_state") != "SUCCESS":
        raise SystemExit(f"{path} failed: {run['state']}")
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        with LocalWorkspace(Path(folder) / "ws", spark=True).start() as lw:
            w = WorkspaceClient(config=Config(host=lw.host, token=lw.token, auth_type="pat"))
            uses = _notebook(lw, "uses_spark", "spark.range(3).count()")
            plain = _notebook(lw, "plain", "x = 3")
            _run(w, plain)  # the fork server's own start is not Spark's
            cold = _run(w, uses)
            warm = [_run(w, uses) for _ in range(count)]
            none = [_run(w, plain) for _ in range(count)]
            probe = _notebook(lw, "import_probe", _IMPORT_PROBE)
            imports = [_import_seconds(w, probe) for _ in range(count)]
        server = SparkServer(Path(folder) / "alone")
        server.start()
        start = time.perf_counter()
        server.ensure_started()
        alone = time.perf_counter() - start
        server.stop()
    warm_median, none_median = statistics.median(warm), statistics.median(none)
    print(f"server start alone (spawn to port open)   {alone:6.2f} s")
    print(f"cold: first task using spark               {cold:6.2f} s")
    print(f"warm: task using spark, median of {count}      {warm_median:6.2f} s")
    print(f"no spark: task, median of {count}              {none_median:6.2f} s")
    print(f"overhead per task (warm - no spark)        {warm_median - none_median:6.2f} s")
    print(f"client import in a warm task, median       {statistics.median(imports):6.2f} s")


if __name__ == "__main__":
    main()
