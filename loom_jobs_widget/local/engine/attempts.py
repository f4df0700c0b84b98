"""A task attempt with a process: started on a worker thread, awaited (with its
`timeout_seconds` and cancel, its `dbutils.notebook.run` children recorded as runs of their own:
`workflow_runs`), ended with its outcome, and retried per `max_retries` /
`min_retry_interval_millis` / `retry_on_timeout` when it failed."""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Final

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.model import (
    Attempt,
    Run,
    ended,
    now_ms,
    positive_int,
    termination_code,
)
from loom_jobs_widget.local.engine.state import Ending
from loom_jobs_widget.local.engine.stopping import stopped_ending
from loom_jobs_widget.local.engine.workflow_runs import WorkflowRuns
from loom_jobs_widget.local.exec import (
    TaskInvocation,
    TaskOutcome,
    TaskProcess,
    UnsupportedTask,
    process_record,
)
from loom_jobs_widget.local.store import PIPELINE_ASSET

__all__ = ["Attempts"]

_LOG = logging.getLogger(__name__)

# How often a worker looks at its task for a cancel or a timeout while the process runs.
_POLL_SECONDS: Final = 0.05
# After asking a runner to cancel, how long to wait for its outcome before giving up on it.
_CANCEL_WAIT_SECONDS: Final = 15.0


class Attempts(EngineBase):
    """Task processes, on the `_pool`'s workers. The worker holds the engine lock only to read
    and write the attempt, never while the process starts or runs."""

    def _execute(self, run: Run, attempt: Attempt) -> None:
        try:
            self._execute_attempt(run, attempt)
        except Exception:  # a bug here must not leave the run hanging forever
            _LOG.exception("task run %s failed in the engine", attempt.run_id)
            with self._lock:
                if attempt.result is None and not self._stopping:
                    ending = run_states.internal_error(
                        "The local workspace failed to run the task."
                    )
                    self._end_attempt(run, attempt, ending, None)
                    self._after_attempt(run, attempt)

    def _execute_attempt(self, run: Run, attempt: Attempt) -> None:
        with self._lock:
            if attempt.result is not None or self._stopping:
                return
            self._mark_running(run, attempt)
            invocation = self._invocation(run, attempt)
        outcome: TaskOutcome | None = None
        ending: Ending
        try:
            process = self._start_task(invocation)
        except UnsupportedTask as exc:
            ending = run_states.task_not_runnable(str(exc) or "This task cannot run locally.")
        except Exception as exc:
            _LOG.exception("task run %s could not start", attempt.run_id)
            ending = run_states.internal_error(f"The task could not start: {exc}")
        else:
            if attempt.process_info is None:  # a start_task that does not call on_start
                self._note_process(attempt, process.pid)
            children = WorkflowRuns(self._store, invocation.run_dir, user_name=self._user_name)
            outcome = self._await(attempt, process, children)
            children.close(canceled=attempt.stop_reason is not None)
            ending = self._attempt_ending(run, attempt, outcome)
        with self._lock:
            attempt.process_info = None
            if ended(attempt):  # canceled while it was starting, or by stop()
                return
            self._end_attempt(run, attempt, ending, outcome)
            self._after_attempt(run, attempt)

    def _await(
        self, attempt: Attempt, process: TaskProcess, children: WorkflowRuns
    ) -> TaskOutcome | None:
        timeout = positive_int(attempt.task.get("timeout_seconds"))
        deadline = time.monotonic() + timeout if timeout else None
        canceled_at: float | None = None
        while True:
            try:
                outcome = process.wait(timeout=_POLL_SECONDS)
            except Exception:
                _LOG.exception("waiting for task run %s failed", attempt.run_id)
                return None
            if outcome is not None:
                return outcome
            children.poll()  # its dbutils.notebook.run children, as runs of their own
            now = time.monotonic()
            if attempt.stop_reason is None and deadline is not None and now >= deadline:
                attempt.stop_reason = "TIMEDOUT"
            if attempt.stop_reason is not None and canceled_at is None:
                canceled_at = now
                try:
                    process.cancel()  # blocks for the runner's grace period at most
                except Exception:
                    _LOG.exception("canceling task run %s failed", attempt.run_id)
            if canceled_at is not None and now - canceled_at > _CANCEL_WAIT_SECONDS:
                return None

    def _note_process(self, attempt: Attempt, pid: int) -> None:
        """Record the attempt's runner process (before it runs anything: `on_start`), for a
        restart after a crash to find and kill it."""
        with self._lock:
            attempt.process_info = process_record(pid)
            self._save_attempt(attempt)

    def _attempt_ending(self, run: Run, attempt: Attempt, outcome: TaskOutcome | None) -> Ending:
        if outcome is not None and outcome.result_state == "SUCCESS":
            return run_states.task_succeeded()  # it ended on its own before the cancel landed
        if attempt.stop_reason is not None:
            return stopped_ending(run, attempt, attempt.stop_reason)
        if outcome is None:
            return run_states.internal_error("The task process could not be followed to its end.")
        return run_states.task_failed(outcome.state_message)

    def _invocation(self, run: Run, attempt: Attempt) -> TaskInvocation:
        run_dir = self._runs_dir / str(run.run_id) / str(attempt.run_id)
        # An iteration sees the task values its for_each task sees.
        owner = attempt.parent.key if attempt.parent is not None else attempt.key
        task = attempt.resolved if attempt.resolved is not None else attempt.task
        return TaskInvocation(
            task=self._with_pipeline_sources(task),
            job_parameters=run.job_parameters,
            workspace_root=self._workspace_root,
            run_dir=run_dir,
            upstream_values=self._upstream_values(run, owner),
            on_start=lambda pid: self._note_process(attempt, pid),
            job_settings=run.plan.get("settings") or {},
            context={
                "job_id": run.job_id,
                "job_run_id": run.run_id,
                "run_id": attempt.run_id,
                "task_key": attempt.key,
                "attempt_number": attempt.doc["attempt_number"],
                "host": self._host(),
            },
        )

    def _with_pipeline_sources(self, task: dict[str, Any]) -> dict[str, Any]:
        """A pipeline_task with its pipeline's `libraries` (the sources it runs, as stored now)
        added to its spec, left out when there is no such pipeline; other tasks unchanged."""
        spec = task.get("pipeline_task")
        if not isinstance(spec, dict):
            return task
        spec = {key: value for key, value in spec.items() if key != "libraries"}
        record = self._store.asset(PIPELINE_ASSET, str(spec.get("pipeline_id")))
        if record is not None and record.active:
            libraries = json.loads(record.doc).get("spec", {}).get("libraries")
            spec["libraries"] = libraries if isinstance(libraries, list) else []
        return {**task, "pipeline_task": spec}

    def _upstream_values(self, run: Run, key: str) -> dict[str, dict[str, Any]]:
        # Every upstream task is listed, with {} when it set nothing: taskValues.get(key, name,
        # default=...) then returns the default instead of calling the task unknown.
        values: dict[str, dict[str, Any]] = {}
        seen: set[str] = set()
        todo = [parent for parent, _ in run.parents[key]]
        while todo:
            upstream = todo.pop()
            if upstream in seen:
                continue
            seen.add(upstream)
            attempt = run.latest.get(upstream)
            values[upstream] = dict(attempt.task_values) if attempt is not None else {}
            todo.extend(parent for parent, _ in run.parents.get(upstream, ()))
        return values

    # --- retries

    def _retry(self, run: Run, attempt: Attempt) -> bool:
        """A new attempt of a task that failed with retries left (Jobs docs: retries)."""
        if run.stop_reason is not None or attempt.result not in ("FAILED", "TIMEDOUT"):
            return False
        if attempt.parent is not None and attempt.parent.stop_reason is not None:
            return False
        if attempt.kind == "condition_task":
            return False  # "does not support retries" (Jobs docs: If/else condition task)
        if termination_code(attempt.doc) == "INVALID_RUN_CONFIGURATION":
            return False  # a bad reference or a task type that cannot run: a retry fails too
        if attempt.result == "TIMEDOUT" and attempt.task.get("retry_on_timeout") is not True:
            return False
        retries = attempt.task.get("max_retries")
        if not isinstance(retries, int) or isinstance(retries, bool) or retries == 0:
            return False
        number = int(attempt.doc["attempt_number"])
        if retries > 0 and number >= retries:
            return False
        interval = positive_int(attempt.task.get("min_retry_interval_millis")) / 1000
        # The interval counts from the start of the failed attempt.
        started_ago = (now_ms() - int(attempt.doc["start_time"])) / 1000
        holder = attempt.parent.run_id if attempt.parent is not None else run.run_id
        retry = self._new_attempt(
            run,
            attempt.task,
            self._store.new_id(),
            self._store.max_task_seq(holder) + 1,
            attempt_number=number + 1,
            original_attempt_run_id=int(attempt.doc["original_attempt_run_id"]),
            parent=attempt.parent,
            index=attempt.index,
        )
        retry.doc.update(run_states.in_progress("WAITING_FOR_RETRY"))
        retry.retry_at = time.monotonic() + max(0.0, interval - started_ago)
        if attempt.parent is not None and attempt.parent.loop is not None:
            attempt.parent.loop.latest[attempt.index] = retry
        else:
            run.latest[attempt.key] = retry
        self._store.insert_task_runs([self._task_record(retry)])
        return True
