"""Which task types run in a child process, and what the child runs for each (its plan),
decided from the settings alone: the single place for the rule "which task types run locally".
Any other type ends FAILED with a message saying it needs a real Databricks workspace (condition,
for_each and run_job tasks never get here: the engine runs them itself)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from loom_jobs_widget.local.exec.protocol import TaskInvocation, UnsupportedTask
from loom_jobs_widget.local.exec.spark_submit import submit_plan
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID

__all__ = ["PLANNERS", "plan"]

_CLOUD_URI = re.compile(r"^(s3a?|s3n|gs|abfss?|wasbs?|adl):/", re.IGNORECASE)


def _task_type(task: dict[str, Any]) -> str:
    kinds = [key for key in task if key.endswith("_task")]
    if len(kinds) != 1:
        raise UnsupportedTask(
            f"task {task.get('task_key', '?')!r} has {len(kinds)} task types {kinds}; one is needed"
        )
    return kinds[0]


def _needs_real_workspace(what: str) -> str:
    """The failure message of what only a Databricks workspace can run."""
    return f"{what} need a real Databricks workspace: the local workspace does not run them"


def plan(invocation: TaskInvocation) -> dict[str, Any]:
    """What the child runs, decided from the settings alone (no file system access), so that
    `start_task` raises UnsupportedTask at once and everything else fails inside the run."""
    task = invocation.task
    kind = _task_type(task)
    spec = task[kind]
    if not isinstance(spec, dict):
        raise UnsupportedTask(f"{kind} of task {task.get('task_key', '?')!r} is not an object")
    planner = PLANNERS.get(kind)
    if planner is None:
        raise UnsupportedTask(_needs_real_workspace(f"{kind} tasks"))
    if spec.get("source") == "GIT":
        raise UnsupportedTask(
            f"{kind} with source GIT (a file in a Git repository) is not run by the local"
            " workspace yet; use a workspace path"
        )
    return {"argv": [], "widgets": {}, **planner(spec, invocation)}


def _python_file_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    python_file = spec.get("python_file")
    if not isinstance(python_file, str) or not python_file:
        raise UnsupportedTask("spark_python_task has no python_file")
    if _CLOUD_URI.match(python_file):
        raise UnsupportedTask(
            f"python_file {python_file} is in cloud storage, which the local workspace does"
            " not reach; use a workspace or dbfs:/ path"
        )
    # Parameters are a JSON array: argv, with no job-parameter pushdown (Jobs docs: task
    # parameters).
    argv = [str(arg) for arg in spec.get("parameters") or []]
    return {"kind": "python_file", "path": python_file, "argv": argv}


def _spark_submit_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    # Parameters are a JSON array: spark-submit's command line, with no job-parameter pushdown.
    return submit_plan(spec, str(invocation.task.get("task_key", "?")))


def _notebook_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    if spec.get("warehouse_id"):
        raise UnsupportedTask(
            "notebook tasks on a SQL warehouse (SQL notebooks) are not run by the local"
            " workspace yet"
        )
    notebook_path = spec.get("notebook_path")
    if not isinstance(notebook_path, str) or not notebook_path:
        raise UnsupportedTask("notebook_task has no notebook_path")
    # Job parameters are pushed down as widgets and win over the task's base_parameters.
    widgets = {str(k): str(v) for k, v in (spec.get("base_parameters") or {}).items()}
    widgets.update({str(k): str(v) for k, v in invocation.job_parameters.items()})
    return {"kind": "notebook", "path": notebook_path, "widgets": widgets}


def _sql_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    for variant, what in (("alert", "SQL alerts"), ("dashboard", "SQL dashboards")):
        if spec.get(variant) is not None:
            raise UnsupportedTask(_needs_real_workspace(f"sql_task {variant}s ({what})"))
    if spec.get("query") is not None:
        raise UnsupportedTask(
            "sql_task queries (query_id) are not run by the local workspace yet (it lists saved"
            " queries for the editor, but runs SQL from files); put the SQL in a .sql workspace"
            " file and use sql_task.file"
        )
    file = spec.get("file")
    if not isinstance(file, dict) or not isinstance(file.get("path"), str) or not file["path"]:
        raise UnsupportedTask("sql_task has no file (a path), query, alert or dashboard")
    path = file["path"]
    if file.get("source") == "GIT":
        raise UnsupportedTask(
            "sql_task files with source GIT (a file in a Git repository) are not run by the"
            " local workspace yet; use a workspace path"
        )
    warehouse_id = spec.get("warehouse_id")
    # The one warehouse the compute API lists; any other id would fail on Databricks too.
    if warehouse_id != LOCAL_WAREHOUSE_ID:
        named = f"SQL warehouse {warehouse_id!r}" if warehouse_id else "No SQL warehouse"
        raise UnsupportedTask(
            f"{named} does not exist in the local workspace: set the task's warehouse_id to"
            f" {LOCAL_WAREHOUSE_ID!r}, the local warehouse (SQL runs on its DuckDB database)"
        )
    # Named parameters; job parameters are pushed down and win on a clash.
    parameters = {str(k): str(v) for k, v in (spec.get("parameters") or {}).items()}
    parameters.update({str(k): str(v) for k, v in invocation.job_parameters.items()})
    return {"kind": "sql", "path": path, "parameters": parameters, "warehouse_id": warehouse_id}


def _libraries(task: dict[str, Any], kinds: tuple[str, ...]) -> dict[str, list[str]]:
    """The task's `libraries` of the given kinds (whl, jar, pypi), by kind; any other kind of
    library is refused, since the local workspace installs nothing into its environment."""
    found: dict[str, list[str]] = {kind: [] for kind in kinds}
    for library in task.get("libraries") or []:
        if not isinstance(library, dict) or len(library) != 1:
            raise UnsupportedTask(f"library {library!r} is not one library of one kind")
        ((kind, value),) = library.items()
        if kind == "pypi" and "pypi" in kinds and isinstance(value, dict):
            value = value.get("package")
        if kind not in kinds or not isinstance(value, str) or not value:
            raise UnsupportedTask(
                f"{kind} libraries of this task are not installed by the local workspace:"
                " install what the task needs into the environment the workspace runs in"
            )
        if _CLOUD_URI.match(value):
            raise UnsupportedTask(
                f"library {value} is in cloud storage, which the local workspace does not"
                " reach; use a workspace or dbfs:/ path"
            )
        found[kind].append(value)
    return found


def _wheel_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    package, entry_point = spec.get("package_name"), spec.get("entry_point")
    if not isinstance(package, str) or not package:
        raise UnsupportedTask("python_wheel_task has no package_name")
    if not isinstance(entry_point, str) or not entry_point:
        raise UnsupportedTask("python_wheel_task has no entry_point")
    if spec.get("parameters"):
        # Positional parameters: argv as given, no job-parameter pushdown.
        argv = [str(arg) for arg in spec["parameters"]]
    else:
        # Keyword parameters as `--name=value`; job parameters are pushed down as keyword
        # arguments, and win over the task's on a clash.
        named = {str(k): str(v) for k, v in (spec.get("named_parameters") or {}).items()}
        named.update({str(k): str(v) for k, v in invocation.job_parameters.items()})
        argv = [f"--{name}={value}" for name, value in named.items()]
    libraries = _libraries(invocation.task, ("whl", "pypi"))
    return {
        "kind": "python_wheel",
        "package_name": package,
        "entry_point": entry_point,
        "argv": argv,
        "wheels": libraries["whl"],
        "requirements": libraries["pypi"],
    }


def _jar_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    main_class = spec.get("main_class_name")
    if not isinstance(main_class, str) or not main_class:
        raise UnsupportedTask("spark_jar_task has no main_class_name")
    jars = _libraries(invocation.task, ("jar",))["jar"]
    if isinstance(spec.get("jar_uri"), str) and spec["jar_uri"]:
        jars.append(spec["jar_uri"])  # deprecated, still accepted
    if not jars:
        raise UnsupportedTask(
            f"spark_jar_task has no jar: add the jar holding {main_class} to the task's"
            ' libraries, as [{"jar": "/Workspace/.../app.jar"}]'
        )
    # Parameters are a JSON array passed to main(), with no job-parameter pushdown.
    argv = [str(arg) for arg in spec.get("parameters") or []]
    return {"kind": "jar", "main_class_name": main_class, "jars": jars, "argv": argv}


def _dbt_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    commands = spec.get("commands")
    if not isinstance(commands, list) or not commands:
        raise UnsupportedTask("dbt_task has no commands")
    for command in commands:
        if not isinstance(command, str) or command.split()[:1] != ["dbt"]:
            raise UnsupportedTask(f"dbt_task command {command!r} does not start with dbt")
    return {
        "kind": "dbt",
        "commands": commands,
        "project_directory": spec.get("project_directory") or "",
        "profiles_directory": spec.get("profiles_directory") or "",
    }


def _pipeline_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    """The pipeline's notebook and file sources, run in order. The engine adds its `libraries`
    to the spec; without them the pipeline does not exist."""
    pipeline_id = spec.get("pipeline_id")
    libraries = spec.get("libraries")
    if not isinstance(libraries, list):
        raise UnsupportedTask(
            f"pipeline {pipeline_id} does not exist in the local workspace: pick one of its"
            " pipelines, or create it (POST /api/2.0/pipelines)"
        )
    steps: list[dict[str, str]] = []
    for library in libraries:
        kind, source = next(iter(library.items())) if isinstance(library, dict) else ("?", None)
        path = source.get("path") if isinstance(source, dict) else None
        if kind not in ("notebook", "file") or not isinstance(path, str) or not path:
            raise UnsupportedTask(
                f"{kind} sources of a pipeline are not run by the local workspace: it runs a"
                " pipeline's notebook and file sources, in order"
            )
        if path.lower().endswith(".sql"):
            raise UnsupportedTask(_needs_real_workspace(f"SQL sources of pipelines ({path})"))
        steps.append({"kind": "notebook" if kind == "notebook" else "python_file", "path": path})
    if not steps:
        raise UnsupportedTask(f"pipeline {pipeline_id} has no notebook or file sources to run")
    return {"kind": "pipeline", "steps": steps}


_Planner = Callable[[dict[str, Any], TaskInvocation], dict[str, Any]]

#: The task types run in a child process, and what each needs from its settings.
PLANNERS: dict[str, _Planner] = {
    "spark_python_task": _python_file_plan,
    "spark_submit_task": _spark_submit_plan,
    "notebook_task": _notebook_plan,
    "sql_task": _sql_plan,
    "python_wheel_task": _wheel_plan,
    "spark_jar_task": _jar_plan,
    "dbt_task": _dbt_plan,
    "pipeline_task": _pipeline_plan,
}
