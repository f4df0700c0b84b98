"""`Engine`: job runs and their task runs, from run-now to their last state.

A job run is a DAG of task runs. The engine keeps the runs in progress in memory, writes every
transition through to the store (so runs/get, which reads the store, always sees the latest
state, and a restart finds it), and drives the tasks:

- task runs start in DAG order as their dependencies end, each on one of `workers` threads (4 by
  default) that starts the task's runner process and waits for it; the runner process is what
  executes user code, so a crashing task only ends its own task run (`dispatch`, `attempts`);
- a task whose dependencies did not succeed is skipped per its `run_if` (UPSTREAM_FAILED, ...);
- a failed attempt is retried per `max_retries` / `min_retry_interval_millis` (`attempts`);
- `timeout_seconds` (task and job) and cancel kill the runner's process tree (`stopping`);
- `max_concurrent_runs` (default 1) queues extra runs (jobs made with API 2.2, or run with
  `queue.enabled`) or skips them (`job_runs`);
- a repair reruns tasks of an ended job run, as new task runs of the same job run (`repair`);
- a run that was in progress when the process ended is closed as INTERNAL_ERROR at the next start
  (`recovery`).

Before a task starts, the dynamic value references in its settings are resolved (`parameters`,
`resolve`); what they became is kept as the task run's `resolved_values`.

Three task types run inside the engine, without a runner process and without holding a worker:
a condition task (`conditions`), a for_each task, whose iterations are task runs of their own
(`for_each`), and a run_job task, which starts a job run of another job (`run_job`).

The engine is one object made of a mixin per concept, over `EngineBase`, which holds the state
they share and the lock that guards it; each mixin says what state it owns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.attempts import Attempts
from loom_jobs_widget.local.engine.base import StartTask
from loom_jobs_widget.local.engine.conditions import ConditionTasks
from loom_jobs_widget.local.engine.dispatch import Dispatch
from loom_jobs_widget.local.engine.for_each import ForEachTasks
from loom_jobs_widget.local.engine.job_runs import JobRuns
from loom_jobs_widget.local.engine.recovery import close_interrupted_runs
from loom_jobs_widget.local.engine.repair import Repair
from loom_jobs_widget.local.engine.run_job import RunJobTasks
from loom_jobs_widget.local.engine.stopping import STOPPED_MESSAGE, Stopping
from loom_jobs_widget.local.exec import start_task
from loom_jobs_widget.local.store import Store

__all__ = ["DEFAULT_WORKERS", "Engine"]

DEFAULT_WORKERS: Final = 4


class Engine(
    JobRuns, Dispatch, Attempts, ConditionTasks, ForEachTasks, RunJobTasks, Repair, Stopping
):
    """Runs jobs: `start_run`, `cancel`, `cancel_all`, `repair`, `delete_run`; `start()` before
    the first, `stop()` at the end."""

    def __init__(
        self,
        store: Store,
        *,
        workspace_root: Path,
        runs_dir: Path,
        user_name: str,
        host: Callable[[], str],
        workers: int = DEFAULT_WORKERS,
        start_task: StartTask = start_task,
    ) -> None:
        super().__init__(
            store,
            workspace_root=workspace_root,
            runs_dir=runs_dir,
            user_name=user_name,
            host=host,
            workers=workers,
            start_task=start_task,
        )
        self._children = {}
        self._clock_stop = threading.Event()
        self._clock = threading.Thread(target=self._tick_loop, name="loom-run-clock", daemon=True)

    def start(self) -> None:
        close_interrupted_runs(self._store, STOPPED_MESSAGE.format(when="restarted"))
        self._clock.start()

    def stop(self) -> None:
        """Kill every task process and end the runs in progress as INTERNAL_ERROR."""
        with self._lock:
            self._stopping = True
            for run in self._runs.values():
                for attempt in run.attempts():
                    attempt.stop_reason = "STOPPED"
        self._clock_stop.set()
        if self._clock.is_alive():
            self._clock.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            message = STOPPED_MESSAGE.format(when="stopped")
            for run in list(self._runs.values()):
                ending = run_states.internal_error(message)
                for attempt in run.attempts():  # iterations before their for_each task
                    if attempt.result is None:
                        self._end_attempt(run, attempt, ending, None)
                self._finish_run(run, ending)
            self._runs.clear()
            self._queues.clear()
            self._children.clear()
