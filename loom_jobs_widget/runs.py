"""A job run as the editor shows it (issue 8): the state of each task for the canvas overlay,
the root causes of a failure apart from the tasks that only failed upstream, what a repair would
rerun and what it would reuse, and `RunHandle`, which follows a run with a polling that backs off
and stops when the run ends.

Runs are read as the API's JSON (`JobsService.get_run`); nothing here holds a credential.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from loom_jobs_widget.models import JobSettings

if TYPE_CHECKING:
    from loom_jobs_widget.workspace import JobsService

__all__ = [
    "TERMINAL",
    "RepairPlan",
    "RunHandle",
    "latest_task_runs",
    "poll_intervals",
    "repair_plan",
    "root_causes",
    "run_state",
    "task_states",
]

TERMINAL: Final = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})
# Results a repair of "all failed tasks" leaves alone (the API's rerun_all_failed_tasks).
_SUCCEEDED: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES", "EXCLUDED", "DISABLED"})
# A task that ended so because of another task did not fail by itself.
_KNOCK_ON: Final = frozenset({"UPSTREAM_FAILED", "UPSTREAM_CANCELED"})
_OWN_FAILURES: Final = frozenset({"FAILED", "TIMEDOUT", "MAXIMUM_CONCURRENT_RUNS_REACHED"})


def run_state(run: Mapping[str, Any]) -> str:
    """One word for a run or task run: its result once it ended, else where it is in its life
    cycle (QUEUED, PENDING, RUNNING, WAITING_FOR_RETRY, ...)."""
    given = run.get("state")
    state: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    life = state.get("life_cycle_state")
    result = state.get("result_state")
    if life in TERMINAL and isinstance(result, str):
        return result
    if isinstance(life, str):
        return life
    status = run.get("status")
    if isinstance(status, Mapping) and isinstance(status.get("state"), str):
        return str(status["state"])
    return "UNKNOWN"


def latest_task_runs(run: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each task's latest task run (the last attempt, or the last repair's), by task_key."""
    found: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
    for position, task_run in enumerate(run.get("tasks") or []):
        if not isinstance(task_run, dict) or not isinstance(task_run.get("task_key"), str):
            continue
        order = (
            int(task_run.get("start_time") or 0),
            int(task_run.get("attempt_number") or 0),
            position,
        )
        key = task_run["task_key"]
        if key not in found or order >= found[key][0]:
            found[key] = (order, task_run)
    return {key: task_run for key, (_, task_run) in found.items()}


def task_states(run: Mapping[str, Any]) -> dict[str, str]:
    """The state each task shows on the canvas (`run_state` of its latest task run)."""
    return {key: run_state(task_run) for key, task_run in latest_task_runs(run).items()}


def root_causes(run: Mapping[str, Any]) -> list[str]:
    """The tasks that failed by themselves (FAILED, TIMEDOUT), not because an upstream task
    did: where to look first."""
    return [
        key
        for key, task_run in latest_task_runs(run).items()
        if run_state(task_run) in _OWN_FAILURES
    ]


@dataclass(frozen=True)
class RepairPlan:
    """What a repair would do, before it is sent: `rerun` (in the job's order), `reused` (tasks
    whose results and task values the repair keeps), and the request's fields."""

    rerun: list[str]
    reused: list[str]
    request: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"rerun": self.rerun, "reused": self.reused, "request": self.request}


def repair_plan(
    settings: JobSettings | Mapping[str, Any],
    run: Mapping[str, Any],
    *,
    rerun_tasks: Sequence[str] | None = None,
    rerun_dependent_tasks: bool = True,
    latest_repair_id: int | None = None,
) -> RepairPlan:
    """The repair of ``run`` the Runs tab proposes: the tasks given (all failed ones by
    default), with their dependents when ``rerun_dependent_tasks``; as the Jobs API repairs."""
    document = settings.to_api() if isinstance(settings, JobSettings) else dict(settings)
    tasks = [t for t in document.get("tasks") or [] if isinstance(t, dict)]
    order = [t["task_key"] for t in tasks if isinstance(t.get("task_key"), str)]
    children: dict[str, list[str]] = {}
    for task in tasks:
        for dependency in task.get("depends_on") or []:
            if isinstance(dependency, dict) and isinstance(dependency.get("task_key"), str):
                children.setdefault(dependency["task_key"], []).append(task["task_key"])
    latest = latest_task_runs(run)
    request: dict[str, Any] = {"run_id": run.get("run_id")}
    if rerun_tasks is None:
        chosen = [key for key, task_run in latest.items() if run_state(task_run) not in _SUCCEEDED]
        request["rerun_all_failed_tasks"] = True
    else:
        chosen = list(dict.fromkeys(rerun_tasks))
        request["rerun_tasks"] = chosen
    rerun = set(chosen)
    if rerun_dependent_tasks:
        request["rerun_dependent_tasks"] = True
        todo = list(chosen)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in rerun:
                    rerun.add(child)
                    todo.append(child)
    if latest_repair_id is not None:
        request["latest_repair_id"] = latest_repair_id
    known = [key for key in order if key in rerun] + sorted(rerun.difference(order))
    reused = [key for key in order if key in latest and key not in rerun]
    return RepairPlan(rerun=known, reused=reused, request=request)


def poll_intervals(
    first: float = 0.25, factor: float = 1.5, most: float = 5.0
) -> Iterator[float]:
    """Seconds to wait between two reads of a running run: quick at first (a short run shows
    its end at once), then slower, never more than ``most``."""
    wait = first
    while True:
        yield wait
        wait = min(most, wait * factor)


class RunHandle:
    """A run being followed: ``.state``, ``.run`` (the last `runs/get`), ``.wait()``,
    ``.cancel()``; ``follow(callback)`` calls back with each new read from a daemon thread
    that ends with the run (or with ``stop()``)."""

    def __init__(self, jobs: JobsService, run_id: int) -> None:
        self.jobs = jobs
        self.run_id = run_id
        self.run: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"RunHandle(run_id={self.run_id}, state={self.state!r})"

    def refresh(self) -> dict[str, Any]:
        self.run = self.jobs.get_run(self.run_id)
        return self.run

    @property
    def state(self) -> str:
        return run_state(self.run) if self.run else "UNKNOWN"

    @property
    def done(self) -> bool:
        life = (self.run.get("state") or {}).get("life_cycle_state") if self.run else None
        return life in TERMINAL

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        """Poll until the run ends (backing off); the last read. TimeoutError after
        ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for pause in poll_intervals():
            if self.refresh() and self.done:
                return self.run
            if deadline is not None and time.monotonic() + pause > deadline:
                raise TimeoutError(f"Run {self.run_id} did not end in {timeout} s ({self.state}).")
            time.sleep(pause)
        raise AssertionError("unreachable")

    def cancel(self) -> None:
        self.jobs.cancel_run(self.run_id)

    def follow(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call ``callback(run)`` after each read until the run ends; one thread at most."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            for pause in poll_intervals():
                # A failed read (the network, a restart) is tried again at the next tick.
                with contextlib.suppress(Exception):
                    callback(self.refresh())
                if self.done or self._stop.wait(pause):
                    return

        self._thread = threading.Thread(target=loop, name=f"loom-run-{self.run_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop following (the run goes on)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
