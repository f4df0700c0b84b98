"""The Jobs API's task types, each declared once: its label, required fields, compute, form, how
the local workspace runs it, what a new task of the type starts with, and its colour.

Standard library only: the TypeScript front end is generated from this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = ["TASK_FIELDS", "TASK_TYPES", "Required", "TaskField", "TaskType", "task_type"]


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
        form=13,
        local="process",
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
        form=12,
        skeleton={"connection_resource_name": "", "dbt_platform_job_id": ""},
    ),
    _type(
        "dashboard_task",
        "Dashboard",
        ("dashboard_id", "the dashboard to refresh"),
        compute=False,
        form=10,
        skeleton={"dashboard_id": ""},
        color="#9333ea",
    ),
    _type(
        "alert_task",
        "Alert",
        compute=False,
        form=11,
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


@dataclass(frozen=True)
class TaskField:
    """A field of a task type's object, as databricks-sdk's `jobs` dataclass declares it."""

    name: str  # "notebook_path"
    doc: str  # one line, from the SDK's docstring of the field


def _fields(*pairs: tuple[str, str]) -> tuple[TaskField, ...]:
    return tuple(TaskField(name, doc) for name, doc in pairs)


# The fields of each task type's object, in databricks-sdk's order (the `jobs` dataclass named by
# `Task`'s field, databricks-sdk 0.167.0): the JSON editor of a type without a form names them,
# and tests/core/test_task_type_fields.py checks them and the forms against the installed SDK.
TASK_FIELDS: Final[Mapping[str, tuple[TaskField, ...]]] = {
    "ai_function_task": _fields(
        ("output", "Output destination table."),
        ("ai_classify", "Classifies each input document or row into one or more labels."),
        ("ai_extract", "Extracts structured fields from the input documents or rows."),
        ("ai_parse_document", "Parses the input documents into structured text."),
        ("delta_table", "A Unity Catalog Delta table as input."),
        ("volume", "A Unity Catalog volume as input."),
    ),
    "ai_runtime_task": _fields(
        ("experiment", "MLflow experiment name for this run."),
        ("deployments", "Deployment specs for this task."),
        ("code_source_path", "Workspace or UC volume path of the code-source archive."),
        ("docker_image_url", "Optional Docker image URL for a custom container image."),
        ("mlflow_artifact_location", "Optional root location for MLflow artifacts of the run."),
        ("mlflow_experiment_directory", "Optional workspace directory of the MLflow experiment."),
        ("mlflow_run", "Optional display name for the MLflow run."),
        ("priority_class", "Scheduling priority class for the workload."),
        ("unity_catalog_image_path", "Optional Unity Catalog path for a custom container image."),
    ),
    "alert_task": _fields(
        ("alert_id", "The canonical identifier of the alert."),
        ("parameters", "Per-run overrides of the alert's query parameters, by name."),
        ("subscribers", "Who receives the alert's result after the task: a list."),
        ("warehouse_id", "The SQL warehouse the alert task runs on."),
        ("workspace_path", "The path of the alert file in the workspace (instead of alert_id)."),
    ),
    "clean_rooms_notebook_task": _fields(
        ("clean_room_name", "The clean room that the notebook belongs to."),
        ("notebook_name", "Name of the notebook being run."),
        ("etag", "Checksum to validate the freshness of the notebook resource."),
        ("notebook_base_parameters", "Base parameters for the clean room notebook."),
    ),
    "condition_task": _fields(
        ("op", "The comparison: EQUAL_TO, NOT_EQUAL, GREATER_THAN, LESS_THAN, ..."),
        ("left", "The left operand of the condition task."),
        ("right", "The right operand of the condition task."),
    ),
    "dashboard_task": _fields(
        ("dashboard_id", "The identifier of the dashboard to refresh."),
        ("filters", "Dashboard filter values by the filters' URL identifiers."),
        ("subscription", "Who receives the dashboard's snapshot: subscribers, subject, paused."),
        ("warehouse_id", "The SQL warehouse to refresh with; default: the dashboard's own."),
    ),
    "dbt_cloud_task": _fields(
        ("connection_resource_name", "The UC connection that authenticates to dbt Cloud."),
        ("dbt_cloud_job_id", "Id of the dbt Cloud job to be triggered."),
    ),
    "dbt_platform_task": _fields(
        ("connection_resource_name", "The UC connection that authenticates to the dbt platform."),
        ("dbt_platform_job_id", "Id of the dbt platform job to be triggered."),
    ),
    "dbt_task": _fields(
        ("commands", "A list of dbt commands to execute."),
        ("catalog", "Optional name of the catalog to use."),
        ("profiles_directory", "Optional (relative) path to the profiles directory."),
        ("project_directory", "Path to the project directory."),
        ("schema", "Optional schema to write to."),
        ("source", "Optional location type of the project directory: WORKSPACE or GIT."),
        ("warehouse_id", "ID of the SQL warehouse to connect to."),
    ),
    "for_each_task": _fields(
        ("inputs", "Array for task to iterate on: JSON, or a reference to one."),
        ("task", "The task run for each element of the array."),
        ("concurrency", "An optional maximum number of concurrent runs of the task."),
    ),
    "gen_ai_compute_task": _fields(
        ("dl_runtime_image", "Runtime image."),
        ("command", "Command launcher to run the actual script."),
        ("compute", "The GPU compute: num_gpus, gpu_type, gpu_node_pool_id."),
        ("mlflow_experiment_name", "Optional name of the MLflow experiment to log the run to."),
        ("source", "Optional location type of the training script: WORKSPACE or GIT."),
        ("training_script_path", "The training script file path to be executed."),
        ("yaml_parameters", "Optional model parameters passed to the training script, as YAML."),
        ("yaml_parameters_file_path", "Optional path to a YAML file of model parameters."),
    ),
    "notebook_task": _fields(
        ("notebook_path", "The path of the notebook to be run."),
        ("base_parameters", "Base parameters to be used for each run of this job."),
        ("source", "Optional location type of the notebook: WORKSPACE or GIT."),
        ("warehouse_id", "Optional SQL warehouse to run the notebook on."),
    ),
    "pipeline_task": _fields(
        ("pipeline_id", "The pipeline to update."),
        ("full_refresh", "If true, triggers a full refresh of the pipeline."),
        ("full_refresh_selection", "A list of tables to update with a full refresh."),
        ("parameters", "Key/value parameters passed to the pipeline's update."),
        ("refresh_flow_selection", "Flow names to selectively refresh."),
        ("refresh_selection", "A list of tables to update without a full refresh."),
        ("reset_checkpoint_selection", "Streaming flows whose checkpoints are reset."),
    ),
    "power_bi_task": _fields(
        ("connection_resource_name", "The UC connection that authenticates to Power BI."),
        ("power_bi_model", "The semantic model to update."),
        ("refresh_after_update", "Whether the model is refreshed after the update."),
        ("tables", "The tables to be exported to Power BI."),
        ("warehouse_id", "The SQL warehouse used as the Power BI data source."),
    ),
    "python_operator_task": _fields(
        ("main", "Fully qualified name of the main class or function."),
        ("parameters", "An ordered list of task parameters."),
    ),
    "python_wheel_task": _fields(
        ("package_name", "Name of the package to execute."),
        ("entry_point", "Named entry point to use."),
        ("named_parameters", "Keyword parameters: a map of --name=value arguments."),
        ("parameters", "Command-line parameters passed to the wheel."),
    ),
    "run_job_task": _fields(
        ("job_id", "ID of the job to trigger."),
        ("dbt_commands", "Deprecated: use job_parameters."),
        ("jar_params", "Deprecated: use job_parameters."),
        ("job_parameters", "Job-level parameters used to trigger the job."),
        ("notebook_params", "Deprecated: use job_parameters."),
        ("pipeline_params", "Whether the pipeline performs a full refresh (full_refresh)."),
        ("python_named_params", "Deprecated: use job_parameters."),
        ("python_params", "Deprecated: use job_parameters."),
        ("spark_submit_params", "Deprecated: use job_parameters."),
        ("sql_params", "Deprecated: use job_parameters."),
    ),
    "spark_jar_task": _fields(
        ("jar_uri", "Deprecated: add the JAR to the task's libraries."),
        ("main_class_name", "The full name of the class containing the main method."),
        ("parameters", "Parameters passed to the main method."),
        ("run_as_repl", "Deprecated."),
    ),
    "spark_python_task": _fields(
        ("python_file", "The Python file to be executed."),
        ("parameters", "Command line parameters passed to the Python file."),
        ("source", "Optional location type of the Python file: WORKSPACE or GIT."),
    ),
    "spark_submit_task": _fields(
        ("parameters", "Command-line parameters passed to spark submit."),
    ),
    "sql_task": _fields(
        ("warehouse_id", "The canonical identifier of the SQL warehouse."),
        ("alert", "Refresh a SQL alert."),
        ("dashboard", "Refresh a legacy SQL dashboard."),
        ("file", "Run a SQL file."),
        ("parameters", "Parameters to be used for each run of this job."),
        ("query", "Execute a saved SQL query."),
    ),
}
