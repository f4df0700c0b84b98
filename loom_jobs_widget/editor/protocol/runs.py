"""The Runs tab's shapes: a run, its tasks, a repair plan, the runs-by-tasks matrix."""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["Iterations", "MatrixRow", "RepairPlan", "RunDetail", "RunSummary", "TaskRunView"]


class RunSummary(TypedDict):
    """A row of the run history."""

    run_id: int
    number_in_job: int | None
    #: epoch ms
    start_time: int | None
    end_time: int | None
    #: so far, for a run still going
    duration_ms: int | None
    #: a result once ended (SUCCESS, FAILED...), else QUEUED / PENDING / RUNNING...
    state: str
    state_message: str
    ended: bool
    #: ONE_TIME, PERIODIC, FILE_ARRIVAL, RUN_JOB_TASK, RETRY...
    trigger: str | None
    #: the user who started it, when known
    triggered_by: str | None
    job_parameters: dict[str, str]
    run_page_url: str | None


class Iterations(TypedDict):
    """How far a for_each task's iterations are."""

    done: int
    total: int
    failed: int


class TaskRunView(TypedDict):
    """One task run, for the run detail and its timeline."""

    task_key: str
    run_id: int | None
    attempt_number: int
    state: str
    state_message: str
    start_time: int | None
    end_time: int | None
    #: ms
    queue_duration: int | None
    setup_duration: int | None
    execution_duration: int | None
    cleanup_duration: int | None
    #: The task ended so because another one failed (UPSTREAM_FAILED / UPSTREAM_CANCELED).
    upstream_only: bool
    root_cause: bool
    run_page_url: str | None
    resolved_parameters: dict[str, Any] | None
    #: run_job_task: the child run
    child_run_id: int | None
    #: for_each
    iterations: Iterations | None
    #: task runs of this key (retries and repairs)
    attempts: int


class RunDetail(RunSummary):
    """A run with its tasks."""

    #: the latest task run of each task, in the job's order
    tasks: list[TaskRunView]
    #: every task run, oldest first (retries, repairs)
    attempts: list[TaskRunView]
    repair_history: list[dict[str, Any]]
    latest_repair_id: int | None


class RepairPlan(TypedDict):
    """What a repair would do, before it is sent."""

    rerun: list[str]
    reused: list[str]
    request: dict[str, Any]


class MatrixRow(TypedDict):
    """One run of the runs-by-tasks matrix."""

    run: RunSummary
    #: One state per task of `task_keys` (null: the task did not run in that run).
    cells: list[str | None]
