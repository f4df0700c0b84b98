"""The Jobs API's task types, each declared once: its label, required fields, compute, form, how
the local workspace runs it, what a new task of the type starts with, and its colour.

Standard library only: the TypeScript front end is generated from this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

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
    # What a new task of the type starts with: the fields the user must fill, empty ("" or []),
    # which the validator reports as missing until they are filled. A required field that is
    # not a string (run_job_task.job_id) is left out rather than given a wrong type, and so are a
    # condition's operands (an empty operand is a valid one) and a SQL task's query / file / ...
    # (the user picks which).
    skeleton: Mapping[str, Any] = field(default_factory=dict, hash=False)
    # The fields runs/get's `resolved_values` shows, resolved (databricks-sdk: ResolvedValues).
    resolved: tuple[str, ...] = ()
    # The colour of the task's box on the canvas; None: the default colour.
    color: str | None = None


def _type(
    key: str,
    label: str,
    *required: tuple[str, str],
    compute: bool = True,
    form: int | None = None,
    local: Literal["process", "engine"] | None = None,
    skeleton: Mapping[str, Any] | None = None,
    resolved: tuple[str, ...] = (),
    color: str | None = None,
) -> TaskType:
    fields = tuple(Required(name, what) for name, what in required)
    return TaskType(key, label, fields, compute, form, local, dict(skeleton or {}), resolved, color)


# Every task type field of `Task` the Jobs API documents, in its order (databricks-sdk 0.162.0).
TASK_TYPES: Final[tuple[TaskType, ...]] = (
    _type(
        "notebook_task",
        "Notebook",
        ("notebook_path", "the path of the notebook to run"),
        form=0,
        local="process",
        skeleton={"notebook_path": ""},
        resolved=("base_parameters",),
        color="#2563eb",
    ),
    _type(
        "spark_python_task",
        "Python script",
        ("python_file", "the Python file to run"),
        form=1,
        local="process",
        skeleton={"python_file": ""},
        resolved=("parameters",),
        color="#0891b2",
    ),
    _type(
        "python_wheel_task",
        "Python wheel",
        ("package_name", "the name of the wheel's package"),
        ("entry_point", "the entry point of the package to call"),
        form=2,
        local="process",
        skeleton={"package_name": "", "entry_point": ""},
        resolved=("parameters", "named_parameters"),
        color="#0d9488",
    ),
    _type(
        "spark_jar_task",
        "JAR",
        ("main_class_name", "the class whose main method runs"),
        form=6,
        local="process",
        skeleton={"main_class_name": ""},
        resolved=("parameters",),
        color="#b45309",
    ),
    _type(
        "spark_submit_task",
        "Spark Submit (legacy)",
        form=10,
        skeleton={"parameters": []},
        resolved=("parameters",),
        color="#a16207",
    ),
    _type(
        "sql_task",
        "SQL",
        ("warehouse_id", "the SQL warehouse to run on"),
        compute=False,
        form=3,
        local="process",
        skeleton={"warehouse_id": ""},
        resolved=("parameters",),
        color="#7c3aed",
    ),
    _type(
        "pipeline_task",
        "Pipeline",
        ("pipeline_id", "the pipeline to update"),
        compute=False,
        form=4,
        local="process",
        skeleton={"pipeline_id": ""},
        resolved=("parameters",),
        color="#16a34a",
    ),
    _type(
        "run_job_task",
        "Run Job",
        ("job_id", "the job to run"),
        compute=False,
        form=7,
        local="engine",
        resolved=("job_parameters",),
        color="#db2777",
    ),
    _type(
        "condition_task",
        "If/else condition",
        ("left", "the left operand"),
        ("right", "the right operand"),
        compute=False,
        form=8,
        local="engine",
        skeleton={"op": "EQUAL_TO"},
        resolved=("left", "right"),
        color="#ca8a04",
    ),
    _type(
        "for_each_task",
        "For each",
        ("inputs", "the list to iterate over"),
        ("task", "the task to run"),
        compute=False,
        form=9,
        local="engine",
        color="#4f46e5",
    ),
    _type(
        "dbt_task",
        "dbt",
        ("commands", "the dbt commands to run"),
        form=5,
        local="process",
        skeleton={"commands": []},
        resolved=("commands",),
        color="#ea580c",
    ),
    _type("dbt_cloud_task", "dbt Cloud (deprecated)", compute=False),
    _type(
        "dbt_platform_task",
        "dbt platform",
        compute=False,
        skeleton={"connection_resource_name": "", "dbt_platform_job_id": ""},
    ),
    _type(
        "dashboard_task",
        "Dashboard",
        compute=False,
        skeleton={"dashboard_id": ""},
        color="#9333ea",
    ),
    _type(
        "alert_task",
        "Alert",
        compute=False,
        skeleton={"alert_id": ""},
        color="#dc2626",
    ),
    _type(
        "power_bi_task",
        "Power BI",
        compute=False,
        color="#d97706",
    ),
    _type(
        "clean_rooms_notebook_task",
        "Clean Rooms notebook",
        skeleton={"clean_room_name": "", "notebook_name": ""},
    ),
    _type(
        "gen_ai_compute_task",
        "GenAI compute (deprecated)",
        skeleton={"dl_runtime_image": ""},
    ),
    _type(
        "ai_runtime_task",
        "AI runtime",
        skeleton={"experiment": ""},
    ),
    _type("ai_function_task", "AI function"),
    _type(
        "python_operator_task",
        "Python operator",
        skeleton={"main": ""},
    ),
)

_BY_KEY: Final[dict[str, TaskType]] = {entry.key: entry for entry in TASK_TYPES}


def task_type(key: str) -> TaskType | None:
    """The task type a task's field names ("notebook_task"); None for any other field."""
    return _BY_KEY.get(key)
