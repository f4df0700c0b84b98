"""Prints how the local workspace's jobs/update behaves under concurrent clients: requests per
second, p50 and p99 latency, and lost updates (which must be 0).

Each client is a thread with a `WorkspaceClient` of its own, looping for a few seconds: every
update adds the task `c<client>_<n>` and removes `c<client>_<n-1>` (`fields_to_remove`), so that
in the end each job must hold exactly the last task each client was told it saved, beside its
`seed` task. A task missing (an acknowledged update lost) or a stale task left (a removal lost)
counts as a lost update. Two cases for each number of clients:

- one job: every client updates the same job (its writes queue behind each other's);
- separate jobs: each client updates a job of its own (the writes need not wait for each other),
  given as many tasks as the shared job holds (`seed` and fillers), since an update's cost grows
  with the job's size.

Run from the project root:
`PYTHONPATH=. .venv/bin/python bench/bench_concurrency.py [--clients 1,4,8,16] [--seconds 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

from loom_jobs_widget.local import LocalWorkspace


@dataclass
class _Client:
    index: int
    job_id: int
    last: int = 0  # n of the last acknowledged c<index>_<n>
    latencies: list[float] = field(default_factory=list)  # ms
    errors: list[BaseException] = field(default_factory=list)


@dataclass(frozen=True)
class _Result:
    clients: int
    case: str
    requests: int
    seconds: float
    latencies: list[float]  # ms, ascending
    lost: int
    errors: int

    def row(self) -> str:
        p50 = statistics.median(self.latencies) if self.latencies else float("nan")
        p99 = _percentile(self.latencies, 0.99)
        rps = self.requests / self.seconds
        return (
            f"{self.clients:>7}  {self.case:<14} {rps:>9.0f} {p50:>9.1f} {p99:>9.1f}"
            f" {self.requests:>9} {self.lost:>6} {self.errors:>6}"
        )


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _task(key: str) -> dict[str, Any]:
    return {"task_key": key, "notebook_task": {"notebook_path": f"/Shared/{key}"}}


def _sdk(lw: LocalWorkspace) -> WorkspaceClient:
    return WorkspaceClient(config=Config(host=lw.host, token=lw.token, auth_type="pat"))


def _create(w: WorkspaceClient, name: str, fillers: int = 0) -> int:
    tasks = [_task("seed"), *(_task(f"filler_{k}") for k in range(fillers))]
    body = {"name": name, "tasks": tasks}
    return int(w.api_client.do("POST", "/api/2.2/jobs/create", body=body)["job_id"])


def _loop(w: WorkspaceClient, me: _Client, until: list[float], start: threading.Barrier) -> None:
    start.wait()  # the main thread sets `until` before it joins the barrier
    try:
        while time.monotonic() < until[0]:
            n = me.last + 1
            body: dict[str, Any] = {
                "job_id": me.job_id,
                "new_settings": {"tasks": [_task(f"c{me.index}_{n}")]},
            }
            if n > 1:
                body["fields_to_remove"] = [f"tasks/c{me.index}_{n - 1}"]
            began = time.perf_counter()
            w.api_client.do("POST", "/api/2.2/jobs/update", body=body)
            me.latencies.append((time.perf_counter() - began) * 1000)
            me.last = n
    except BaseException as error:  # counted and printed by the main thread
        me.errors.append(error)


def _lost(w: WorkspaceClient, job_id: int, clients: list[_Client], fillers: int) -> int:
    settings = w.jobs.get(job_id).settings
    keys = {task.task_key for task in (settings.tasks if settings else None) or []}
    expected = {
        "seed",
        *(f"filler_{k}" for k in range(fillers)),
        *(f"c{me.index}_{me.last}" for me in clients if me.last > 0),
    }
    return len(expected - keys) + len(keys - expected)


def _run(lw: LocalWorkspace, clients: int, one_job: bool, seconds: float) -> _Result:
    owner = _sdk(lw)
    shared = _create(owner, f"one job, {clients} clients") if one_job else 0
    members = [
        _Client(i, shared if one_job else _create(owner, f"client {i} of {clients}", clients - 1))
        for i in range(clients)
    ]
    until = [0.0]
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(target=_loop, args=(_sdk(lw), me, until, start), daemon=True)
        for me in members
    ]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    until[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - began
    for me in members:
        for error in me.errors:
            print(f"  client {me.index}: {error!r}")
    jobs = {me.job_id: [m for m in members if m.job_id == me.job_id] for me in members}
    fillers = 0 if one_job else clients - 1
    lost = sum(_lost(owner, job_id, writers, fillers) for job_id, writers in jobs.items())
    return _Result(
        clients=clients,
        case="one job" if one_job else "separate jobs",
        requests=sum(len(me.latencies) for me in members),
        seconds=elapsed,
        latencies=sorted(t for me in members for t in me.latencies),
        lost=lost,
        errors=sum(len(me.errors) for me in members),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,4,8,16", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each case")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]

    print(f"jobs/update, {args.seconds:g} s per case; latency in ms")
    print(
        f"{'clients':>7}  {'case':<14} {'req/s':>9} {'p50':>9} {'p99':>9}"
        f" {'requests':>9} {'lost':>6} {'errors':>6}"
    )
    lost = 0
    with tempfile.TemporaryDirectory() as data, LocalWorkspace(data) as lw:
        for clients in counts:
            for one_job in (True, False):
                result = _run(lw, clients, one_job, args.seconds)
                print(result.row(), flush=True)
                lost += result.lost + result.errors
    print(f"lost updates in all: {lost} (must be 0)")
    if lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
