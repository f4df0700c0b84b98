"""The engine's shared state and record keeping: the runs in progress under one lock, the store
writes and listener calls that go with every transition, and what each part of the engine offers
the others (`EngineBase`'s abstract methods, implemented by the mixins `Engine` is made of)."""

from __future__ import annotations

import json
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.errors import EngineStopping, RunInProgress, RunNotFound
from loom_jobs_widget.local.engine.listeners import RunListener
from loom_jobs_widget.local.engine.model import (
    Attempt,
    Run,
    RunRequest,
    now_ms,
    positive_int,
)
from loom_jobs_widget.local.engine.state import Ending
from loom_jobs_widget.local.exec import TaskInvocation, TaskOutcome, TaskProcess
from loom_jobs_widget.local.store import RunRecord, Store, TaskRunRecord

__all__ = ["EngineBase", "StartTask"]

_LOG = logging.getLogger(__name__)

StartTask = Callable[[TaskInvocation], TaskProcess]


class EngineBase(ABC):
    """The state every part of the engine shares:

    - `_store`, `_workspace_root`, `_runs_dir`, `_user_name`, `_host`, `_start_task`: given;
    - `_lock` guards everything below and orders the store writes that go with it. It is never
      held while a runner process starts or is waited on;
    - `_runs`: the job runs in progress (queued ones included), by run id;
    - `_queues`: per job, its runs waiting for a place under max_concurrent_runs;
    - `_pool`: the worker threads that start task processes and wait for them;
    - `_stopping`: set once, by `stop()`: nothing new starts after it;
    - `listeners`: told of run and task starts and ends (notifications, continuous triggers).
    """

    def __init__(
        self,
        store: Store,
        *,
        workspace_root: Path,
        runs_dir: Path,
        user_name: str,
        host: Callable[[], str],
        workers: int,
        start_task: StartTask,
    ) -> None:
        self._store = store
        self._workspace_root = workspace_root
        self._runs_dir = runs_dir
        self._user_name = user_name
        self._host = host
        self._start_task = start_task
        self._lock = threading.RLock()
        self._runs: dict[int, Run] = {}
        self._queues: dict[int, deque[Run]] = {}
        self._workspace_id: str | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loom-task")
        self._stopping = False
        self.listeners: list[RunListener] = []

    # --- what the parts offer each other

    @abstractmethod
    def start_run(self, request: RunRequest) -> tuple[int, int]:
        """A new job run: its run_id and number_in_job (`job_runs`)."""

    @abstractmethod
    def _launch(self, run: Run, *, repair: bool = False) -> None:
        """Take a run out of the queue and start its first tasks (`job_runs`)."""

    @abstractmethod
    def _finish_run(self, run: Run, ending: Ending) -> None:
        """End a job run; start what its end lets start (`job_runs`)."""

    @abstractmethod
    def _advance(self, run: Run) -> None:
        """Start or skip every task whose dependencies have ended (`dispatch`)."""

    @abstractmethod
    def _dispatch(self, run: Run, attempt: Attempt) -> None:
        """Start an attempt whose dependencies allow it (`dispatch`)."""

    @abstractmethod
    def _after_attempt(self, run: Run, attempt: Attempt) -> None:
        """What follows an attempt's end: a retry, or the next tasks (`dispatch`)."""

    @abstractmethod
    def _execute(self, run: Run, attempt: Attempt) -> None:
        """Run an attempt's task process to its end, on a worker thread (`attempts`)."""

    @abstractmethod
    def _retry(self, run: Run, attempt: Attempt) -> bool:
        """A new attempt of a failed task with retries left; whether there is one
        (`attempts`)."""

    @abstractmethod
    def _run_condition(self, run: Run, attempt: Attempt) -> None:
        """Evaluate a condition task (`conditions`)."""

    @abstractmethod
    def _start_for_each(self, run: Run, attempt: Attempt) -> None:
        """Start a for_each task's iterations (`for_each`)."""

    @abstractmethod
    def _loop_step(self, run: Run, owner: Attempt) -> bool:
        """Start the iterations a for_each task has room for; whether it ended (`for_each`)."""

    @abstractmethod
    def _start_run_job(self, run: Run, attempt: Attempt) -> None:
        """Start a run_job task's run of the other job (`run_job`)."""

    @abstractmethod
    def _child_ended(self, child: Run) -> None:
        """A run that a run_job task started ended (`run_job`)."""

    # --- attempts

    def _new_attempt(
        self,
        run: Run,
        task: dict[str, Any],
        task_run_id: int,
        seq: int,
        attempt_number: int,
        original_attempt_run_id: int | None = None,
        *,
        parent: Attempt | None = None,
        index: int = 0,
    ) -> Attempt:
        """A task run of `task` that has not started; with `parent`, iteration `index` of that
        for_each task run."""
        key = str(task.get("task_key") or "")
        waits = parent is None and bool(run.parents.get(key))
        doc = {
            **task,
            "run_id": task_run_id,
            "attempt_number": attempt_number,
            # Not a RunTask field: the task run's own Run view (runs/get on its id, get-output's
            # metadata) shows it; the API leaves it out of tasks[] and iterations[].
            "original_attempt_run_id": original_attempt_run_id or task_run_id,
            "run_if": task.get("run_if") if isinstance(task.get("run_if"), str) else "ALL_SUCCESS",
            "start_time": 0,
            "end_time": 0,
            "setup_duration": 0,
            "execution_duration": 0,
            "cleanup_duration": 0,
            # No run_duration until it ends (`_end_attempt`), as a job run in progress.
            **run_states.in_progress("BLOCKED" if waits else "PENDING"),
        }
        if parent is not None:
            doc.pop("depends_on", None)
        return Attempt(
            key=key,
            task=task,
            doc=doc,
            seq=seq,
            job_run_id=run.run_id,
            parent=parent,
            index=index,
        )

    def _mark_running(self, run: Run, attempt: Attempt) -> None:
        attempt.running_at = now_ms()
        attempt.doc["setup_duration"] = attempt.running_at - attempt.pending_at
        attempt.doc.update(run_states.in_progress("RUNNING"))
        self._save_attempt(attempt)
        self._tell("task_started", run.plan["settings"], run.doc, attempt.doc)
        if not run.started:
            run.started = True
            run.doc.update(run_states.in_progress("RUNNING"))
            self._save_run(run)

    def _start_deadline(self, attempt: Attempt) -> None:
        """The monotonic end of a for_each or run_job task's own timeout (the clock watches it;
        a task with a process watches its own in `attempts`)."""
        timeout = positive_int(attempt.task.get("timeout_seconds"))
        attempt.deadline = time.monotonic() + timeout if timeout else None

    def _end_attempt(
        self, run: Run, attempt: Attempt, ending: Ending, outcome: TaskOutcome | None
    ) -> None:
        ended = now_ms()
        attempt.result = ending.result_state
        attempt.message = ending.message
        attempt.deadline = None
        doc = attempt.doc
        doc.update(ending.documents())
        if not doc["start_time"]:
            doc["start_time"] = ended
        if attempt.running_at:
            doc["execution_duration"] = ended - attempt.running_at
        doc["end_time"] = ended
        doc["run_duration"] = ended - int(doc["start_time"])
        output: dict[str, Any] = {}
        if outcome is not None:
            attempt.task_values = dict(outcome.task_values)
            # A SQL task's sql_output and rows: stored below, read by {{tasks.<key>.output.*}}.
            attempt.extra_output.update(getattr(outcome, "extra_output", None) or {})
            output = {
                "logs": outcome.logs,
                "logs_truncated": outcome.logs_truncated,
                "error": outcome.error,
                "error_trace": outcome.error_trace,
                "notebook_result": outcome.notebook_result,
                "notebook_result_truncated": getattr(outcome, "notebook_result_truncated", False),
                "task_values": outcome.task_values,
            }
        elif ending.result_state in ("FAILED", "TIMEDOUT") and ending.message:
            output = {"error": ending.message}
        output.update(attempt.extra_output)
        self._store.update_task_run(
            attempt.run_id, json.dumps(doc), output=json.dumps(output), process=None
        )
        stopping = run.stop_reason is not None
        self._tell("task_ended", run.plan["settings"], run.doc, doc, run_stopping=stopping)

    # --- runs

    def _active_count(self, job_id: int) -> int:
        """Runs of the job that are past the queue and not ended (repairs included)."""
        return sum(1 for run in self._runs.values() if run.job_id == job_id and not run.queued)

    def _ended_run(self, run_id: int, in_progress: str) -> RunRecord:
        """The stored run `run_id`, which must have ended (`in_progress` ends the error's message
        when it has not). Called with the engine lock held."""
        record = self._store.run(run_id)
        if record is None:
            raise RunNotFound(f"Run {run_id} does not exist.")
        if record.active or run_id in self._runs:
            raise RunInProgress(f"Run {run_id} is still in progress; {in_progress}")
        return record

    def _check_running(self) -> None:
        if self._stopping:
            raise EngineStopping("The local workspace is stopping.")

    def _job_run_id(self, run_id: int) -> int:
        """The job run of a run id: itself, or the job run of a task run or an iteration."""
        for _ in range(3):  # a job run, a task run, an iteration: at most two steps up
            if run_id in self._runs or self._store.run(run_id) is not None:
                return run_id
            task_record = self._store.task_run(run_id)
            if task_record is None:
                break
            run_id = task_record.job_run_id
        raise RunNotFound(f"Run {run_id} does not exist.")

    def _workspace_id_value(self) -> str:
        if self._workspace_id is None:
            self._workspace_id = self._store.meta("workspace_id") or ""
        return self._workspace_id

    # --- the store and the listeners

    def _record(self, run: Run, *, active: bool) -> RunRecord:
        return RunRecord(
            run_id=run.run_id,
            job_id=run.job_id,
            run_type=str(run.doc["run_type"]),
            start_time=int(run.doc["start_time"]),
            active=active,
            doc=json.dumps(run.doc),
            plan=json.dumps(run.plan),
        )

    def _task_record(self, attempt: Attempt) -> TaskRunRecord:
        return TaskRunRecord(
            run_id=attempt.run_id,
            # An iteration is stored under its for_each task run (see `for_each`).
            job_run_id=(
                attempt.parent.run_id if attempt.parent is not None else attempt.job_run_id
            ),
            seq=attempt.seq,
            doc=json.dumps(attempt.doc),
            output=None,
            process=None,
        )

    def _save_attempt(self, attempt: Attempt) -> None:
        self._store.update_task_run(
            attempt.run_id, json.dumps(attempt.doc), process=attempt.process_info
        )

    def _save_run(self, run: Run) -> None:
        self._store.update_run(run.run_id, json.dumps(run.doc), active=True)

    def _tell(self, event: str, *documents: Mapping[str, Any], **flags: bool) -> None:
        """Pass a run event to the listeners; a listener's bug never breaks a run."""
        for listener in self.listeners:
            try:
                getattr(listener, event)(*documents, **flags)
            except Exception:
                _LOG.exception("a run listener failed on %s", event)
