"""Stopping runs before their end: cancel (runs/cancel, cancel-all), the job's and a for_each or
run_job task's `timeout_seconds`, and the clock thread that watches timeouts and due retries.

A task with a process is stopped by its worker (`attempts`), which sees the attempt's
`stop_reason` and kills the process tree; what is not running yet ends here at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Final

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.model import Attempt, Run, ended, positive_int
from loom_jobs_widget.local.engine.state import Ending, Upstream

__all__ = ["STOPPED_MESSAGE", "Stopping", "not_started", "stopped_ending"]

_LOG = logging.getLogger(__name__)

# How often the clock thread looks for due retries and job timeouts.
_TICK_SECONDS: Final = 0.1

STOPPED_MESSAGE: Final = (
    "The local workspace stopped while this run was active; it was ended when the workspace {when}."
)


class Stopping(EngineBase):
    """Cancel and timeouts. Owns the clock: `_clock`, the thread that calls `_tick` every
    `_TICK_SECONDS` until `_clock_stop` is set (both made by `Engine`)."""

    _clock: threading.Thread
    _clock_stop: threading.Event

    def cancel(self, run_id: int) -> None:
        """Cancel a job run (given its id or the id of one of its task runs); a no-op on an
        ended run. Raises RunNotFound for an unknown run."""
        with self._lock:
            job_run_id = self._job_run_id(run_id)
            run = self._runs.get(job_run_id)
            if run is not None:
                self._stop_run(run, "CANCELED")

    def cancel_all(self, job_id: int | None) -> None:
        """Cancel every run in progress of a job, queued ones included; without a job, every
        queued run of the workspace (runs/cancel-all with all_queued_runs)."""
        with self._lock:
            for run in list(self._runs.values()):
                if (job_id is None and run.queued) or (job_id is not None and run.job_id == job_id):
                    self._stop_run(run, "CANCELED")

    def _stop_run(self, run: Run, reason: str) -> None:
        if run.stop_reason is not None:
            return
        run.stop_reason = reason
        if run.queued:
            queue = self._queues.get(run.job_id)
            if queue is not None and run in queue:
                queue.remove(run)
            run.queued = False
        attempt_reason = "RUN_TIMEDOUT" if reason == "TIMEDOUT" else reason
        working: list[Attempt] = []
        for attempt in list(run.latest.values()):
            if attempt.result is not None:
                continue
            if attempt.life_cycle_state == "RUNNING":
                # A worker kills the process and ends the attempt; a for_each or run_job task
                # ends once what it started has.
                attempt.stop_reason = attempt_reason
                if attempt.loop is not None or attempt.child_run_id is not None:
                    working.append(attempt)
            elif attempt.life_cycle_state in ("PENDING", "WAITING_FOR_RETRY"):
                self._end_attempt(run, attempt, not_started(reason, []), None)
        for attempt in working:  # after the loop: stopping a child run may end the task now
            self._stop_work(run, attempt, attempt_reason)
        self._advance(run)

    def _stop_work(self, run: Run, attempt: Attempt, reason: str) -> bool:
        """Stop what a running for_each or run_job task started (its iterations, its run of
        the other job). True when the task ended here and the caller must move on; a run_job
        task ends through its child run's end, which moves on itself."""
        attempt.stop_reason = attempt.stop_reason or reason
        attempt.deadline = None
        if attempt.loop is not None:
            # The for_each task's own timeout cancels its iterations (they have timeouts of
            # their own); a cancel or the job's timeout reaches them as it reaches every task.
            inner = "CANCELED" if reason == "TIMEDOUT" else reason
            for iteration in list(attempt.loop.latest.values()):
                if iteration.result is not None:
                    continue
                if iteration.life_cycle_state == "RUNNING":
                    iteration.stop_reason = iteration.stop_reason or inner
                    if iteration.loop is not None or iteration.child_run_id is not None:
                        self._stop_work(run, iteration, inner)
                elif iteration.life_cycle_state in ("PENDING", "WAITING_FOR_RETRY"):
                    self._end_attempt(run, iteration, not_started("CANCELED", []), None)
            return self._loop_step(run, attempt)
        child = self._runs.get(attempt.child_run_id) if attempt.child_run_id else None
        if child is not None:
            # The child's end ends the task and moves on (_child_ended), now or later.
            self._stop_run(child, "CANCELED")
            return False
        if attempt.result is None:  # no run in progress to wait for
            self._end_attempt(run, attempt, stopped_ending(run, attempt, reason), None)
            return True
        return False

    # --- the clock

    def _tick_loop(self) -> None:
        while not self._clock_stop.wait(_TICK_SECONDS):
            try:
                self._tick()
            except Exception:
                _LOG.exception("the run clock failed")

    def _tick(self) -> None:
        now = time.monotonic()
        with self._lock:
            if self._stopping:
                return
            for run in list(self._runs.values()):
                if run.queued or run.stop_reason is not None or run.finished:
                    continue
                if run.deadline is not None and now >= run.deadline:
                    self._stop_run(run, "TIMEDOUT")
                    continue
                for attempt in list(run.attempts()):
                    if attempt.result is not None:
                        continue
                    if attempt.retry_at is not None and now >= attempt.retry_at:
                        self._dispatch(run, attempt)
                        if ended(attempt):  # at once
                            self._after_attempt(run, attempt)
                    elif (
                        attempt.deadline is not None  # a for_each or run_job task's own timeout
                        and now >= attempt.deadline
                        and self._stop_work(run, attempt, "TIMEDOUT")
                    ):
                        self._after_attempt(run, attempt)


def stopped_ending(run: Run, attempt: Attempt, reason: str) -> Ending:
    """How an attempt the engine stopped (its `stop_reason`) ends."""
    if reason == "TIMEDOUT":
        return run_states.task_timed_out(positive_int(attempt.task.get("timeout_seconds")))
    if reason == "RUN_TIMEDOUT":
        seconds = positive_int(run.plan["settings"].get("timeout_seconds"))
        return run_states.task_timed_out(seconds, by_run=True)
    if reason == "STOPPED":
        return run_states.internal_error(STOPPED_MESSAGE.format(when="stopped"))
    return run_states.task_canceled()


def not_started(reason: str, upstream: Sequence[Upstream | None]) -> Ending:
    """How a task that had not started ends when its run stops for `reason`."""
    if reason == "TIMEDOUT":
        return run_states.task_skipped(
            "UPSTREAM_CANCELED", "The run timed out before this task ran."
        )
    if reason == "STOPPED":
        return run_states.internal_error(STOPPED_MESSAGE.format(when="stopped"))
    if upstream:
        return run_states.task_skipped(
            "UPSTREAM_CANCELED", "Skipped because the run was cancelled."
        )
    return run_states.task_canceled()
