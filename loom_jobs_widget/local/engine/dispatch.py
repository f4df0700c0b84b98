"""Advancing a job run: which tasks are ready (their dependencies ended, their `run_if` holds),
which are skipped, and how a ready task starts: on a worker when it has a process, here when it is
a condition, for_each or run_job task. The run ends when all its tasks have."""

from __future__ import annotations

import logging

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.model import Attempt, Run, ended, now_ms, positive_int
from loom_jobs_widget.local.engine.parameters import resolve_attempt
from loom_jobs_widget.local.engine.resolve import UnresolvedReference
from loom_jobs_widget.local.engine.state import Ending, TaskResult, Upstream
from loom_jobs_widget.local.engine.stopping import not_started

__all__ = ["Dispatch"]

_LOG = logging.getLogger(__name__)


class Dispatch(EngineBase):
    """The DAG walk. Holds no state of its own: it reads and moves the runs in `_runs`."""

    def _advance(self, run: Run) -> None:
        """Start or skip every task whose dependencies have all ended; end the run when all
        its tasks have."""
        if self._stopping or run.queued or run.finished:
            return
        for key in run.order:  # dependencies first: a skip cascades in one pass
            attempt = run.latest[key]
            if attempt.result is not None or attempt.life_cycle_state not in ("BLOCKED", "PENDING"):
                continue
            if attempt.pending_at:
                continue  # already handed to a worker
            upstream = [
                self._upstream(run, parent, outcome) for parent, outcome in run.parents[key]
            ]
            if any(dep is None for dep in upstream):
                continue
            if run.stop_reason is not None:
                self._end_attempt(run, attempt, not_started(run.stop_reason, upstream), None)
                continue
            if attempt.task.get("disabled") is True:
                self._end_attempt(run, attempt, run_states.task_disabled(), None)
                continue
            verdict = run_states.skip_verdict(
                attempt.task.get("run_if"), [dep for dep in upstream if dep is not None]
            )
            if verdict is not None:
                self._end_attempt(run, attempt, verdict, None)
                continue
            self._dispatch(run, attempt)
            if ended(attempt):  # at once: a condition, a bad reference, ...
                self._retry(run, attempt)
        if all(attempt.result is not None for attempt in run.latest.values()):
            self._finish_run(run, self._run_ending(run))

    def _upstream(self, run: Run, key: str, outcome: str | None) -> Upstream | None:
        attempt = run.latest.get(key)
        if attempt is None or attempt.result is None:
            return None
        taken = True
        if outcome is not None:
            # Only a condition task has an outcome; the edge of the other branch is not taken.
            condition = attempt.doc.get("condition_task")
            if isinstance(condition, dict) and "outcome" in condition:
                taken = str(condition["outcome"]).lower() == outcome.lower()
        return Upstream(key, attempt.result, taken)

    def _run_ending(self, run: Run) -> Ending:
        if run.stop_reason == "CANCELED":
            return run_states.job_run_canceled()
        if run.stop_reason == "TIMEDOUT":
            return run_states.job_run_timed_out(
                positive_int(run.plan["settings"].get("timeout_seconds"))
            )
        results = [
            TaskResult(
                key,
                run.latest[key].result or "FAILED",
                run.latest[key].message,
                not run.children[key],
            )
            for key in run.order
        ]
        return run_states.job_run_ending(results)

    def _dispatch(self, run: Run, attempt: Attempt) -> None:
        """Start an attempt whose dependencies allow it: resolve its references, then hand it
        to a worker, or (condition, for_each, run_job) run it here. It may end at once; the
        caller then looks for a retry and moves on."""
        attempt.pending_at = now_ms()
        attempt.retry_at = None
        if not attempt.doc["start_time"]:
            attempt.doc["start_time"] = attempt.pending_at
        if attempt.parent is None:
            run.executions[attempt.key] = run.executions.get(attempt.key, 0) + 1
        try:
            resolve_attempt(
                run,
                attempt,
                workspace_id=self._workspace_id_value(),
                workspace_url=self._host(),
            )
        except UnresolvedReference as exc:
            self._end_attempt(run, attempt, run_states.task_not_runnable(str(exc)), None)
            return
        kind = attempt.kind
        if attempt.parent is not None and attempt.task.get("disabled") is True:
            self._end_attempt(run, attempt, run_states.task_disabled(), None)
        elif kind == "condition_task":
            self._run_condition(run, attempt)
        elif kind == "for_each_task":
            self._start_for_each(run, attempt)
        elif kind == "run_job_task":
            self._start_run_job(run, attempt)
        else:
            attempt.doc.update(run_states.in_progress("PENDING"))
            self._save_attempt(attempt)
            try:
                self._pool.submit(self._execute, run, attempt)
            except RuntimeError:  # the pool is shutting down: stop() ends the attempt
                _LOG.debug("task run %s not started: the engine is stopping", attempt.run_id)

    def _after_attempt(self, run: Run, attempt: Attempt) -> None:
        """What follows an attempt's end: a retry, or the next tasks (or iterations)."""
        if self._stopping:  # stop() ends the run
            return
        retried = self._retry(run, attempt)
        if attempt.parent is not None:
            if self._loop_step(run, attempt.parent):
                self._after_attempt(run, attempt.parent)
        elif not retried:
            self._advance(run)
