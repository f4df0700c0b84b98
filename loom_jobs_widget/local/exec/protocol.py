"""What the engine and a task process exchange: the engine's request (`TaskInvocation`), the
process it gets back (`TaskProcess`) and how it ended (`TaskOutcome`), and the files in the
task-run folder (`run_dir`) through which the server and the child talk.

The files, the whole parent/child protocol:

- `invocation.json`: written by the parent before the child starts; what to run and its inputs.
  Data reaches the child only through this file, never through argv or the environment (which
  holds only the variables `environment` allows and the task's settings set).
- `output.log`: the child's stdout and stderr (the run output's `logs` for Python files).
- `dbutils-state.json`: written by `dbutils` in the child on every change (task values, the
  `dbutils.notebook.exit` value), so values set before a crash are still there.
- `result.json`: written by the bootstrap as its last act: how the workload ended, and for SQL
  tasks their output (`sql_output`, and the rows `{{tasks.<key>.output.rows}}` reads).
- `notebook.ipynb`: for `.ipynb` notebook tasks, the executed copy with its cell outputs.
- `notebook-cells.json` and `notebook-cells.log`: for notebook tasks, the cells and where each
  one's printed output is (`cells`); kept with the task run's output for runs/export.
- `notebook-displays.jsonl`: for source-format notebooks, what `display` / `displayHTML` / a
  `%sql` cell showed, one JSON line per display with its cell's index (`display`).
- `notebook-runs/<n>/`: the task-run folder of each `dbutils.notebook.run` child notebook,
  with `workflow-end.json` (written by the caller) and `workflow-run.json` (written by the
  engine, which records the child as a run of its own), both defined in `dbutils`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "BOOTSTRAP_MODULE",
    "CANCELED_MESSAGE",
    "CANCEL_GRACE_SECONDS",
    "CELLS_FILE",
    "CELLS_PROGRESS_FILE",
    "CHILD_RUNS_FOLDER",
    "DISPLAYS_FILE",
    "EXECUTED_NOTEBOOK",
    "INVOCATION_FILE",
    "LOG_FILE",
    "NOTEBOOK_CELLS",
    "NOTEBOOK_HEADER",
    "OUTPUT_LIMIT_BYTES",
    "RESULT_FILE",
    "SQL_ROWS",
    "STATE_FILE",
    "WORKLOAD_FAILED",
    "TaskInvocation",
    "TaskOutcome",
    "TaskProcess",
    "UnsupportedTask",
]

#: The task process's module: `python -m BOOTSTRAP_MODULE RUN_DIR`, or the fork server's.
BOOTSTRAP_MODULE = "loom_jobs_widget.local.exec.bootstrap"
INVOCATION_FILE = "invocation.json"
LOG_FILE = "output.log"
STATE_FILE = "dbutils-state.json"
RESULT_FILE = "result.json"
EXECUTED_NOTEBOOK = "notebook.ipynb"
CELLS_FILE = "notebook-cells.json"
CELLS_PROGRESS_FILE = "notebook-cells.log"
DISPLAYS_FILE = "notebook-displays.jsonl"
CHILD_RUNS_FOLDER = "notebook-runs"

#: First line of a Databricks source-format notebook; a `.py` file without it is a plain file.
NOTEBOOK_HEADER = "# Databricks notebook source"

#: runs/get-output keeps the last 5 MB of logs and the first 5 MB of the notebook result.
OUTPUT_LIMIT_BYTES = 5 * 1024 * 1024

#: Between SIGTERM and SIGKILL on cancel: enough for `finally` blocks, short enough for a UI.
CANCEL_GRACE_SECONDS = 2.0

WORKLOAD_FAILED = "Workload failed, see run output for details"

#: Key of a task run's stored output holding a SQL task's result rows as JSON objects: what
#: `{{tasks.<key>.output.rows}}` reads. Not part of runs/get-output (its `sql_output` is).
SQL_ROWS = "sql_rows"
#: Key of a notebook task run's stored output holding its cells as they ran (`cells`): what
#: runs/export shows. Not part of runs/get-output.
NOTEBOOK_CELLS = "notebook_cells"
CANCELED_MESSAGE = "The run was canceled."


# --- the interface the engine uses ---------------------------------------------------------------


@dataclass(frozen=True)
class TaskInvocation:
    """One attempt of one task, as the engine asks for it."""

    task: dict[str, Any]  # the task's settings, its references resolved
    job_parameters: dict[str, str]  # resolved job parameters (defaults + run-now overrides)
    workspace_root: Path  # /Workspace/... paths resolve inside it
    run_dir: Path  # a fresh, empty folder for this task-run attempt (logs, outputs)
    upstream_values: dict[str, dict[str, Any]]  # task values set by upstream tasks, by task_key
    context: dict[str, Any]  # job_id, job_run_id, run_id (task run), task_key, attempt_number, host
    # The job's settings (runs/submit: the submitted ones): what the task takes from the job, its
    # job cluster's spark_env_vars and its environment_variables entry (`environment`).
    job_settings: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Called with the task process's pid once it exists, and (forked) before it runs anything:
    # the engine records the process there, so a restart after a crash always finds it.
    on_start: Callable[[int], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class TaskOutcome:
    """How the attempt ended, in the terms of runs/get and runs/get-output."""

    result_state: str  # "SUCCESS" | "FAILED"  (TIMEDOUT/CANCELED are decided by the engine)
    state_message: str  # "" on success
    error: str | None  # last line of the exception
    error_trace: str | None  # the traceback
    logs: str  # stdout+stderr, last 5 MB; "" for notebook tasks (as on Databricks)
    logs_truncated: bool
    notebook_result: str | None  # dbutils.notebook.exit value, first 5 MB
    task_values: dict[str, Any]  # dbutils.jobs.taskValues.set(...)
    notebook_result_truncated: bool = False  # runs/get-output notebook_output.truncated
    # More of the stored output: `sql_output` (runs/get-output) and SQL_ROWS for SQL tasks,
    # NOTEBOOK_CELLS for notebooks.
    extra_output: dict[str, Any] = field(default_factory=dict)


class UnsupportedTask(Exception):
    """A task this runner cannot execute; the message says which and why, for the user."""


class TaskProcess(Protocol):
    pid: int

    def wait(self, timeout: float | None = None) -> TaskOutcome | None:
        """The outcome once the task has ended; None if still running after `timeout` seconds."""
        ...

    def cancel(self) -> None:
        """Kill the task's whole process tree; `wait()` then returns a canceled FAILED outcome."""
        ...
