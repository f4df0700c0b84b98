"""A run's parameters and the values its references resolve to: the job parameters (defaults,
run-now's overrides, resolved once per run), run-now's legacy task parameters, and the context a
task's `{{...}}` references read when it starts (`resolve` does the resolving)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from loom_jobs_widget.core.models import task_types_of
from loom_jobs_widget.local.engine import resolve as references
from loom_jobs_widget.local.engine.errors import InvalidRequest
from loom_jobs_widget.local.engine.model import Attempt, Run, notebook_path, termination_code
from loom_jobs_widget.local.engine.resolve import UnresolvedReference
from loom_jobs_widget.local.exec import SQL_ROWS

__all__ = [
    "LEGACY_PARAMETERS",
    "job_context",
    "parameter_documents",
    "resolve_attempt",
    "run_parameters",
]

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


def job_context(
    settings: Mapping[str, Any],
    *,
    job_id: int,
    run_id: int,
    run_name: str,
    start_time: int,
    trigger: str,
    repair_count: int,
    parameters: Mapping[str, str],
    workspace_id: str,
    workspace_url: str,
) -> references.Context:
    """What `{{job.*}}` and `{{workspace.*}}` references read in a run of a job."""
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
        workspace_id=workspace_id,
        workspace_url=workspace_url,
        file_arrival_location=location if isinstance(location, str) else None,
    )


def run_parameters(
    settings: Mapping[str, Any],
    overrides: Mapping[str, str],
    context: references.Context,
) -> list[tuple[str, str, str]]:
    """The run's job parameters as (name, default, value), with the references in their values
    resolved: defaults may use them ("default": "{{job.start_time.iso_date}}", docs) and so may
    run-now's values. References to tasks stay as text: a job parameter has no task. A bad
    reference refuses the run (InvalidRequest)."""
    found = _resolve_parameters(settings, overrides)
    resolved: list[tuple[str, str, str]] = []
    for name, default, value in found:
        try:
            text = references.resolve_text(value, context, keep=_TASK_NAMESPACES)
        except UnresolvedReference as exc:
            raise InvalidRequest(f"Job parameter '{name}': {exc}") from None
        resolved.append((name, default, text))
    return resolved


def parameter_documents(parameters: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    """A run's `job_parameters` as runs/get shows them."""
    return [
        {"name": name, "default": default, "value": value} for name, default, value in parameters
    ]


def resolve_attempt(run: Run, attempt: Attempt, *, workspace_id: str, workspace_url: str) -> None:
    """Resolve the references in the attempt's task-type settings (Jobs docs: dynamic value
    references); keep the result for the runner and as the task run's resolved_values. Raises
    UnresolvedReference for a reference without a value."""
    task = attempt.task
    if attempt.parent is None:
        task = _with_legacy_parameters(task, run.plan.get("overriding_parameters") or {})
    context = _task_context(run, attempt, workspace_id=workspace_id, workspace_url=workspace_url)
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


def _task_context(
    run: Run, attempt: Attempt, *, workspace_id: str, workspace_url: str
) -> references.Context:
    doc = run.doc
    history = doc.get("repair_history")
    repairs = sum(
        1 for item in history or [] if isinstance(item, dict) and item.get("type") == "REPAIR"
    )
    job = job_context(
        run.plan["settings"],
        job_id=run.job_id,
        run_id=run.run_id,
        run_name=str(doc.get("run_name") or ""),
        start_time=int(doc["start_time"]),
        trigger=str(doc.get("trigger") or "ONE_TIME"),
        repair_count=repairs,
        parameters=run.job_parameters,
        workspace_id=workspace_id,
        workspace_url=workspace_url,
    )
    parent = attempt.parent
    loop = parent.loop if parent is not None else None
    return dataclasses.replace(
        job,
        task_key=attempt.key,
        task_run_id=attempt.run_id,
        attempt_number=int(attempt.doc["attempt_number"]),
        # An iteration counts its own attempts (the docs do not say; this reads best).
        execution_count=(
            int(attempt.doc["attempt_number"]) + 1
            if parent is not None
            else run.executions.get(attempt.key, 1)
        ),
        notebook_path=notebook_path(attempt.task),
        task_start_ms=int(attempt.doc["start_time"]) or None,
        tasks=_TaskStates(run),
        input=loop.inputs[attempt.index] if loop is not None else references.NO_INPUT,
    )


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


class _TaskStates(Mapping[str, references.TaskState]):
    """`{{tasks.<key>.*}}` of a run: each task's latest attempt, looked up on demand (a task
    resolving its references reads one or two of them, not all)."""

    def __init__(self, run: Run) -> None:
        self._run = run

    def __getitem__(self, key: str) -> references.TaskState:
        attempt = self._run.latest[key]
        return references.TaskState(
            run_id=attempt.run_id,
            result_state=attempt.result,
            termination_code=termination_code(attempt.doc) if attempt.result else None,
            execution_count=self._run.executions.get(key, 0),
            notebook_path=notebook_path(attempt.task),
            values=attempt.task_values,
            output_rows=attempt.extra_output.get(SQL_ROWS),
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._run.latest)

    def __len__(self) -> int:
        return len(self._run.latest)
