"""The Jobs API's task types, each declared once: its label, required fields, compute, form and
how the local workspace runs it.

Standard library only: the TypeScript front end is generated from this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["TASK_TYPES", "Required", "TaskType", "task_type"]


@dataclass(frozen=True)
class Required:
    """A field a task type cannot run without (databricks-sdk's docstrings mark it required)."""

    name: str  # inside the task type's object: "notebook_path"
    what: str  # for the validator's message: "the path of the notebook to run"


@dataclass(frozen=True)
class TaskType:
    """One task type: the field of a task that names it, and what this package knows of it."""

    key: str  # the task's field naming its type: "notebook_task"
    label: str  # as the Jobs UI names it: "Notebook"
    required: tuple[Required, ...]
    compute: bool  # runs on compute of its own (a cluster or serverless)
    form: int | None  # position in the task panel's type picker; None: edited as JSON
    # How the local workspace runs it: "process", a child process that local/exec/runners.py
    # plans; "engine", the run engine itself; None, it cannot.
    local: Literal["process", "engine"] | None


def _type(
    key: str,
    label: str,
    *required: tuple[str, str],
    compute: bool = True,
    form: int | None = None,
    local: Literal["process", "engine"] | None = None,
) -> TaskType:
    fields = tuple(Required(name, what) for name, what in required)
    return TaskType(key, label, fields, compute, form, local)


# Every task type field of `Task` the Jobs API documents, in its order (databricks-sdk 0.162.0).
TASK_TYPES: Final[tuple[TaskType, ...]] = (
    _type(
        "notebook_task",
        "Notebook",
        ("notebook_path", "the path of the notebook to run"),
        form=0,
        local="process",
    ),
    _type(
        "spark_python_task",
        "Python script",
        ("python_file", "the Python file to run"),
        form=1,
        local="process",
    ),
    _type(
        "python_wheel_task",
        "Python wheel",
        ("package_name", "the name of the wheel's package"),
        ("entry_point", "the entry point of the package to call"),
        form=2,
        local="process",
    ),
    _type(
        "spark_jar_task",
        "JAR",
        ("main_class_name", "the class whose main method runs"),
        form=6,
        local="process",
    ),
    _type("spark_submit_task", "Spark Submit (legacy)", form=10),
    _type(
        "sql_task",
        "SQL",
        ("warehouse_id", "the SQL warehouse to run on"),
        compute=False,
        form=3,
        local="process",
    ),
    _type(
        "pipeline_task",
        "Pipeline",
        ("pipeline_id", "the pipeline to update"),
        compute=False,
        form=4,
    ),
    _type(
        "run_job_task",
        "Run Job",
        ("job_id", "the job to run"),
        compute=False,
        form=7,
        local="engine",
    ),
    _type(
        "condition_task",
        "If/else condition",
        ("left", "the left operand"),
        ("right", "the right operand"),
        compute=False,
        form=8,
        local="engine",
    ),
    _type(
        "for_each_task",
        "For each",
        ("inputs", "the list to iterate over"),
        ("task", "the task to run"),
        compute=False,
        form=9,
        local="engine",
    ),
    _type(
        "dbt_task",
        "dbt",
        ("commands", "the dbt commands to run"),
        form=5,
        local="process",
    ),
    _type("dbt_cloud_task", "dbt Cloud (deprecated)", compute=False),
    _type("dbt_platform_task", "dbt platform", compute=False),
    _type("dashboard_task", "Dashboard", compute=False),
    _type("alert_task", "Alert", compute=False),
    _type("power_bi_task", "Power BI", compute=False),
    _type("clean_rooms_notebook_task", "Clean Rooms notebook"),
    _type("gen_ai_compute_task", "GenAI compute (deprecated)"),
    _type("ai_runtime_task", "AI runtime"),
    _type("ai_function_task", "AI function"),
    _type("python_operator_task", "Python operator"),
)

_BY_KEY: Final[dict[str, TaskType]] = {entry.key: entry for entry in TASK_TYPES}


def task_type(key: str) -> TaskType | None:
    """The task type a task's field names ("notebook_task"); None for any other field."""
    return _BY_KEY.get(key)
