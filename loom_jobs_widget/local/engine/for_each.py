"""The For each task: its inputs, its concurrency, its iterations and the statistics runs/get
shows.

An iteration is a task run of the nested task, one per element of `inputs` (a JSON array, after
reference resolution), with `{{input}}` bound to the element, started `concurrency` at a time,
each with its own retries. Iterations are stored as task runs whose job_run_id column is their
for_each task run's id, so they stay out of the job run's tasks[] and runs/get on the for_each
task run pages them as its `iterations`. The for_each task run fails when the last attempt of any
iteration did not succeed, after every iteration has run (the docs do not say; this is the
reading that keeps every iteration's result).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.model import Attempt, Loop, Run, ended, termination_code
from loom_jobs_widget.local.engine.stopping import stopped_ending

__all__ = [
    "ForEachError",
    "ForEachTasks",
    "IterationResult",
    "concurrency_of",
    "parse_inputs",
    "stats",
]

# The docs' default (the UI's too); the generated SDKs say 20. The maximum, 100, is consistent.
_DEFAULT_CONCURRENCY: Final = 1
_MAX_CONCURRENCY: Final = 100

_SUCCEEDED: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES", "EXCLUDED", "DISABLED"})


class ForEachError(ValueError):
    """The for_each task cannot start; the message is its failure message."""


def parse_inputs(text: Any) -> list[Any]:
    """The elements of resolved `inputs`: a JSON array, given as a string."""
    if isinstance(text, list):  # a job written by hand may give the array itself
        return list(text)
    if not isinstance(text, str):
        raise ForEachError("The for_each task has no inputs: give a JSON array, like [1, 2, 3].")
    try:
        value = json.loads(text)
    except ValueError:
        shown = text if len(text) <= 200 else text[:200] + "..."
        raise ForEachError(
            f"The for_each inputs are not a JSON array: {shown!r} is not valid JSON."
        ) from None
    if not isinstance(value, list):
        raise ForEachError(
            f"The for_each inputs must be a JSON array, not a JSON {type(value).__name__}: "
            f"{text[:200]!r}."
        )
    return value


def concurrency_of(spec: Mapping[str, Any]) -> int:
    """How many iterations run at once: `concurrency` (1..100), else the default. The validator
    refuses values outside the range when the job is saved; a stored job that predates it is
    clamped here rather than failed."""
    value = spec.get("concurrency")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, _MAX_CONCURRENCY)
    return _DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class IterationResult:
    """The latest attempt of one iteration, as the statistics count it."""

    result_state: str | None  # None while in progress
    message: str = ""
    termination_code: str = ""


def stats(total: int, latest: Iterable[IterationResult]) -> dict[str, Any]:
    """`for_each_task.stats` (SDK `ForEachStats`): counts over the latest attempt of each
    iteration started so far ("only latest retries are considered"), and the three most common
    errors. `scheduled_iterations` counts the iterations started so far, and
    `termination_category` is the failed attempt's termination code (both meanings are our
    reading: the SDK does not define them)."""
    scheduled = active = succeeded = failed = 0
    errors: Counter[tuple[str, str]] = Counter()
    for iteration in latest:
        scheduled += 1
        if iteration.result_state is None:
            active += 1
        elif iteration.result_state in _SUCCEEDED:
            succeeded += 1
        else:
            failed += 1
            errors[(iteration.message, iteration.termination_code)] += 1
    document: dict[str, Any] = {
        "task_run_stats": {
            "total_iterations": total,
            "scheduled_iterations": scheduled,
            "active_iterations": active,
            "completed_iterations": succeeded + failed,
            "succeeded_iterations": succeeded,
            "failed_iterations": failed,
        }
    }
    if errors:
        document["error_message_stats"] = [
            {"error_message": message, "count": count, "termination_category": code}
            for (message, code), count in errors.most_common(3)
        ]
    return document


class ForEachTasks(EngineBase):
    """for_each task runs. An attempt's `loop` (a `Loop`) holds its iterations: the latest
    attempt of each element, and how many elements have started."""

    def _start_for_each(self, run: Run, attempt: Attempt) -> None:
        spec = (attempt.resolved or attempt.task).get("for_each_task") or {}
        nested = (attempt.task.get("for_each_task") or {}).get("task")
        try:
            if not isinstance(nested, dict):
                raise ForEachError("The for_each task has no nested task to run.")
            inputs = parse_inputs(spec.get("inputs"))
        except ForEachError as exc:
            self._end_attempt(run, attempt, run_states.task_failed(str(exc)), None)
            return
        attempt.loop = Loop(inputs, concurrency_of(spec), nested)
        self._start_deadline(attempt)
        self._mark_running(run, attempt)
        self._loop_step(run, attempt)

    def _loop_step(self, run: Run, owner: Attempt) -> bool:
        """Start iterations while the for_each task's concurrency allows; end the for_each task
        once every iteration has ended. Whether it ended."""
        loop = owner.loop
        if loop is None or owner.result is not None:
            return False
        stopping = owner.stop_reason is not None or run.stop_reason is not None
        while not stopping:
            new: list[Attempt] = []
            first_seq = self._store.max_task_seq(owner.run_id) + 1
            while loop.started < len(loop.inputs) and loop.active() < loop.concurrency:
                index = loop.started
                loop.started += 1
                seq = first_seq + len(new)
                iteration = self._new_attempt(
                    run, loop.task, self._store.new_id(), seq, 0, parent=owner, index=index
                )
                loop.latest[index] = iteration
                new.append(iteration)
            if not new:
                break
            self._store.insert_task_runs([self._task_record(it) for it in new])
            for iteration in new:
                self._dispatch(run, iteration)
                if ended(iteration):
                    self._retry(run, iteration)
            # Iterations that ended at once (a bad {{input.x}}, ...) free their places.
            if not any(ended(loop.latest[it.index]) for it in new):
                break
        self._save_stats(owner)
        if loop.active() or (loop.started < len(loop.inputs) and not stopping):
            return False
        reason = owner.stop_reason or (
            "RUN_TIMEDOUT" if run.stop_reason == "TIMEDOUT" else run.stop_reason
        )
        if reason is not None:
            ending = stopped_ending(run, owner, reason)
        else:
            failed = sum(
                1 for it in loop.latest.values() if not run_states.is_success_family(it.result)
            )
            ending = run_states.for_each_ended(len(loop.inputs), failed)
        self._end_attempt(run, owner, ending, None)
        return True

    def _save_stats(self, owner: Attempt) -> None:
        loop = owner.loop
        if loop is None:
            return
        latest = [
            IterationResult(it.result, it.message, termination_code(it.doc) or "")
            for it in loop.latest.values()
        ]
        spec = owner.doc.get("for_each_task")
        owner.doc["for_each_task"] = {
            **(spec if isinstance(spec, dict) else {}),
            "stats": stats(len(loop.inputs), latest),
        }
        self._save_attempt(owner)
