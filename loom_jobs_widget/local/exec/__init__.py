"""Task processes: what the engine asks for and gets back (`protocol`), starting and following a
task's child process (`runners`, through the warm interpreter of `forkserver`), what the child
runs (`bootstrap`, with `dbutils` and the local SQL `warehouse`; `notebooks`, whose cells
`notebook_source` reads and whose `%sql`, `%fs`, `%sh`, `%pip`, `%run` cells `magics` runs,
with `display`), a notebook's cells as they ran (`cells`), the workspace paths they share
(`paths`), `spark` in a task (`spark`, with the local catalog's names from `sql_names`), and a
spark_submit_task's command line (`spark_submit`)."""

from loom_jobs_widget.local.exec.outcome import sql_output_of
from loom_jobs_widget.local.exec.paths import resolve_notebook_path, resolve_workspace_path
from loom_jobs_widget.local.exec.processes import (
    kill_recorded,
    process_record,
    process_running,
)
from loom_jobs_widget.local.exec.protocol import (
    NOTEBOOK_CELLS,
    SQL_ROWS,
    TaskInvocation,
    TaskOutcome,
    TaskProcess,
    UnsupportedTask,
)
from loom_jobs_widget.local.exec.runners import TaskLauncher, start_task
from loom_jobs_widget.local.exec.spark import SPARK_DIR
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID

__all__ = [
    "LOCAL_WAREHOUSE_ID",
    "NOTEBOOK_CELLS",
    "SPARK_DIR",
    "SQL_ROWS",
    "TaskInvocation",
    "TaskLauncher",
    "TaskOutcome",
    "TaskProcess",
    "UnsupportedTask",
    "kill_recorded",
    "process_record",
    "process_running",
    "resolve_notebook_path",
    "resolve_workspace_path",
    "sql_output_of",
    "start_task",
]
