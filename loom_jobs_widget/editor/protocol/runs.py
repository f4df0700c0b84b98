"""The Runs tab's shapes: a run, its tasks, a task run's output, a repair plan, the runs-by-tasks
matrix."""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = [
    "ExportedView",
    "IterationAttempt",
    "IterationView",
    "Iterations",
    "IterationsPage",
    "MatrixRow",
    "RepairPlan",
    "RunDetail",
    "RunSummary",
    "TaskOutput",
    "TaskRunView",
]


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
    #: the workspace's page of the run; null when no browser tab can open it (the local
    #: workspace's runs open in the widget's own run view)
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
    #: null when no browser tab can open it
    run_page_url: str | None
    #: the Spark UI of a task run on a cluster (from its cluster_instance), else null
    spark_ui_url: str | None
    resolved_parameters: dict[str, Any] | None
    #: run_job_task: the child run
    child_run_id: int | None
    #: for_each
    iterations: Iterations | None
    #: task runs of this key (retries and repairs)
    attempts: int
    #: the repair that ran this task run (null: the original run, or not known)
    repair_id: int | None


class RunDetail(RunSummary):
    """A run with its tasks."""

    #: the latest task run of each task, in the job's order
    tasks: list[TaskRunView]
    #: every task run, oldest first (retries, repairs): a task's earlier attempts stay
    attempts: list[TaskRunView]
    repair_history: list[dict[str, Any]]
    latest_repair_id: int | None


class ExportedView(TypedDict):
    """One page of an exported notebook run (runs/export)."""

    name: str
    #: NOTEBOOK, DASHBOARD
    type: str
    #: an HTML page
    content: str


class TaskOutput(TypedDict):
    """One task run's output (runs/get-output, and runs/export for a notebook)."""

    run_id: int | None
    task_key: str | None
    #: the key of the task's settings: notebook_task, spark_python_task, ...
    task_type: str | None
    state: str
    ended: bool
    #: a notebook's dbutils.notebook.exit value
    notebook_result: str | None
    notebook_result_truncated: bool
    #: without colour codes
    error: str | None
    error_trace: str | None
    #: stdout and stderr of Python, wheel and JAR tasks
    logs: str | None
    logs_truncated: bool
    #: the answer's other fields as they came (sql_output, dbt_output, run_job_output, ...)
    other: dict[str, Any]
    #: a notebook's exported pages, with what it printed (null: not exported)
    exported_views: list[ExportedView] | None
    #: why the notebook could not be exported
    export_error: str | None
    #: the pages are the local workspace's plain HTML (else Databricks' own, which run scripts)
    export_local: bool


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


class IterationAttempt(TypedDict):
    """One task run of a for_each iteration (its first run, or a retry)."""

    run_id: int | None
    attempt_number: int
    state: str
    state_message: str
    start_time: int | None
    end_time: int | None
    #: so far, while it runs
    duration_ms: int | None
    ended: bool


class IterationView(IterationAttempt):
    """One iteration of a for_each task: its latest attempt, the item of `inputs` it got, and
    every attempt."""

    #: its place in `inputs` (0-based)
    index: int
    #: the item as JSON text (a string item as it is); null when the inputs are not known
    input: str | None
    attempts: list[IterationAttempt]


class IterationsPage(TypedDict):
    """A page of a for_each task run's iterations."""

    #: the for_each task run
    run_id: int | None
    task_key: str | None
    state: str
    ended: bool
    offset: int
    #: how many iterations there are (or will be, when the inputs are known)
    total: int
    #: how many have a task run so far
    started: int
    iterations: list[IterationView]
