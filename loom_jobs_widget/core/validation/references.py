"""Rules on dynamic value references (`{{job.parameters.x}}`, `{{tasks.a.values.b}}`, ...) in
what a task passes to its code and in job parameters' defaults."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final, TypeAlias

from loom_jobs_widget.core.models import API_OBJECT_CLASSES, ApiObject, field_value
from loom_jobs_widget.core.references import REFERENCE, TIME_ARGUMENTS
from loom_jobs_widget.core.references import parse as parse_reference
from loom_jobs_widget.core.validation.collector import CheckedJob, Fault, TaskSite
from loom_jobs_widget.core.validation.readers import fields_of, items, quote

__all__ = ["may_hold_references", "parameter_default_references", "task_references"]

_PATH_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_JOB_VALUES: Final = frozenset({"id", "name", "run_id", "repair_count"})
_TASK_VALUES: Final = frozenset({"name", "run_id", "execution_count", "notebook_path"})
_OTHER_TASK_VALUES: Final = frozenset(
    {"run_id", "result_state", "error_code", "execution_count", "notebook_path"}
)
_WORKSPACE_VALUES: Final = frozenset({"id", "url"})
_Path: TypeAlias = "str | tuple[_Path, Any]"  # built as (parent, key or index); formatted on need


def may_hold_references(site: TaskSite) -> bool:
    """False when `task_references` has nothing to look at in a task: no string of its task
    type fields holds `{{` (most tasks). Cheaper than the rule, which keeps paths and order."""
    known, unknown = site.types
    fields = site.fields
    try:
        for key in known:
            if _holds_reference(fields.get(key)):
                return True
        # Most tasks have no unknown type: no generator for them, it costs as much as the scan.
        return bool(unknown) and any(_holds_reference(fields.get(key)) for key in unknown)
    except Exception:  # an odd value: the rule looks, and reports if it cannot finish
        return True


def task_references(job: CheckedJob, site: TaskSite) -> None:
    # References are resolved in what a task passes to its code: its task type's fields
    # (parameters, base_parameters, condition operands, for_each inputs, ...). Compute, libraries
    # and notifications take none, and `{{secrets/...}}` in a cluster's spark_conf is no reference.
    known, unknown = site.types
    for key in (*known, *unknown):
        value = site.fields.get(key)
        if not _holds_reference(value):
            continue  # most values hold none: the paths and the document order are not needed
        if key == "for_each_task" and site.parent is None:
            # The nested task is checked on its own, where {{input}} has a value.
            for inner_key, inner in items(value):
                if inner_key != "task":
                    _scan(job, inner, ((site.path, key), inner_key), site)
        else:
            _scan(job, value, (site.path, key), site)


def parameter_default_references(job: CheckedJob, _: None) -> None:
    parameters = field_value(job.settings, "parameters")
    if not isinstance(parameters, list):
        return
    for index, parameter in enumerate(parameters):
        default = field_value(parameter, "default")
        if isinstance(default, str) and "{{" in default:
            name = field_value(parameter, "name")
            who = (
                f"Job parameter {quote(name)}" if isinstance(name, str) else f"parameters[{index}]"
            )
            _check_references_in(job, default, f"parameters[{index}].default", who, None)


def _holds_reference(value: Any) -> bool:
    """Whether a string anywhere in `value` holds `{{`, in any order. A stack, not recursion."""
    pending = [value]
    pop, extend = pending.pop, pending.extend
    while pending:
        item = pop()
        if item is None:
            continue
        # Exact types first, models too (see `API_OBJECT_CLASSES`).
        kind = type(item)
        if kind is str:
            if "{{" in item:
                return True
        elif kind is dict:
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind in _SCALARS:
            continue
        elif kind in API_OBJECT_CLASSES:
            # Declared fields not given hold None; what the model holds is all in these two.
            # Its strings are read here, not stacked: most of a task type's fields are strings.
            for field in item.__dict__.values():
                if type(field) is str:
                    if "{{" in field:
                        return True
                elif field is not None:
                    pending.append(field)
            extra = item.__pydantic_extra__
            if extra:
                extend(extra.values())
        elif isinstance(item, str):
            if "{{" in item:
                return True
        elif isinstance(item, dict):
            extend(item.values())
        elif isinstance(item, list):
            extend(item)
    return False


_SCALARS: Final = frozenset({int, bool, float})


def _scan(job: CheckedJob, value: Any, path: _Path, site: TaskSite) -> None:
    """Checks the references in every string of a value, in document order."""
    if isinstance(value, str):
        if "{{" in value:
            _check_references_in(job, value, path, site.label, site)
        return
    # A stack of half-read containers, not recursion: values may nest deeper than Python's
    # recursion limit. A `for` over an iterator resumes where its `break` left it.
    frames: list[tuple[Iterator[tuple[Any, Any]], _Path]] = [(_children(value), path)]
    while frames:
        children, path = frames[-1]
        for key, item in children:
            if isinstance(item, str):
                if "{{" in item:
                    _check_references_in(job, item, (path, key), site.label, site)
            elif isinstance(item, (dict, list, ApiObject)):
                frames.append((_children(item), (path, key)))
                break
        else:
            frames.pop()


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    # fields_of gives a dict of its own for a model and the dict itself otherwise; no rule
    # changes either while this iterates.
    return enumerate(value) if isinstance(value, list) else iter(fields_of(value).items())


def _format_path(path: _Path) -> str:
    parts: list[Any] = []
    while isinstance(path, tuple):
        path, part = path
        parts.append(part)
    text = path
    for part in reversed(parts):
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str) and _PATH_NAME.fullmatch(part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(str(part))}]"
    return text


def _check_references_in(
    job: CheckedJob, text: str, path: _Path, who: str, site: TaskSite | None
) -> None:
    for match in REFERENCE.finditer(text):
        segments = parse_reference(match.group(1))
        if segments == ():
            continue
        reference = match.group(0)
        if segments is None:
            where = _format_path(path)
            job.add(
                "malformed-reference",
                "warning",
                f"{who} uses {reference} in {where}, which is not a well-formed reference, so it "
                "is passed on as literal text. Names with characters other than letters, digits "
                "and '_' go in backticks, as in {{job.parameters.`my-name`}}.",
                where,
                site,
            )
            continue
        fault = _cached_reference_fault(job, segments, site)
        if fault is not None:
            code, severity, reason = fault
            where = _format_path(path)
            job.add(code, severity, f"{who} uses {reference} in {where}, {reason}", where, site)


def _cached_reference_fault(
    job: CheckedJob, segments: tuple[str, ...], site: TaskSite | None
) -> Fault:
    # Only {{tasks...}} and {{input...}} depend on where they are used; the verdict on the
    # others is the same for every task, and large jobs repeat them in every task.
    if segments[0] in ("tasks", "input"):
        return _reference_fault(job, segments, site)
    if segments not in job.reference_faults:
        job.reference_faults[segments] = _reference_fault(job, segments, site)
    return job.reference_faults[segments]


def _reference_fault(job: CheckedJob, segments: tuple[str, ...], site: TaskSite | None) -> Fault:
    namespace, rest = segments[0], list(segments[1:])
    if namespace == "job":
        return _job_reference_fault(job, rest)
    if namespace == "tasks":
        return _tasks_reference_fault(job, rest, site)
    if namespace == "input":
        if site is None or site.parent is None:
            return (
                "input-outside-for-each",
                "error",
                "but {{input}} only has a value in the task nested in a for_each task.",
            )
        return None
    known = _TASK_VALUES if namespace == "task" else _WORKSPACE_VALUES
    if len(rest) == 1 and rest[0] in known:
        return None
    return (
        "unknown-reference",
        "error",
        f"but {namespace} has no such value; known are "
        f"{', '.join(f'{namespace}.{name}' for name in sorted(known))}.",
    )


def _job_reference_fault(job: CheckedJob, rest: list[str]) -> Fault:
    head = rest[0] if rest else ""
    tail = rest[1:]
    if head in _JOB_VALUES and not tail:
        return None
    if head == "start_time" and len(tail) == 1 and tail[0] in TIME_ARGUMENTS:
        return None
    if head == "parameters" and tail:
        names = job.parameter_names
        if names is None or tail[0] in names or ".".join(tail) in names:
            return None
        return (
            "unknown-job-parameter-reference",
            "error",
            f"but the job has no parameter '{'.'.join(tail)}'.",
        )
    if head == "trigger" and tail:
        if _known_trigger_reference(tail):
            return None
        # Each new trigger type brings values of its own: unknown here is not wrong there.
        return (
            "unverified-reference",
            "warning",
            "which this editor does not know as a trigger value; check its spelling.",
        )
    return (
        "unknown-reference",
        "error",
        "but the job has no such value; known are job.id, job.name, job.run_id, "
        "job.repair_count, job.start_time.<argument>, job.parameters.<name> and job.trigger.*.",
    )


def _known_trigger_reference(tail: list[str]) -> bool:
    if tail == ["type"] or tail == ["file_arrival", "location"]:
        return True
    if tail[0] == "time":
        return len(tail) == 2 and tail[1] in TIME_ARGUMENTS
    return tail[0] == "table_update" and len(tail) > 1


def _tasks_reference_fault(job: CheckedJob, rest: list[str], site: TaskSite | None) -> Fault:
    if len(rest) < 2:
        return (
            "unknown-reference",
            "error",
            "but a task reference names a task and one of its values, as in "
            "{{tasks.<task_key>.values.<key>}}.",
        )
    upstream, value = rest[0], rest[1:]
    fault = _task_value_fault(value)
    if fault is not None:
        return fault
    target = job.by_key.get(upstream)
    if target is None:
        if not job.keys_certain:
            return None
        return ("unknown-task-reference", "error", f"but '{upstream}' is not a task of this job.")
    if site is None:
        return None
    ancestors = job.ancestors(site)
    if ancestors is None or target.node is None or ancestors >> target.node & 1:
        return None
    owner = site.owner_key or "this task"
    if value[0] == "values":
        return (
            "task-value-not-upstream",
            "error",
            f"but '{upstream}' is not upstream of '{owner}': a task only sees the task values "
            "of the tasks it depends on, directly or through others.",
        )
    return (
        "reference-not-upstream",
        "warning",
        f"but '{upstream}' is not upstream of '{owner}', so that value may not exist yet when "
        f"'{owner}' starts.",
    )


def _task_value_fault(value: list[str]) -> Fault:
    head, tail = value[0], value[1:]
    if head in _OTHER_TASK_VALUES and not tail:
        return None
    if head == "values" and tail:
        return None
    if head == "output":
        if tail in (["rows"], ["first_row"], ["alert_state"]):
            return None
        if len(tail) == 2 and tail[0] == "first_row":
            return None
        # Task outputs are new and growing (SQL rows, alert state): not knowing one is no proof.
        return (
            "unverified-reference",
            "warning",
            "which this editor does not know as a task output; check its spelling.",
        )
    return (
        "unknown-reference",
        "error",
        f"but a task has no value '{'.'.join(value)}'; known are "
        f"{', '.join(sorted(_OTHER_TASK_VALUES))}, values.<key> and output.*.",
    )
