"""Prints how fast the local workspace runs no-op Python tasks, end to end through the SDK.

Goals: overhead per no-op task <= 20 ms; a 1000-task no-op DAG, wide and deep,
completes in <= 30 s on 2 cores.

- a 1-task job run: run-now until runs/get says TERMINATED, the median of N runs;
- per-task overhead: a 50-task chain, (total - single) / 49;
- a 1000-task wide DAG (all tasks independent, the engine's worker pool decides how many at once);
- deep DAGs: a 1000-task chain, and 5 chains of 200 tasks side by side (1000 tasks in all).

Tasks are forked by the workspace's warm task interpreter (`local/exec/forkserver.py`); `--spawn`
measures the old way, a fresh interpreter per task (then the DAGs take minutes).

Every run has a time limit: past it the bench cancels the run and prints "did not finish in X s".

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_runs.py [--quick]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from timing import Timing, time_calls

from loom_jobs_widget.local import LocalWorkspace

OVERHEAD_GOAL_MS = 20.0
DAG_GOAL_S = 30.0
BIG = 1000
CHAIN = 50
CHAINS = 5  # the second deep variant: CHAINS chains of BIG // CHAINS tasks
DAG_LIMIT_S = 120.0  # the bench stops waiting for one run after this long
TERMINAL = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")


def noop_task(key: str, after: str | None = None) -> dict[str, Any]:
    task: dict[str, Any] = {
        "task_key": key,
        "spark_python_task": {"python_file": "/Workspace/Shared/bench/noop.py"},
    }
    if after is not None:
        task["depends_on"] = [{"task_key": after}]
    return task


def wide(n: int) -> list[dict[str, Any]]:
    return [noop_task(f"t{i:04d}") for i in range(n)]


def chain(n: int, prefix: str = "t") -> list[dict[str, Any]]:
    return [noop_task(f"{prefix}{i:04d}", f"{prefix}{i - 1:04d}" if i else None) for i in range(n)]


def chains(count: int, n: int) -> list[dict[str, Any]]:
    return [task for c in range(count) for task in chain(n, f"c{c}t")]


class Bench:
    def __init__(self, lw: LocalWorkspace) -> None:
        self.w = WorkspaceClient(config=Config(host=lw.host, token=lw.token, auth_type="pat"))
        target = lw.workspace_root / "Shared" / "bench" / "noop.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("pass\n", encoding="utf-8")

    def job(self, name: str, tasks: list[dict[str, Any]]) -> int:
        body = {"name": name, "tasks": tasks, "max_concurrent_runs": 1}
        return int(self.w.api_client.do("POST", "/api/2.2/jobs/create", body=body)["job_id"])

    def state(self, run_id: int) -> dict[str, Any]:
        # Raw runs/get: the first page of tasks only, the state is all the bench reads.
        run = self.w.api_client.do("GET", "/api/2.2/jobs/runs/get", query={"run_id": run_id})
        state: dict[str, Any] = run["state"]
        return state

    def run(self, job_id: int, limit: float, poll: float = 0.01) -> float | None:
        """Seconds from run-now until the run is TERMINATED SUCCESS; None past `limit`."""
        start = time.perf_counter()
        body = {"job_id": job_id}
        run_id = int(self.w.api_client.do("POST", "/api/2.2/jobs/run-now", body=body)["run_id"])
        while True:
            state = self.state(run_id)
            if state["life_cycle_state"] in TERMINAL:
                elapsed = time.perf_counter() - start
                if state.get("result_state") != "SUCCESS":
                    raise RuntimeError(f"run {run_id} ended {state}")
                return elapsed
            if time.perf_counter() - start > limit:
                self.cancel(run_id)
                return None
            time.sleep(poll)

    def cancel(self, run_id: int) -> None:
        self.w.api_client.do("POST", "/api/2.2/jobs/runs/cancel", body={"run_id": run_id})
        deadline = time.monotonic() + 60
        while self.state(run_id)["life_cycle_state"] not in TERMINAL:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)


def verdict(value: float, goal: float) -> str:
    return "meets the goal" if value <= goal else f"{value / goal:.1f}x over the goal"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1000-task DAGs")
    parser.add_argument("--repeat", type=int, default=15, help="1-task runs to take the median of")
    parser.add_argument("--limit", type=float, default=DAG_LIMIT_S, help="seconds per big run")
    parser.add_argument(
        "--spawn", action="store_true", help="a fresh interpreter per task, no fork server"
    )
    args = parser.parse_args()
    how = "spawned" if args.spawn else "forked by the fork server"
    print(f"{os.cpu_count()} CPUs; no-op Python file tasks (spark_python_task), {how}")

    with (
        tempfile.TemporaryDirectory() as data,
        LocalWorkspace(data, fork_tasks=not args.spawn) as lw,
    ):
        bench = Bench(lw)

        def timed(job_id: int, limit: float = 30.0) -> float:
            seconds = bench.run(job_id, limit)
            if seconds is None:
                raise RuntimeError(f"did not finish in {limit:.0f} s")
            return seconds

        single_job = bench.job("single", wide(1))
        single = time_calls(lambda: timed(single_job), args.repeat, warm=True)
        print(single.line("1-task run, run-now to TERMINATED"))

        chain_job = bench.job("chain", chain(CHAIN))
        chain_times = Timing.of([timed(chain_job, args.limit) * 1e3 for _ in range(3)])
        print(chain_times.line(f"{CHAIN}-task chain"))
        overhead = (chain_times.median - single.median) / (CHAIN - 1)
        print(
            f"{'per-task overhead ((chain - single) / ' + str(CHAIN - 1) + ')':<44} "
            f"{overhead:7.1f} ms   goal {OVERHEAD_GOAL_MS:.0f} ms: {verdict(overhead, 20.0)}"
        )
        if args.quick:
            return

        for label, tasks in (
            (f"{BIG}-task wide DAG (independent)", wide(BIG)),
            (f"{BIG}-task chain", chain(BIG)),
            (f"{CHAINS} chains of {BIG // CHAINS} tasks", chains(CHAINS, BIG // CHAINS)),
        ):
            job_id = bench.job(label, tasks)
            seconds = bench.run(job_id, args.limit, poll=0.1)
            if seconds is None:
                print(f"{label:<44} did not finish in {args.limit:.0f} s")
                continue
            print(
                f"{label:<44} {seconds:7.1f} s   "
                f"goal {DAG_GOAL_S:.0f} s: {verdict(seconds, DAG_GOAL_S)}"
            )


if __name__ == "__main__":
    main()
