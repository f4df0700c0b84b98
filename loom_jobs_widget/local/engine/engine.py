"""Runs: job runs and their task runs, from run-now to their last state.

A job run is a DAG of task runs. The engine keeps the runs in progress in memory, writes every
transition through to the store (so runs/get, which reads the store, always sees the latest
state, and a restart finds it), and drives the tasks:

- task runs start in DAG order as their dependencies end, each on one of `workers` threads (4 by
  default) that starts the task's runner process and waits for it; the runner process is what
  executes user code, so a crashing task only ends its own task run;
- a task whose dependencies did not succeed is skipped per its `run_if` (UPSTREAM_FAILED, ...);
- a failed attempt is retried per `max_retries` / `min_retry_interval_millis`;
- `timeout_seconds` (task and job) and cancel kill the runner's process tree;
- `max_concurrent_runs` (default 1) queues extra runs (jobs made with API 2.2, or run with
  `queue.enabled`) or skips them;
- a repair reruns tasks of an ended job run, as new task runs of the same job run;
- a run that was in progress when the process ended is closed as INTERNAL_ERROR at the next start.

Before a task starts, the dynamic value references in its settings are resolved
(`references`); what they became is kept as the task run's `resolved_values`.

Three task types run inside the engine, without a runner process and without holding a worker:

- a condition task is evaluated when its dependencies have ended (`conditions`); its outcome
  decides which `depends_on` edges with an `outcome` are taken;
- a for_each task starts its iterations, task runs of the nested task, `concurrency` at a time,
  each as its own task run with retries (`for_each`). Iterations are stored as task runs whose
  job_run_id column is their for_each task run's id, so they stay out of the job run's tasks[]
  and runs/get on the for_each task run pages them as its `iterations`;
- a run_job task starts a job run of another job (trigger RUN_JOB_TASK) and ends when that run
  ends, with its result.

Locking: one engine lock guards the in-memory runs and orders the store writes that go with
them. It is never held while a runner process starts or is waited on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.core.models import task_types_of
from loom_jobs_widget.local.engine import conditions, for_each
from loom_jobs_widget.local.engine import resolve as references
from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.dag import TaskGraph
from loom_jobs_widget.local.engine.resolve import UnresolvedReference
from loom_jobs_widget.local.engine.state import Ending, TaskResult, Upstream
from loom_jobs_widget.local.exec.runners import (
    SQL_ROWS,
    TaskInvocation,
    TaskOutcome,
    TaskProcess,
    UnsupportedTask,
    kill_recorded,
    process_record,
    sql_output_of,
    start_task,
)
from loom_jobs_widget.local.http.server import ApiError
from loom_jobs_widget.local.store import JobRecord, RunRecord, Store, TaskRunRecord

__all__ = ["DEFAULT_WORKERS", "Engine", "RunListener", "RunRequest"]

_LOG = logging.getLogger(__name__)

DEFAULT_WORKERS: Final = 4

# How often a worker looks at its task for a cancel or a timeout while the process runs.
_POLL_SECONDS: Final = 0.05
# How often the clock thread looks for due retries and job timeouts.
_TICK_SECONDS: Final = 0.1
# After asking a runner to cancel, how long to wait for its outcome before giving up on it.
_CANCEL_WAIT_SECONDS: Final = 15.0

# Run Job tasks nest at most this deep: "Databricks does not support jobs ... that nest more
# than three Run Job tasks" (docs run-job). The docs call it advisory; the local workspace
# enforces it, which also ends jobs that run each other in a cycle [I].
MAX_RUN_JOB_DEPTH: Final = 3

STOPPED_MESSAGE: Final = (
    "The local workspace stopped while this run was active; it was ended when the workspace {when}."
)

StartTask = Callable[[TaskInvocation], TaskProcess]


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class RunRequest:
    """What starts a job run: run-now on a job, or runs/submit."""

    job_id: int | None  # None for runs/submit: the run is its own (hidden) job
    run_type: str  # JOB_RUN | SUBMIT_RUN
    run_name: str
    settings: dict[str, Any]  # the job's settings now (runs/submit: the submitted ones)
    job_parameters: dict[str, str]  # overrides given to run-now
    queue_enabled: bool
    overriding_parameters: dict[str, Any] = field(default_factory=dict)
    only: list[str] | None = None
    idempotency_token: str | None = None
    trigger: str = "ONE_TIME"
    trigger_info: dict[str, Any] | None = None  # RUN_JOB_TASK: {"run_id": <the task run>}
    depth: int = 0  # how many Run Job tasks deep this run is


class RunListener:
    """What other parts of the workspace (notifications, triggers) learn of runs: every method
    gets the run's settings snapshot and the stored documents. Called with the engine lock held,
    so a listener only notes the event (copying what it keeps: the documents change later) and
    returns; it does no I/O and never calls the engine back."""

    def run_started(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        """A job run left the queue (not a repair)."""

    def run_ended(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        """A job run ended, skipped ones included."""

    def task_started(
        self, settings: Mapping[str, Any], run: Mapping[str, Any], task: Mapping[str, Any]
    ) -> None:
        """A task-run attempt (or a for_each iteration) began RUNNING."""

    def task_ended(
        self,
        settings: Mapping[str, Any],
        run: Mapping[str, Any],
        task: Mapping[str, Any],
        *,
        run_stopping: bool,
    ) -> None:
        """A task-run attempt ended; `run_stopping` when its run is being canceled or timed out
        (no retry follows then)."""


# --- in-memory runs ------------------------------------------------------------------------------


@dataclass(eq=False)
class _Attempt:
    """One entry of a job run's tasks[]: an attempt of a task."""

    key: str
    task: dict[str, Any]
    doc: dict[str, Any]  # the RunTask document, as stored
    seq: int
    result: str | None = None  # set when the attempt ended
    message: str = ""
    task_values: dict[str, Any] = field(default_factory=dict)
    pending_at: int = 0
    running_at: int = 0
    process_info: str | None = None  # the runner process, for a restart to find it
    # Why the engine ends it: CANCELED, TIMEDOUT (its own timeout), RUN_TIMEDOUT, STOPPED.
    stop_reason: str | None = None
    retry_at: float | None = None  # monotonic time of a due retry
    resolved: dict[str, Any] | None = None  # the task with its references resolved
    # A for_each iteration: its for_each task's attempt, and its element's index.
    parent: _Attempt | None = None
    index: int = 0
    loop: _Loop | None = None  # a for_each task's iterations, once started
    child_run_id: int | None = None  # a run_job task's run of the other job
    deadline: float | None = None  # monotonic end of a for_each or run_job task's timeout
    extra_output: dict[str, Any] = field(default_factory=dict)  # more of runs/get-output

    @property
    def run_id(self) -> int:
        return int(self.doc["run_id"])

    @property
    def life_cycle_state(self) -> str:
        return str(self.doc["state"]["life_cycle_state"])

    @property
    def kind(self) -> str:
        return _task_kind(self.task)


@dataclass(eq=False)
class _Loop:
    """The iterations of a for_each task run: one per input element, started in order."""

    inputs: list[Any]
    concurrency: int
    task: dict[str, Any]  # the nested task, its references unresolved
    latest: dict[int, _Attempt] = field(default_factory=dict)  # by index: the latest attempt
    started: int = 0  # elements 0..started-1 have an iteration

    def active(self) -> int:
        return sum(1 for attempt in self.latest.values() if attempt.result is None)


@dataclass(eq=False)
class _Run:
    run_id: int
    job_id: int
    doc: dict[str, Any]
    plan: dict[str, Any]
    order: list[str]  # task keys, dependencies first
    tasks: dict[str, dict[str, Any]]
    parents: dict[str, list[tuple[str, str | None]]]  # key -> [(upstream key, outcome)]
    children: dict[str, list[str]]
    latest: dict[str, _Attempt]
    max_concurrent_runs: int
    queued: bool = False
    started: bool = False  # left PENDING for RUNNING
    finished: bool = False
    stop_reason: str | None = None
    deadline: float | None = None
    # Task runs started per task key, in this run and its repairs: {{task.execution_count}}.
    executions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        graph: TaskGraph,
        run_id: int,
        job_id: int,
        doc: dict[str, Any],
        plan: dict[str, Any],
        *,
        max_concurrent_runs: int,
    ) -> _Run:
        """A run of `graph`'s tasks, none of them started yet."""
        return cls(
            run_id=run_id,
            job_id=job_id,
            doc=doc,
            plan=plan,
            order=graph.order,
            tasks=graph.tasks,
            parents=graph.parents,
            children=graph.children,
            latest={},
            max_concurrent_runs=max_concurrent_runs,
        )

    @property
    def job_parameters(self) -> dict[str, str]:
        return dict(self.plan.get("job_parameters") or {})

    @property
    def depth(self) -> int:
        return int(self.plan.get("depth") or 0)

    def attempts(self) -> Iterator[_Attempt]:
        """The latest attempt of every task, and of every for_each iteration."""
        for attempt in list(self.latest.values()):
            yield attempt
            if attempt.loop is not None:
                yield from list(attempt.loop.latest.values())


class Engine:
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
        self._store = store
        self._workspace_root = workspace_root
        self._runs_dir = runs_dir
        self._user_name = user_name
        self._host = host
        self._start_task = start_task
        self._lock = threading.RLock()
        self._runs: dict[int, _Run] = {}
        self._queues: dict[int, deque[_Run]] = {}
        # Runs started by a run_job task, by run id: the task's run and attempt, to end when the
        # run ends.
        self._children: dict[int, tuple[_Run, _Attempt]] = {}
        self._workspace_id: str | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loom-task")
        self._stopping = False
        self._clock_stop = threading.Event()
        self._clock = threading.Thread(target=self._tick_loop, name="loom-run-clock", daemon=True)
        # Told of run and task starts and ends (notifications, continuous triggers).
        self.listeners: list[RunListener] = []

    # --- lifecycle

    def start(self) -> None:
        self._close_interrupted_runs(STOPPED_MESSAGE.format(when="restarted"))
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

    # --- starting runs

    def start_run(self, request: RunRequest) -> tuple[int, int]:
        """A new job run (run-now, runs/submit): its run_id and number_in_job."""
        with self._lock:
            self._check_running()
            if request.idempotency_token is not None:
                existing = self._store.run_by_token(
                    request.idempotency_token, job_id=request.job_id, run_type=request.run_type
                )
                if existing is not None:
                    return existing.run_id, existing.run_id
            settings = request.settings
            graph = TaskGraph.of(settings, request.only)
            ids = self._store.new_ids(1 + len(graph.order))
            run_id = ids[0]
            job_id = request.job_id if request.job_id is not None else run_id
            created = now_ms()
            limit = _max_concurrent_runs(settings)
            parameters = self._run_parameters(
                settings,
                request.job_parameters,
                self._job_context(
                    settings, job_id, run_id, request.run_name, created, request.trigger, 0, {}
                ),
            )
            doc: dict[str, Any] = {
                "job_id": job_id,
                "run_id": run_id,
                "job_run_id": run_id,
                "number_in_job": run_id,
                "original_attempt_run_id": run_id,
                "attempt_number": 0,
                "creator_user_name": self._user_name,
                "run_name": request.run_name,
                "run_type": request.run_type,
                "trigger": request.trigger,
                "format": "MULTI_TASK",
                "start_time": created,
                "end_time": 0,
                "setup_duration": 0,
                "execution_duration": 0,
                "cleanup_duration": 0,
                "run_duration": 0,
                "queue_duration": 0,
                **run_states.in_progress("PENDING"),
            }
            if request.trigger_info:
                doc["trigger_info"] = request.trigger_info
            if parameters:
                doc["job_parameters"] = _parameter_documents(parameters)
            if request.overriding_parameters:
                doc["overriding_parameters"] = request.overriding_parameters
            for name in ("job_clusters", "git_source", "environments"):
                if isinstance(settings.get(name), (list, dict)):
                    doc[name] = settings[name]
            plan = {
                "settings": settings,
                "job_parameters": {name: value for name, _, value in parameters},
                "overriding_parameters": request.overriding_parameters,
                "only": request.only,
                "depth": request.depth,
            }
            run = _Run.of(graph, run_id, job_id, doc, plan, max_concurrent_runs=limit)
            active = self._active_count(job_id)
            # max_concurrent_runs 0 skips every run, queue or not.
            if limit == 0 or (active >= limit and not request.queue_enabled):
                doc.update(run_states.job_run_skipped(limit).documents())
                doc["end_time"] = created
                self._store.insert_run(
                    self._record(run, active=False), request.idempotency_token, ()
                )
                self._tell("run_ended", settings, doc)
                return run_id, run_id
            for seq, (key, task_run_id) in enumerate(zip(graph.order, ids[1:], strict=True)):
                run.latest[key] = self._new_attempt(run, run.tasks[key], task_run_id, seq, 0)
            if active >= limit:
                run.queued = True
                doc.update(run_states.queued(limit))
            self._store.insert_run(
                self._record(run, active=True),
                request.idempotency_token,
                [self._task_record(a) for a in run.latest.values()],
            )
            self._runs[run_id] = run
            if run.queued:
                self._queues.setdefault(job_id, deque()).append(run)
            else:
                self._launch(run)
            return run_id, run_id

    def _new_attempt(
        self,
        run: _Run,
        task: dict[str, Any],
        task_run_id: int,
        seq: int,
        attempt_number: int,
        original_attempt_run_id: int | None = None,
        *,
        parent: _Attempt | None = None,
        index: int = 0,
    ) -> _Attempt:
        """A task run of `task` that has not started; with `parent`, iteration `index` of that
        for_each task run."""
        key = str(task.get("task_key") or "")
        waits = parent is None and bool(run.parents.get(key))
        doc = {
            **task,
            "run_id": task_run_id,
            "job_run_id": run.run_id,
            # An iteration's parent is its for_each task run [I]; a task's is the job run.
            "parent_run_id": parent.run_id if parent is not None else run.run_id,
            "attempt_number": attempt_number,
            "original_attempt_run_id": original_attempt_run_id or task_run_id,
            "run_if": task.get("run_if") if isinstance(task.get("run_if"), str) else "ALL_SUCCESS",
            "start_time": 0,
            "end_time": 0,
            "setup_duration": 0,
            "execution_duration": 0,
            "cleanup_duration": 0,
            "run_duration": 0,
            **run_states.in_progress("BLOCKED" if waits else "PENDING"),
        }
        if parent is not None:
            doc.pop("depends_on", None)
        return _Attempt(key=key, task=task, doc=doc, seq=seq, parent=parent, index=index)

    def _launch(self, run: _Run, *, repair: bool = False) -> None:
        run.queued = False
        if not repair:  # a repair does not queue; the run's queue_duration stays its first
            run.doc["queue_duration"] = now_ms() - int(run.doc["start_time"])
        run.doc.update(run_states.in_progress("PENDING"))
        timeout = _positive_int(run.plan["settings"].get("timeout_seconds"))
        run.deadline = time.monotonic() + timeout if timeout else None
        self._save_run(run)
        if not repair:
            self._tell("run_started", run.plan["settings"], run.doc)
        self._advance(run)

    # --- the DAG

    def _advance(self, run: _Run) -> None:
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
                self._end_attempt(run, attempt, _not_started(run.stop_reason, upstream), None)
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
            if _ended(attempt):  # at once: a condition, a bad reference, ...
                self._retry(run, attempt)
        if all(attempt.result is not None for attempt in run.latest.values()):
            self._finish_run(run, self._run_ending(run))

    def _upstream(self, run: _Run, key: str, outcome: str | None) -> Upstream | None:
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

    def _run_ending(self, run: _Run) -> Ending:
        if run.stop_reason == "CANCELED":
            return run_states.job_run_canceled()
        if run.stop_reason == "TIMEDOUT":
            return run_states.job_run_timed_out(
                _positive_int(run.plan["settings"].get("timeout_seconds"))
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

    def _dispatch(self, run: _Run, attempt: _Attempt) -> None:
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
            self._resolve(run, attempt)
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

    def _after_attempt(self, run: _Run, attempt: _Attempt) -> None:
        """What follows an attempt's end: a retry, or the next tasks (or iterations)."""
        if self._stopping:  # stop() ends the run
            return
        retried = self._retry(run, attempt)
        if attempt.parent is not None:
            if self._loop_step(run, attempt.parent):
                self._after_attempt(run, attempt.parent)
        elif not retried:
            self._advance(run)

    def _mark_running(self, run: _Run, attempt: _Attempt) -> None:
        attempt.running_at = now_ms()
        attempt.doc["setup_duration"] = attempt.running_at - attempt.pending_at
        attempt.doc.update(run_states.in_progress("RUNNING"))
        self._save_attempt(attempt)
        self._tell("task_started", run.plan["settings"], run.doc, attempt.doc)
        if not run.started:
            run.started = True
            run.doc.update(run_states.in_progress("RUNNING"))
            self._save_run(run)

    # --- references

    def _resolve(self, run: _Run, attempt: _Attempt) -> None:
        """Resolve the references in the attempt's task-type settings (reference §8.2); keep
        the result for the runner and as the task run's resolved_values."""
        task = attempt.task
        if attempt.parent is None:
            task = _with_legacy_parameters(task, run.plan.get("overriding_parameters") or {})
        context = self._task_context(run, attempt)
        resolved = dict(task)
        for kind in task_types_of(task):
            spec = task[kind]
            if kind == "for_each_task" and isinstance(spec, dict):
                # The nested task is resolved per iteration, where {{input}} has a value.
                resolved[kind] = {
                    **spec,
                    **{
                        name: references.resolve_value(value, context)
                        for name, value in spec.items()
                        if name != "task"
                    },
                }
            else:
                resolved[kind] = references.resolve_value(spec, context)
        attempt.resolved = resolved
        values = references.resolved_values(resolved)
        if values:
            attempt.doc["resolved_values"] = values

    def _job_context(
        self,
        settings: Mapping[str, Any],
        job_id: int,
        run_id: int,
        run_name: str,
        start_time: int,
        trigger: str,
        repair_count: int,
        parameters: Mapping[str, str],
    ) -> references.Context:
        name = settings.get("name")
        trigger_settings = settings.get("trigger")
        file_arrival = (
            trigger_settings.get("file_arrival") if isinstance(trigger_settings, dict) else None
        )
        location = file_arrival.get("url") if isinstance(file_arrival, dict) else None
        return references.Context(
            job_id=job_id,
            job_name=name if isinstance(name, str) and name else run_name,
            job_run_id=run_id,
            repair_count=repair_count,
            start_time_ms=start_time,
            trigger=trigger,
            trigger_time_ms=start_time,
            parameters=parameters,
            workspace_id=self._workspace_id_value(),
            workspace_url=self._host(),
            file_arrival_location=location if isinstance(location, str) else None,
        )

    def _task_context(self, run: _Run, attempt: _Attempt) -> references.Context:
        doc = run.doc
        history = doc.get("repair_history")
        repairs = sum(
            1 for item in history or [] if isinstance(item, dict) and item.get("type") == "REPAIR"
        )
        job = self._job_context(
            run.plan["settings"],
            run.job_id,
            run.run_id,
            str(doc.get("run_name") or ""),
            int(doc["start_time"]),
            str(doc.get("trigger") or "ONE_TIME"),
            repairs,
            run.job_parameters,
        )
        parent = attempt.parent
        loop = parent.loop if parent is not None else None
        return dataclasses.replace(
            job,
            task_key=attempt.key,
            task_run_id=attempt.run_id,
            attempt_number=int(attempt.doc["attempt_number"]),
            # An iteration's count is its own attempts [I].
            execution_count=(
                int(attempt.doc["attempt_number"]) + 1
                if parent is not None
                else run.executions.get(attempt.key, 1)
            ),
            notebook_path=_notebook_path(attempt.task),
            task_start_ms=int(attempt.doc["start_time"]) or None,
            tasks=_TaskStates(run),
            input=loop.inputs[attempt.index] if loop is not None else references.NO_INPUT,
        )

    def _run_parameters(
        self,
        settings: Mapping[str, Any],
        overrides: Mapping[str, str],
        context: references.Context,
    ) -> list[tuple[str, str, str]]:
        """The run's job parameters, with the references in their values resolved: defaults
        may use them ("default": "{{job.start_time.iso_date}}", docs) and so may run-now's
        values [I]. References to tasks stay as text: a job parameter has no task [I]. A bad
        reference refuses the run."""
        found = _resolve_parameters(settings, overrides)
        resolved: list[tuple[str, str, str]] = []
        for name, default, value in found:
            try:
                text = references.resolve_text(value, context, keep=_TASK_NAMESPACES)
            except UnresolvedReference as exc:
                raise ApiError.invalid(f"Job parameter '{name}': {exc}") from None
            resolved.append((name, default, text))
        return resolved

    def _workspace_id_value(self) -> str:
        if self._workspace_id is None:
            self._workspace_id = self._store.meta("workspace_id") or ""
        return self._workspace_id

    # --- condition tasks

    def _run_condition(self, run: _Run, attempt: _Attempt) -> None:
        """Evaluate a condition task here and now (it needs no compute, reference §3)."""
        self._mark_running(run, attempt)
        spec = (attempt.resolved or attempt.task).get("condition_task") or {}
        left, right = spec.get("left"), spec.get("right")
        try:
            holds = conditions.evaluate(
                spec.get("op"),
                references.stringify(left if left is not None else ""),
                references.stringify(right if right is not None else ""),
            )
        except conditions.ConditionError as exc:
            self._end_attempt(run, attempt, run_states.task_failed(str(exc)), None)
            return
        condition = attempt.doc.get("condition_task")
        attempt.doc["condition_task"] = {
            **(condition if isinstance(condition, dict) else {}),
            "outcome": "true" if holds else "false",
        }
        self._end_attempt(run, attempt, run_states.task_succeeded(), None)

    # --- for_each tasks

    def _start_for_each(self, run: _Run, attempt: _Attempt) -> None:
        spec = (attempt.resolved or attempt.task).get("for_each_task") or {}
        nested = (attempt.task.get("for_each_task") or {}).get("task")
        try:
            if not isinstance(nested, dict):
                raise for_each.ForEachError("The for_each task has no nested task to run.")
            inputs = for_each.parse_inputs(spec.get("inputs"))
        except for_each.ForEachError as exc:
            self._end_attempt(run, attempt, run_states.task_failed(str(exc)), None)
            return
        attempt.loop = _Loop(inputs, for_each.concurrency_of(spec), nested)
        self._start_deadline(attempt)
        self._mark_running(run, attempt)
        self._loop_step(run, attempt)

    def _loop_step(self, run: _Run, owner: _Attempt) -> bool:
        """Start iterations while the for_each task's concurrency allows; end the for_each task
        once every iteration has ended. Whether it ended."""
        loop = owner.loop
        if loop is None or owner.result is not None:
            return False
        stopping = owner.stop_reason is not None or run.stop_reason is not None
        while not stopping:
            new: list[_Attempt] = []
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
                if _ended(iteration):
                    self._retry(run, iteration)
            # Iterations that ended at once (a bad {{input.x}}, ...) free their places.
            if not any(_ended(loop.latest[it.index]) for it in new):
                break
        self._save_stats(owner)
        if loop.active() or (loop.started < len(loop.inputs) and not stopping):
            return False
        reason = owner.stop_reason or (
            "RUN_TIMEDOUT" if run.stop_reason == "TIMEDOUT" else run.stop_reason
        )
        if reason is not None:
            ending = self._stopped_ending(run, owner, reason)
        else:
            failed = sum(
                1 for it in loop.latest.values() if not run_states.is_success_family(it.result)
            )
            ending = run_states.for_each_ended(len(loop.inputs), failed)
        self._end_attempt(run, owner, ending, None)
        return True

    def _save_stats(self, owner: _Attempt) -> None:
        loop = owner.loop
        if loop is None:
            return
        latest = [
            for_each.IterationResult(it.result, it.message, _termination_code(it.doc) or "")
            for it in loop.latest.values()
        ]
        spec = owner.doc.get("for_each_task")
        owner.doc["for_each_task"] = {
            **(spec if isinstance(spec, dict) else {}),
            "stats": for_each.stats(len(loop.inputs), latest),
        }
        self._save_attempt(owner)

    # --- run_job tasks

    def _start_run_job(self, run: _Run, attempt: _Attempt) -> None:
        """Start the other job's run; the task ends when it does (`_child_ended`)."""
        spec = (attempt.resolved or attempt.task).get("run_job_task") or {}
        job_id = _int_or_none(spec.get("job_id"))
        failure: str | None = None
        record = None
        if job_id is None:
            failure = "The run_job_task has no job_id."
        elif run.depth + 1 > MAX_RUN_JOB_DEPTH:
            failure = (
                f"Run Job task '{attempt.key}' cannot start job {job_id}: this run is already "
                f"{run.depth} Run Job tasks deep, and Databricks does not support nesting more "
                f"than {MAX_RUN_JOB_DEPTH} (or jobs that run each other in a cycle)."
            )
        else:
            record = self._store.job(job_id)
            if record is None:
                # The API's words for an unknown job.
                failure = f"Job {job_id} does not exist."
        if failure is not None or record is None or job_id is None:
            self._end_attempt(run, attempt, run_states.task_failed(failure or ""), None)
            return
        settings = json.loads(record.settings)
        parameters = {
            str(name): references.stringify(value)
            for name, value in (spec.get("job_parameters") or {}).items()
        }
        # Job parameters are pushed down to Run Job tasks and win over the task's own (docs
        # task-parameters); only those the other job defines are passed [I].
        defined = {
            entry.get("name")
            for entry in settings.get("parameters") or []
            if isinstance(entry, dict)
        }
        parameters.update(
            {name: value for name, value in run.job_parameters.items() if name in defined}
        )
        overriding = {name: spec[name] for name in LEGACY_PARAMETERS if spec.get(name) is not None}
        name = settings.get("name")
        self._start_deadline(attempt)
        self._mark_running(run, attempt)
        try:
            child_id, _ = self.start_run(
                RunRequest(
                    job_id=job_id,
                    run_type="JOB_RUN",
                    run_name=name if isinstance(name, str) and name else "Untitled",
                    settings=settings,
                    job_parameters=parameters,
                    queue_enabled=queue_default(record, settings),
                    overriding_parameters=overriding,
                    trigger="RUN_JOB_TASK",
                    trigger_info={"run_id": attempt.run_id},
                    depth=run.depth + 1,
                )
            )
        except ApiError as exc:
            self._end_attempt(run, attempt, run_states.task_failed(exc.message), None)
            return
        attempt.child_run_id = child_id
        attempt.extra_output = {"run_job_output": {"run_id": child_id}}
        if child_id in self._runs:
            self._children[child_id] = (run, attempt)
            # runs/get-output names the child while it runs, too.
            self._store.update_task_run(
                attempt.run_id, json.dumps(attempt.doc), output=json.dumps(attempt.extra_output)
            )
            return
        # It ended before it began (skipped at its job's concurrency limit, or no tasks).
        child = self._store.run(child_id)
        state = json.loads(child.doc).get("state", {}) if child is not None else {}
        self._end_attempt(run, attempt, self._child_ending(run, attempt, state), None)

    def _child_ended(self, child: _Run) -> None:
        """A run started by a run_job task ended: end that task."""
        waiting = self._children.pop(child.run_id, None)
        if waiting is None or self._stopping:
            return
        run, attempt = waiting
        if attempt.result is not None:
            return
        ending = self._child_ending(run, attempt, child.doc.get("state") or {})
        self._end_attempt(run, attempt, ending, None)
        self._after_attempt(run, attempt)

    def _child_ending(self, run: _Run, attempt: _Attempt, state: Mapping[str, Any]) -> Ending:
        if attempt.stop_reason is not None:
            return self._stopped_ending(run, attempt, attempt.stop_reason)
        job_id = int((attempt.resolved or {}).get("run_job_task", {}).get("job_id") or 0)
        return run_states.run_job_ended(
            str(state.get("result_state") or "FAILED"),
            str(state.get("state_message") or ""),
            job_id,
            attempt.child_run_id or 0,
        )

    # --- the work of a for_each or run_job task

    def _start_deadline(self, attempt: _Attempt) -> None:
        timeout = _positive_int(attempt.task.get("timeout_seconds"))
        attempt.deadline = time.monotonic() + timeout if timeout else None

    def _stop_work(self, run: _Run, attempt: _Attempt, reason: str) -> bool:
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
                    self._end_attempt(run, iteration, _not_started("CANCELED", []), None)
            return self._loop_step(run, attempt)
        child = self._runs.get(attempt.child_run_id) if attempt.child_run_id else None
        if child is not None:
            # The child's end ends the task and moves on (_child_ended), now or later.
            self._stop_run(child, "CANCELED")
            return False
        if attempt.result is None:  # no run in progress to wait for
            self._end_attempt(run, attempt, self._stopped_ending(run, attempt, reason), None)
            return True
        return False

    def _stopped_ending(self, run: _Run, attempt: _Attempt, reason: str) -> Ending:
        if reason == "TIMEDOUT":
            return run_states.task_timed_out(_positive_int(attempt.task.get("timeout_seconds")))
        if reason == "RUN_TIMEDOUT":
            seconds = _positive_int(run.plan["settings"].get("timeout_seconds"))
            return run_states.task_timed_out(seconds, by_run=True)
        if reason == "STOPPED":
            return run_states.internal_error(STOPPED_MESSAGE.format(when="stopped"))
        return run_states.task_canceled()

    # --- executing one attempt (worker threads)

    def _execute(self, run: _Run, attempt: _Attempt) -> None:
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

    def _execute_attempt(self, run: _Run, attempt: _Attempt) -> None:
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
            outcome = self._await(attempt, process)
            ending = self._attempt_ending(run, attempt, outcome)
        with self._lock:
            attempt.process_info = None
            if _ended(attempt):  # canceled while it was starting, or by stop()
                return
            self._end_attempt(run, attempt, ending, outcome)
            self._after_attempt(run, attempt)

    def _await(self, attempt: _Attempt, process: TaskProcess) -> TaskOutcome | None:
        timeout = _positive_int(attempt.task.get("timeout_seconds"))
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

    def _note_process(self, attempt: _Attempt, pid: int) -> None:
        """Record the attempt's runner process (before it runs anything: `on_start`), for a
        restart after a crash to find and kill it."""
        with self._lock:
            attempt.process_info = process_record(pid)
            self._save_attempt(attempt)

    def _attempt_ending(self, run: _Run, attempt: _Attempt, outcome: TaskOutcome | None) -> Ending:
        if outcome is not None and outcome.result_state == "SUCCESS":
            return run_states.task_succeeded()  # it ended on its own before the cancel landed
        if attempt.stop_reason is not None:
            return self._stopped_ending(run, attempt, attempt.stop_reason)
        if outcome is None:
            return run_states.internal_error("The task process could not be followed to its end.")
        return run_states.task_failed(outcome.state_message)

    def _invocation(self, run: _Run, attempt: _Attempt) -> TaskInvocation:
        run_dir = self._runs_dir / str(run.run_id) / str(attempt.run_id)
        # An iteration sees the task values its for_each task sees.
        owner = attempt.parent.key if attempt.parent is not None else attempt.key
        return TaskInvocation(
            task=attempt.resolved if attempt.resolved is not None else attempt.task,
            job_parameters=run.job_parameters,
            workspace_root=self._workspace_root,
            run_dir=run_dir,
            upstream_values=self._upstream_values(run, owner),
            on_start=lambda pid: self._note_process(attempt, pid),
            context={
                "job_id": run.job_id,
                "job_run_id": run.run_id,
                "run_id": attempt.run_id,
                "task_key": attempt.key,
                "attempt_number": attempt.doc["attempt_number"],
                "host": self._host(),
            },
        )

    def _upstream_values(self, run: _Run, key: str) -> dict[str, dict[str, Any]]:
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

    # --- ending attempts and runs

    def _end_attempt(
        self, run: _Run, attempt: _Attempt, ending: Ending, outcome: TaskOutcome | None
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

    def _retry(self, run: _Run, attempt: _Attempt) -> bool:
        """A new attempt of a task that failed with retries left (reference §6)."""
        if run.stop_reason is not None or attempt.result not in ("FAILED", "TIMEDOUT"):
            return False
        if attempt.parent is not None and attempt.parent.stop_reason is not None:
            return False
        if attempt.kind == "condition_task":
            return False  # "does not support retries" (reference §3)
        if _termination_code(attempt.doc) == "INVALID_RUN_CONFIGURATION":
            return False  # a bad reference or a task type that cannot run: a retry fails too [I]
        if attempt.result == "TIMEDOUT" and attempt.task.get("retry_on_timeout") is not True:
            return False
        retries = attempt.task.get("max_retries")
        if not isinstance(retries, int) or isinstance(retries, bool) or retries == 0:
            return False
        number = int(attempt.doc["attempt_number"])
        if retries > 0 and number >= retries:
            return False
        interval = _positive_int(attempt.task.get("min_retry_interval_millis")) / 1000
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

    def _finish_run(self, run: _Run, ending: Ending) -> None:
        if run.finished:
            return
        run.finished = True
        ended = now_ms()
        doc = run.doc
        doc.update(ending.documents())
        doc["end_time"] = ended
        history = doc.get("repair_history")
        if isinstance(history, list) and history:
            last = history[-1]
            last["end_time"] = ended
            last.update(ending.documents())
            doc["run_duration"] = sum(
                max(0, int(item.get("end_time") or 0) - int(item.get("start_time") or 0))
                for item in history
            )
        else:
            doc["run_duration"] = ended - int(doc["start_time"])
        self._store.update_run(run.run_id, json.dumps(doc), active=False)
        self._runs.pop(run.run_id, None)
        self._tell("run_ended", run.plan["settings"], doc)
        if not self._stopping:
            self._start_queued(run.job_id)
            self._child_ended(run)

    def _start_queued(self, job_id: int) -> None:
        queue = self._queues.get(job_id)
        while queue:
            head = queue[0]
            if self._active_count(job_id) >= head.max_concurrent_runs:
                return
            queue.popleft()
            if head.stop_reason is None:
                self._launch(head)

    def _active_count(self, job_id: int) -> int:
        """Runs of the job that are past the queue and not ended (repairs included)."""
        return sum(1 for run in self._runs.values() if run.job_id == job_id and not run.queued)

    # --- cancel

    def cancel(self, run_id: int) -> None:
        """Cancel a job run (given its id or the id of one of its task runs); a no-op on an
        ended run. Raises ApiError for an unknown run."""
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

    def _stop_run(self, run: _Run, reason: str) -> None:
        if run.stop_reason is not None:
            return
        run.stop_reason = reason
        if run.queued:
            queue = self._queues.get(run.job_id)
            if queue is not None and run in queue:
                queue.remove(run)
            run.queued = False
        attempt_reason = "RUN_TIMEDOUT" if reason == "TIMEDOUT" else reason
        working: list[_Attempt] = []
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
                self._end_attempt(run, attempt, _not_started(reason, []), None)
        for attempt in working:  # after the loop: stopping a child run may end the task now
            self._stop_work(run, attempt, attempt_reason)
        self._advance(run)

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
                        if _ended(attempt):  # at once
                            self._after_attempt(run, attempt)
                    elif (
                        attempt.deadline is not None  # a for_each or run_job task's own timeout
                        and now >= attempt.deadline
                        and self._stop_work(run, attempt, "TIMEDOUT")
                    ):
                        self._after_attempt(run, attempt)

    # --- repair

    def repair(
        self,
        run_id: int,
        settings: Mapping[str, Any],
        *,
        rerun_tasks: Sequence[str] | None,
        rerun_all_failed_tasks: bool,
        rerun_dependent_tasks: bool,
        latest_repair_id: int | None,
        job_parameters: Mapping[str, str] | None,
        overriding_parameters: Mapping[str, Any] | None = None,
    ) -> int:
        """Rerun tasks of an ended job run with `settings` (the job's current ones); the
        repair's id. Raises ApiError when the run cannot be repaired as asked.
        `overriding_parameters` (the legacy notebook_params, python_params, ...) override the
        run's for the tasks this repair reruns and any later one [I]."""
        with self._lock:
            self._check_running()
            record = self._ended_run(run_id, "only a run that has ended can be repaired.")
            doc = json.loads(record.doc)
            plan = json.loads(record.plan)
            history: list[dict[str, Any]] = list(doc.get("repair_history") or [])
            latest_id = next(
                (int(item["id"]) for item in reversed(history) if item.get("type") == "REPAIR"),
                None,
            )
            if latest_id is not None and latest_repair_id is None:
                raise ApiError.invalid(
                    "The latest repair ID needs to be provided in order to create a new repair"
                )
            # The reference quotes only the missing-id text (§9); these two are [I].
            if latest_repair_id is not None and latest_id is None:
                raise ApiError.invalid(
                    f"Run {run_id} has not been repaired yet: latest_repair_id must be left out "
                    "of its first repair."
                )
            if latest_repair_id is not None and latest_repair_id != latest_id:
                raise ApiError.invalid(
                    f"The latest repair ID of run {run_id} is {latest_id}, not {latest_repair_id}."
                )
            visible = self._store.task_runs(run_id)
            previous = _latest_by_key(visible)
            if not previous:
                raise ApiError.invalid(f"Run {run_id} has no task runs to repair.")
            all_tasks = {
                task["task_key"]: task
                for task in settings.get("tasks") or []
                if isinstance(task, dict) and isinstance(task.get("task_key"), str)
            }
            if rerun_all_failed_tasks:
                chosen = [
                    key
                    for key, (_, task_doc) in previous.items()
                    if not run_states.is_success_family(task_doc["state"].get("result_state"))
                ]
                if not chosen:
                    raise ApiError.invalid(f"Run {run_id} has no failed tasks to repair.")
            else:
                chosen = list(rerun_tasks or [])
            unknown = [key for key in chosen if key not in all_tasks]
            if unknown:
                raise ApiError.invalid(
                    f"Task {unknown[0]!r} cannot be repaired: the job has no task with this key."
                )
            keys = set(previous) | set(chosen)
            graph = TaskGraph.of(settings, sorted(k for k in keys if k in all_tasks), expand=False)
            rerun = set(chosen)
            if rerun_dependent_tasks:
                todo = list(rerun)
                while todo:
                    for child in graph.children.get(todo.pop(), ()):
                        if child not in rerun:
                            rerun.add(child)
                            todo.append(child)
            # Tasks that ran before but are no longer in the job keep their results.
            for key in previous:
                if key not in graph.tasks:
                    graph.add_detached(key)
            repair_id, *ids = self._store.new_ids(1 + len(rerun))
            started = now_ms()
            if not history:
                history.append(
                    {
                        "type": "ORIGINAL",
                        "start_time": doc.get("start_time", 0),
                        "end_time": doc.get("end_time", 0),
                        "state": doc.get("state"),
                        "status": doc.get("status"),
                        "task_run_ids": [record.run_id for record, _ in previous.values()],
                    }
                )
            parameters = dict(plan.get("job_parameters") or {})
            if job_parameters:
                # The run's values so far are resolved already; only the new ones need it.
                context = self._job_context(
                    settings,
                    record.job_id,
                    run_id,
                    str(doc.get("run_name") or ""),
                    int(doc.get("start_time") or started),
                    str(doc.get("trigger") or "ONE_TIME"),
                    sum(1 for item in history if item.get("type") == "REPAIR") + 1,
                    parameters,
                )
                parameters.update(job_parameters)
                resolved = self._run_parameters(settings, parameters, context)
                parameters = {name: value for name, _, value in resolved}
                doc["job_parameters"] = _parameter_documents(resolved)
            plan.update(settings=dict(settings), job_parameters=parameters)
            if overriding_parameters:
                overriding = {**(plan.get("overriding_parameters") or {}), **overriding_parameters}
                plan["overriding_parameters"] = overriding
                doc["overriding_parameters"] = overriding
            limit = _max_concurrent_runs(settings)
            run = _Run.of(graph, run_id, record.job_id, doc, plan, max_concurrent_runs=limit)
            # {{task.execution_count}} counts the runs of the task before this repair too.
            for task_record in self._store.task_runs(run_id, visible_only=False):
                ran = _task_key_of(task_record)
                if ran is not None:
                    run.executions[ran] = run.executions.get(ran, 0) + 1
            next_seq = self._store.max_task_seq(run_id) + 1
            new_attempts: list[_Attempt] = []
            rerun_ids = iter(ids)
            for key in graph.order:
                if key in rerun:
                    attempt = self._new_attempt(run, run.tasks[key], next(rerun_ids), next_seq, 0)
                    next_seq += 1
                    new_attempts.append(attempt)
                else:
                    task_record, task_doc = previous[key]
                    attempt = _Attempt(
                        key=key,
                        task=run.tasks[key],
                        doc=task_doc,
                        seq=task_record.seq,
                        result=task_doc["state"].get("result_state") or "FAILED",
                        message=task_doc["state"].get("state_message", ""),
                        task_values=_task_values(task_record),
                        extra_output=sql_output_of(task_record.output),
                    )
                run.latest[key] = attempt
            history.append(
                {
                    "type": "REPAIR",
                    "id": repair_id,
                    "start_time": started,
                    "end_time": 0,
                    **run_states.in_progress("PENDING"),
                    "task_run_ids": [attempt.run_id for attempt in new_attempts],
                }
            )
            doc["repair_history"] = history
            doc.update(run_states.in_progress("PENDING"))
            doc["end_time"] = 0
            self._store.hide_task_runs(
                record.run_id for record in visible if _task_key_of(record) in rerun
            )
            self._store.insert_task_runs([self._task_record(a) for a in new_attempts])
            self._store.update_run(run_id, json.dumps(doc), active=True, plan=json.dumps(plan))
            self._runs[run_id] = run
            self._launch(run, repair=True)
            return repair_id

    # --- deleting

    def delete_run(self, run_id: int) -> None:
        with self._lock:
            self._ended_run(run_id, "cancel it before deleting it.")
            # A for_each task run holds its iterations the way a job run holds its task runs.
            for task_record in self._store.task_runs(run_id, visible_only=False):
                if "for_each_task" in json.loads(task_record.doc):
                    self._store.delete_run(task_record.run_id)
            self._store.delete_run(run_id)
        # The task runs' folders (logs, outputs) go with the run.
        shutil.rmtree(self._runs_dir / str(run_id), ignore_errors=True)

    # --- restart recovery

    def _close_interrupted_runs(self, message: str) -> None:
        """End the runs a previous process left in progress, and kill what is left of their
        task processes."""
        ending = run_states.internal_error(message)
        for record in self._store.active_runs():
            ended = now_ms()
            task_records = self._store.task_runs(record.run_id, visible_only=False)
            for task_record in list(task_records):
                if "for_each_task" in json.loads(task_record.doc):  # and its iterations
                    task_records += self._store.task_runs(task_record.run_id, visible_only=False)
            for task_record in task_records:
                task_doc = json.loads(task_record.doc)
                state = task_doc.get("state") or {}
                if state.get("life_cycle_state") in run_states.TERMINAL_LIFE_CYCLE_STATES:
                    continue
                kill_recorded(task_record.process)
                task_doc.update(ending.documents())
                task_doc["end_time"] = ended
                if not task_doc.get("start_time"):
                    task_doc["start_time"] = ended
                self._store.update_task_run(
                    task_record.run_id,
                    json.dumps(task_doc),
                    output=json.dumps({"error": message}),
                    process=None,
                )
            doc = json.loads(record.doc)
            doc.update(ending.documents())
            doc["end_time"] = ended
            doc["run_duration"] = ended - int(doc.get("start_time") or ended)
            history = doc.get("repair_history")
            if isinstance(history, list) and history:
                history[-1]["end_time"] = ended
                history[-1].update(ending.documents())
            self._store.update_run(record.run_id, json.dumps(doc), active=False)
            _LOG.warning("run %s was in progress when the workspace stopped", record.run_id)

    # --- helpers

    def _ended_run(self, run_id: int, in_progress: str) -> RunRecord:
        """The stored run `run_id`, which must have ended (`in_progress` ends the error's message
        when it has not). Called with the engine lock held."""
        record = self._store.run(run_id)
        if record is None:
            raise ApiError.invalid(f"Run {run_id} does not exist.")
        if record.active or run_id in self._runs:
            raise ApiError.invalid_state(f"Run {run_id} is still in progress; {in_progress}")
        return record

    def _check_running(self) -> None:
        if self._stopping:
            raise ApiError(503, "TEMPORARILY_UNAVAILABLE", "The local workspace is stopping.")

    def _job_run_id(self, run_id: int) -> int:
        """The job run of a run id: itself, or the job run of a task run or an iteration."""
        for _ in range(3):  # a job run, a task run, an iteration: at most two steps up
            if run_id in self._runs or self._store.run(run_id) is not None:
                return run_id
            task_record = self._store.task_run(run_id)
            if task_record is None:
                break
            run_id = task_record.job_run_id
        raise ApiError.invalid(f"Run {run_id} does not exist.")

    def _record(self, run: _Run, *, active: bool) -> RunRecord:
        return RunRecord(
            run_id=run.run_id,
            job_id=run.job_id,
            run_type=str(run.doc["run_type"]),
            start_time=int(run.doc["start_time"]),
            active=active,
            doc=json.dumps(run.doc),
            plan=json.dumps(run.plan),
        )

    def _task_record(self, attempt: _Attempt) -> TaskRunRecord:
        return TaskRunRecord(
            run_id=attempt.run_id,
            # An iteration is stored under its for_each task run (see the module docstring).
            job_run_id=(
                attempt.parent.run_id
                if attempt.parent is not None
                else int(attempt.doc["job_run_id"])
            ),
            seq=attempt.seq,
            visible=True,
            doc=json.dumps(attempt.doc),
            output=None,
            process=None,
        )

    def _save_attempt(self, attempt: _Attempt) -> None:
        self._store.update_task_run(
            attempt.run_id, json.dumps(attempt.doc), process=attempt.process_info
        )

    def _save_run(self, run: _Run) -> None:
        self._store.update_run(run.run_id, json.dumps(run.doc), active=True)

    def _tell(self, event: str, *documents: Mapping[str, Any], **flags: bool) -> None:
        """Pass a run event to the listeners; a listener's bug never breaks a run."""
        for listener in self.listeners:
            try:
                getattr(listener, event)(*documents, **flags)
            except Exception:
                _LOG.exception("a run listener failed on %s", event)


# --- small helpers -------------------------------------------------------------------------------


def _ended(attempt: _Attempt) -> bool:
    # A function, not an inline test: another thread may end the attempt between two reads.
    return attempt.result is not None


def _positive_int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _max_concurrent_runs(settings: Mapping[str, Any]) -> int:
    value = settings.get("max_concurrent_runs")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 1  # the API's default


def _resolve_parameters(
    settings: Mapping[str, Any], overrides: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """(name, default, value) of every job parameter, the run's overrides applied; overrides of
    parameters the job does not define are kept too, after the defined ones."""
    found: list[tuple[str, str, str]] = []
    for entry in settings.get("parameters") or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            name = entry["name"]
            default = entry.get("default")
            default_text = default if isinstance(default, str) else json.dumps(default)
            found.append((name, default_text, overrides.get(name, default_text)))
    defined = {name for name, _, _ in found}
    found.extend((name, "", value) for name, value in overrides.items() if name not in defined)
    return found


def _parameter_documents(parameters: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [
        {"name": name, "default": default, "value": value} for name, default, value in parameters
    ]


def _with_legacy_parameters(task: dict[str, Any], overriding: Mapping[str, Any]) -> dict[str, Any]:
    """The task with run-now's legacy parameters applied: `notebook_params` merge into
    base_parameters (run-now wins), `python_params` replace a Python file's parameters."""
    notebook_params = overriding.get("notebook_params")
    python_params = overriding.get("python_params")
    notebook = task.get("notebook_task")
    if isinstance(notebook_params, dict) and isinstance(notebook, dict):
        base = notebook.get("base_parameters")
        merged = {**(base if isinstance(base, dict) else {}), **notebook_params}
        return {**task, "notebook_task": {**notebook, "base_parameters": merged}}
    python = task.get("spark_python_task")
    if isinstance(python_params, list) and isinstance(python, dict):
        return {**task, "spark_python_task": {**python, "parameters": list(python_params)}}
    return task


# run-now's legacy task parameters, kept on the run as `overriding_parameters`. A run_job task's
# deprecated parameter fields are the same: passed to the other job's run as run-now's.
LEGACY_PARAMETERS: Final = (
    "notebook_params",
    "python_params",
    "python_named_params",
    "jar_params",
    "spark_submit_params",
    "sql_params",
    "dbt_commands",
    "pipeline_params",
)
# References that only have a value in a task: left as text in a job parameter's value.
_TASK_NAMESPACES: Final = frozenset({"task", "tasks", "input"})


def _task_kind(task: Mapping[str, Any]) -> str:
    """The task's type field (notebook_task, condition_task, ...); "" when it has none or
    several (the runner then says what is wrong)."""
    kinds = task_types_of(task)
    return kinds[0] if len(kinds) == 1 else ""


def _termination_code(doc: Mapping[str, Any]) -> str | None:
    """status.termination_details.code of a task run document, once it has one."""
    code = ((doc.get("status") or {}).get("termination_details") or {}).get("code")
    return code if isinstance(code, str) else None


def _notebook_path(task: Mapping[str, Any]) -> str | None:
    notebook = task.get("notebook_task")
    path = notebook.get("notebook_path") if isinstance(notebook, dict) else None
    return path if isinstance(path, str) else None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


class _TaskStates(Mapping[str, references.TaskState]):
    """`{{tasks.<key>.*}}` of a run: each task's latest attempt, looked up on demand (a task
    resolving its references reads one or two of them, not all)."""

    def __init__(self, run: _Run) -> None:
        self._run = run

    def __getitem__(self, key: str) -> references.TaskState:
        attempt = self._run.latest[key]
        return references.TaskState(
            run_id=attempt.run_id,
            result_state=attempt.result,
            termination_code=_termination_code(attempt.doc) if attempt.result else None,
            execution_count=self._run.executions.get(key, 0),
            notebook_path=_notebook_path(attempt.task),
            values=attempt.task_values,
            output_rows=attempt.extra_output.get(SQL_ROWS),
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._run.latest)

    def __len__(self) -> int:
        return len(self._run.latest)


def _not_started(reason: str, upstream: Sequence[Upstream | None]) -> Ending:
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


def _latest_by_key(
    records: Iterable[TaskRunRecord],
) -> dict[str, tuple[TaskRunRecord, dict[str, Any]]]:
    latest: dict[str, tuple[TaskRunRecord, dict[str, Any]]] = {}
    for record in records:  # in seq order: the last attempt of a key wins
        doc = json.loads(record.doc)
        key = doc.get("task_key")
        if isinstance(key, str):
            latest[key] = (record, doc)
    return latest


def _task_key_of(record: TaskRunRecord) -> str | None:
    key = json.loads(record.doc).get("task_key")
    return key if isinstance(key, str) else None


def _task_values(record: TaskRunRecord) -> dict[str, Any]:
    if record.output is None:
        return {}
    with contextlib.suppress(ValueError):
        output = json.loads(record.output)
        values = output.get("task_values") if isinstance(output, dict) else None
        if isinstance(values, dict):
            return values
    return {}


def queue_default(record: JobRecord, settings: Mapping[str, Any]) -> bool:
    """Whether runs over max_concurrent_runs wait: the job's `queue.enabled`, else on for jobs
    created with API 2.2 and off for older ones (the 2.2 release notes)."""
    queue = settings.get("queue")
    if isinstance(queue, dict) and isinstance(queue.get("enabled"), bool):
        return bool(queue["enabled"])
    return record.api_version != "2.1"
