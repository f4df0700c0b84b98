"""The engine's runs in memory: what starts a job run (`RunRequest`), a job run in progress
(`Run`), an attempt of one of its tasks (`Attempt`) and a for_each task's iterations (`Loop`),
with the small readings of settings they need."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from loom_jobs_widget.core.models import task_types_of
from loom_jobs_widget.local.engine.dag import TaskGraph
from loom_jobs_widget.local.store import JobRecord

__all__ = [
    "Attempt",
    "Loop",
    "Run",
    "RunRequest",
    "ended",
    "int_or_none",
    "max_concurrent_runs",
    "notebook_path",
    "now_ms",
    "positive_int",
    "queue_default",
    "termination_code",
]


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


@dataclass(eq=False)
class Attempt:
    """One entry of a job run's tasks[]: an attempt of a task. Every attempt (retries, and the
    tasks a repair reran) keeps its entry; `Run.latest` holds the latest one per task_key."""

    key: str
    task: dict[str, Any]
    doc: dict[str, Any]  # the RunTask document, as stored
    seq: int
    job_run_id: int  # the job run it belongs to (an iteration too)
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
    parent: Attempt | None = None
    index: int = 0
    loop: Loop | None = None  # a for_each task's iterations, once started
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
class Loop:
    """The iterations of a for_each task run: one per input element, started in order."""

    inputs: list[Any]
    concurrency: int
    task: dict[str, Any]  # the nested task, its references unresolved
    latest: dict[int, Attempt] = field(default_factory=dict)  # by index: the latest attempt
    started: int = 0  # elements 0..started-1 have an iteration

    def active(self) -> int:
        return sum(1 for attempt in self.latest.values() if attempt.result is None)


@dataclass(eq=False)
class Run:
    """A job run in progress (queued ones included)."""

    run_id: int
    job_id: int
    doc: dict[str, Any]
    plan: dict[str, Any]
    order: list[str]  # task keys, dependencies first
    tasks: dict[str, dict[str, Any]]
    parents: dict[str, list[tuple[str, str | None]]]  # key -> [(upstream key, outcome)]
    children: dict[str, list[str]]
    latest: dict[str, Attempt]
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
    ) -> Run:
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

    def attempts(self) -> Iterator[Attempt]:
        """The latest attempt of every task, and of every for_each iteration."""
        for attempt in list(self.latest.values()):
            yield attempt
            if attempt.loop is not None:
                yield from list(attempt.loop.latest.values())


# --- readings of settings and documents ----------------------------------------------------------


def ended(attempt: Attempt) -> bool:
    # A function, not an inline test: another thread may end the attempt between two reads.
    return attempt.result is not None


def positive_int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def int_or_none(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def max_concurrent_runs(settings: Mapping[str, Any]) -> int:
    value = settings.get("max_concurrent_runs")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 1  # the API's default


def queue_default(record: JobRecord, settings: Mapping[str, Any]) -> bool:
    """Whether runs over max_concurrent_runs wait: the job's `queue.enabled`, else on for jobs
    created with API 2.2 and off for older ones (the 2.2 release notes)."""
    queue = settings.get("queue")
    if isinstance(queue, dict) and isinstance(queue.get("enabled"), bool):
        return bool(queue["enabled"])
    return record.api_version != "2.1"


def _task_kind(task: Mapping[str, Any]) -> str:
    """The task's type field (notebook_task, condition_task, ...); "" when it has none or
    several (the runner then says what is wrong)."""
    kinds = task_types_of(task)
    return kinds[0] if len(kinds) == 1 else ""


def termination_code(doc: Mapping[str, Any]) -> str | None:
    """status.termination_details.code of a task run document, once it has one."""
    code = ((doc.get("status") or {}).get("termination_details") or {}).get("code")
    return code if isinstance(code, str) else None


def notebook_path(task: Mapping[str, Any]) -> str | None:
    notebook = task.get("notebook_task")
    path = notebook.get("notebook_path") if isinstance(notebook, dict) else None
    return path if isinstance(path, str) else None
