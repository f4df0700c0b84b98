"""Dynamic value references: `{{job.run_id}}`, `{{tasks.load.values.rows}}`, `{{input.city}}`...

Pure functions (Jobs docs: dynamic value references): the engine builds a `Context` of what a
run knows when a task starts, and `resolve_value` returns a copy of the task's settings with every
reference in every string replaced by its text. The rules the docs state:

- A reference is `{{ ... }}`; it is replaced by a string, never evaluated as an expression.
- Names with characters other than letters, digits and `_` are quoted in backticks:
  ``{{job.parameters.`my-param`}}``.
- Text in no known namespace (`{{my.value}}`, `{{CATALOG}}`) and malformed text are left as
  they are, silently.
- An invalid reference *inside* a known namespace (`{{job.naem}}`) is an error: here
  `UnresolvedReference`, whose message the engine shows as the task's failure. The same goes for
  a well-formed reference whose value does not exist in this run (a task value that was never
  set, a job parameter the run does not have).

Choices where the docs are silent are marked (inferred).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final

from loom_jobs_widget.core.references import REFERENCE, TIME_ARGUMENTS, parse
from loom_jobs_widget.core.task_types import TASK_TYPES

__all__ = [
    "NO_INPUT",
    "Context",
    "TaskState",
    "UnresolvedReference",
    "resolve_text",
    "resolve_value",
    "resolved_values",
    "stringify",
]

# `{{job.trigger.type}}`: the docs list periodic, onetime, run_job_task, file_arrival, continuous
# and table; the other trigger types follow the same lower-case pattern (inferred).
_TRIGGER_NAMES: Final = {
    "ONE_TIME": "onetime",
    "PERIODIC": "periodic",
    "RUN_JOB_TASK": "run_job_task",
    "FILE_ARRIVAL": "file_arrival",
    "CONTINUOUS": "continuous",
    "CONTINUOUS_RESTART": "continuous_restart",
    "TABLE": "table",
    "RETRY": "retry",
    "MODEL": "model",
    "JOB_COMPLETION": "job_completion",
}


class UnresolvedReference(ValueError):
    """A reference in a known namespace that has no value here; the message says which and why."""


class _NoInput:
    def __repr__(self) -> str:
        return "NO_INPUT"


#: `Context.input` outside a for_each iteration.
NO_INPUT: Final = _NoInput()


@dataclass(frozen=True)
class TaskState:
    """Another task of the run, as `{{tasks.<key>.*}}` sees it (its latest attempt)."""

    run_id: int
    result_state: str | None  # None while it has not ended
    termination_code: str | None  # status.termination_details.code once ended
    execution_count: int
    notebook_path: str | None
    values: Mapping[str, Any] = field(default_factory=dict)
    # A SQL task's result rows, one object per row (None: not a SQL task, or no result yet).
    output_rows: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Context:
    """What a run knows when it resolves references: the job run's values, and (for a task)
    the task's own and its for_each input."""

    job_id: int
    job_name: str
    job_run_id: int
    repair_count: int
    start_time_ms: int
    trigger: str  # the run's TriggerType, e.g. ONE_TIME
    trigger_time_ms: int
    parameters: Mapping[str, str]
    workspace_id: str
    workspace_url: str
    file_arrival_location: str | None = None
    # The task resolving, if any.
    task_key: str | None = None
    task_run_id: int | None = None
    attempt_number: int = 0
    execution_count: int = 0
    notebook_path: str | None = None
    task_start_ms: int | None = None
    # Every task of the run by key; a Mapping so the engine can build entries on demand.
    tasks: Mapping[str, TaskState] = field(default_factory=dict)
    input: Any = NO_INPUT


# --- values --------------------------------------------------------------------------------------


def stringify(value: Any) -> str:
    """A task value or a for_each element as the text a reference becomes: strings as they are,
    booleans as `true`/`false` (as condition tasks compare them), anything else as its JSON (so
    a list stays a JSON
    array that a for_each can iterate)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _format_time(ms: int, argument: str) -> str:
    """`{{job.start_time.<argument>}}` and `{{job.trigger.time.<argument>}}` of a time in epoch
    ms, in UTC. `iso_date` and `iso_datetime` are documented; the other arguments' exact output
    is not: numbers are unpadded, `is_weekday` is true/false, `iso_weekday` is 1 (Monday) to 7,
    and `iso_datetime` is to the second with a `Z` (inferred)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    if argument == "iso_date":
        return moment.strftime("%Y-%m-%d")
    if argument == "iso_datetime":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if argument == "iso_weekday":
        return str(moment.isoweekday())
    if argument == "is_weekday":
        return "true" if moment.isoweekday() <= 5 else "false"
    if argument == "timestamp_ms":
        return str(ms)
    if argument in ("year", "month", "day", "hour", "minute", "second"):
        return str(getattr(moment, argument))
    raise UnresolvedReference(
        f"'{argument}' is not a time format; use one of {', '.join(TIME_ARGUMENTS)}"
    )


def _trigger_type_name(trigger: str) -> str:
    return _TRIGGER_NAMES.get(trigger, trigger.lower())


def _error_code_name(termination_code: str | None) -> str:
    """`{{tasks.<key>.error_code}}`: the termination code in the docs' spelling
    (RUN_EXECUTION_ERROR -> RunExecutionError); empty for a task that did not fail (inferred)."""
    if not termination_code or termination_code in ("SUCCESS", "SUCCESS_WITH_FAILURES"):
        return ""
    return "".join(part.capitalize() for part in termination_code.split("_"))


# --- resolving -----------------------------------------------------------------------------------

# The deprecated forms (Jobs API 2.0 "task parameter variables"): still accepted by workspaces.
# Their meaning there: run_id is the *task* run's id, parent_run_id the job run's, start_date and
# start_time the task run's start (yyyy-MM-dd / epoch ms, UTC), task_retry_count the attempt
# number [O: databrickslabs/ucx uses them; meanings from the old docs, I].
_LEGACY: Final = frozenset(
    {"job_id", "run_id", "parent_run_id", "task_key", "start_date", "start_time",
     "task_retry_count"}
)  # fmt: skip


def resolve_text(text: str, context: Context, *, keep: frozenset[str] = frozenset()) -> str:
    """`text` with its references replaced; raises UnresolvedReference for the first one that
    is in a known namespace but has no value. References in the namespaces `keep` are left as
    they are (a job parameter's value keeps `{{tasks...}}`: it has no task to take it from)."""
    if "{{" not in text:
        return text
    return REFERENCE.sub(lambda match: _replacement(match, context, keep), text)


def resolve_value(value: Any, context: Context) -> Any:
    """A copy of `value` (JSON-like: dicts, lists, strings, ...) with every string resolved."""
    if isinstance(value, str):
        return resolve_text(value, context)
    if isinstance(value, dict):
        return {key: resolve_value(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_value(item, context) for item in value]
    return value


def _replacement(match: re.Match[str], context: Context, keep: frozenset[str]) -> str:
    inner = match.group(1)
    reference = match.group(0)
    legacy = inner.strip()
    if legacy in _LEGACY:
        if keep and legacy in _LEGACY_OF_TASKS:
            return reference
        return _legacy(legacy, context, reference)
    segments = parse(inner)
    if segments == () or (segments and segments[0] in keep):
        return reference  # not a reference the API knows (literal text), or kept
    if segments is None:
        raise UnresolvedReference(
            f"{reference} is not a well-formed reference: names are letters, digits and '_', "
            "or are quoted in backticks, as in {{job.parameters.`my-name`}}"
        )
    try:
        return _value(segments, context)
    except UnresolvedReference as exc:
        raise UnresolvedReference(f"Cannot resolve {reference}: {exc}") from None


_LEGACY_OF_TASKS: Final = frozenset({"task_key", "run_id", "start_date", "start_time"})


def _legacy(name: str, context: Context, reference: str) -> str:
    if name == "job_id":
        return str(context.job_id)
    if name == "parent_run_id":
        return str(context.job_run_id)
    if name == "task_retry_count":
        return str(context.attempt_number)
    if context.task_key is None:
        raise UnresolvedReference(f"Cannot resolve {reference}: it only has a value in a task")
    if name == "task_key":
        return context.task_key
    if name == "run_id":
        return str(context.task_run_id)
    started = context.task_start_ms or context.start_time_ms
    if name == "start_date":
        return _format_time(started, "iso_date")
    return str(started)  # start_time


def _value(segments: tuple[str, ...], context: Context) -> str:
    namespace, rest = segments[0], list(segments[1:])
    if namespace == "job":
        return _job_value(rest, context)
    if namespace == "task":
        return _task_value(rest, context)
    if namespace == "tasks":
        return _tasks_value(rest, context)
    if namespace == "workspace":
        if rest == ["id"]:
            return context.workspace_id
        if rest == ["url"]:
            return context.workspace_url
        raise UnresolvedReference("workspace has id and url only")
    return _input_value(rest, context)


def _job_value(rest: list[str], context: Context) -> str:
    head, tail = (rest[0], rest[1:]) if rest else ("", [])
    if not tail:
        simple = {
            "id": str(context.job_id),
            "name": context.job_name,
            "run_id": str(context.job_run_id),
            "repair_count": str(context.repair_count),
        }
        if head in simple:
            return simple[head]
    if head == "start_time" and len(tail) == 1:
        return _format_time(context.start_time_ms, tail[0])
    if head == "parameters" and tail:
        # Parameter names may contain '.', so `{{job.parameters.a.b}}` names "a.b".
        name = ".".join(tail)
        if name in context.parameters:
            return context.parameters[name]
        raise UnresolvedReference(f"the run has no job parameter '{name}'")
    if head == "trigger" and tail:
        return _trigger_value(tail, context)
    raise UnresolvedReference(
        "the job has no such value; known are job.id, job.name, job.run_id, job.repair_count, "
        "job.start_time.<format>, job.parameters.<name> and job.trigger.*"
    )


def _trigger_value(tail: list[str], context: Context) -> str:
    if tail == ["type"]:
        return _trigger_type_name(context.trigger)
    if tail[0] == "time" and len(tail) == 2:
        moment = context.trigger_time_ms
        if context.trigger == "PERIODIC":
            moment -= moment % 60_000  # cron triggers are rounded down to the minute (inferred)
        return _format_time(moment, tail[1])
    if tail == ["file_arrival", "location"]:
        # Documented as the location "if a file arrival trigger is configured"; empty otherwise
        # (inferred).
        return context.file_arrival_location or ""
    if tail[0] == "table_update":
        if context.trigger == "TABLE":
            # Their names are not documented: not made up here.
            raise UnresolvedReference(
                "job.trigger.table_update.* values are not given by the local workspace (their"
                " names are not documented); job.trigger.type is 'table' in this run"
            )
        raise UnresolvedReference("table update values only exist in runs a table update started")
    raise UnresolvedReference(
        "the trigger has no such value; known are job.trigger.type, job.trigger.time.<format> "
        "and job.trigger.file_arrival.location"
    )


def _task_value(rest: list[str], context: Context) -> str:
    if context.task_key is None:
        raise UnresolvedReference("task values only exist in a task's settings")
    name = rest[0] if len(rest) == 1 else ""
    if name == "name":
        return context.task_key
    if name == "run_id":
        return str(context.task_run_id)
    if name == "execution_count":
        return str(context.execution_count)
    if name == "notebook_path":
        if context.notebook_path is None:
            raise UnresolvedReference(f"task '{context.task_key}' is not a notebook task")
        return context.notebook_path
    raise UnresolvedReference(
        "a task has name, run_id, execution_count and notebook_path; no other value"
    )


def _tasks_value(rest: list[str], context: Context) -> str:
    if len(rest) < 2:
        raise UnresolvedReference("it names a task and one of its values, as in tasks.<key>.run_id")
    key, value = rest[0], rest[1:]
    state = context.tasks.get(key)
    if state is None:
        raise UnresolvedReference(f"'{key}' is not a task of this run")
    head, tail = value[0], value[1:]
    if head == "values" and len(tail) >= 1:
        name = ".".join(tail)
        if name not in state.values:
            if state.result_state is None:
                raise UnresolvedReference(f"task '{key}' has not ended, so its values are unknown")
            raise UnresolvedReference(f"task '{key}' did not set the task value '{name}'")
        return stringify(state.values[name])
    if not tail:
        if head == "run_id":
            return str(state.run_id)
        if head == "execution_count":
            return str(state.execution_count)
        if head == "result_state":
            # Lower case, as `success`, `failed`, `excluded`, `upstream_failed`... (the value is
            # documented, the list inferred); empty while the task has not ended (inferred).
            return (state.result_state or "").lower()
        if head == "error_code":
            return _error_code_name(state.termination_code)
        if head == "notebook_path":
            if state.notebook_path is None:
                raise UnresolvedReference(f"task '{key}' is not a notebook task")
            return state.notebook_path
    if head == "output":
        return _output_value(key, state, tail)
    raise UnresolvedReference(
        "a task has run_id, result_state, error_code, execution_count, notebook_path, "
        "values.<key> and (SQL tasks) output.*; no other value"
    )


def _output_value(key: str, state: TaskState, tail: list[str]) -> str:
    """`{{tasks.<key>.output.rows}}`, `.output.first_row` and `.output.first_row.<column>` of
    a SQL task (docs, dynamic value references): the rows as a JSON array of objects, which a
    for_each iterates; at most 1,000 rows and 48 KB, as the task stored them."""
    if tail == ["alert_state"]:
        raise UnresolvedReference(
            "SQL alerts need a real Databricks workspace: the local workspace has no alert state"
        )
    if tail not in (["rows"], ["first_row"]) and (len(tail) < 2 or tail[0] != "first_row"):
        raise UnresolvedReference(
            "a SQL task's output has rows, first_row and first_row.<column>; no other value"
        )
    rows = state.output_rows
    if rows is None:
        if state.result_state is None:
            raise UnresolvedReference(f"task '{key}' has not ended, so its output is unknown")
        raise UnresolvedReference(f"task '{key}' has no SQL output: only SQL tasks have one")
    if tail == ["rows"]:
        return stringify(rows)
    if not rows:
        raise UnresolvedReference(f"the SQL output of task '{key}' has no rows")
    first = rows[0]
    if len(tail) == 1:
        return stringify(first)
    column = ".".join(tail[1:])  # a column alias may hold '.', as in a backticked `a.b`
    if column not in first:
        raise UnresolvedReference(
            f"the SQL output of task '{key}' has no column '{column}' (it has "
            f"{', '.join(first) or 'none'})"
        )
    return stringify(first[column])


def _input_value(rest: list[str], context: Context) -> str:
    if context.input is NO_INPUT:
        raise UnresolvedReference(
            "{{input}} only has a value in the task nested in a for_each task"
        )
    value = context.input
    for depth, name in enumerate(rest):
        if not isinstance(value, dict) or name not in value:
            where = "input" + "".join(f".{part}" for part in rest[:depth])
            raise UnresolvedReference(f"{where} has no field '{name}' (it is {stringify(value)})")
        value = value[name]
    return stringify(value)


# --- resolved_values of runs/get -----------------------------------------------------------------


def resolved_values(task: Mapping[str, Any]) -> dict[str, Any]:
    """The `resolved_values` of a task run from its resolved settings: {} for task types that
    have none (for_each has none: its iterations do)."""
    found: dict[str, Any] = {}
    # Which fields each type shows: the task type registry's `resolved`.
    for kind in TASK_TYPES:
        spec = task.get(kind.key)
        if not kind.resolved or not isinstance(spec, dict):
            continue
        found[kind.key] = {name: _as_strings(spec[name]) for name in kind.resolved if name in spec}
    return found


def _as_strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): stringify(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stringify(item) for item in value]
    return stringify(value)
