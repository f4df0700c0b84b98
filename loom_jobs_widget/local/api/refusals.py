"""What a workspace answers when it refuses a job's settings, in its own words.

Two kinds of refusal meet here. The workspace's own checks, which the editor's validator does not
make (a job name over 4,096 UTF-8 bytes, a `git_source` without `git_provider`). And the
validator's errors, whose messages are written for the editor (they name the task and the field
for the form): `_WORDING` says, code by code, how a workspace words the same fault, so that a user
who searches for the message finds what a real workspace says. Where the workspace's text is not
public, the validator's message is kept and the field is named after it.

Every refusal is a 400 INVALID_PARAMETER_VALUE, as a workspace answers each of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from loom_jobs_widget.core.limits import (
    GIT_PROVIDERS,
    MAX_JOB_NAME_BYTES,
    MAX_TASK_KEY_LENGTH,
    TASK_KEY_PATTERN,
)
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.local.http import ApiError

__all__ = [
    "MISSING_GIT_PROVIDER",
    "name_refusal",
    "settings_refusal",
    "workspace_refusal",
]

# databricks/cli libs/testserver/jobs.go (`missingJobGitProviderMessage`), recorded against cloud
# by its acceptance test bundle/resources/jobs/no-git-provider.
MISSING_GIT_PROVIDER: Final = "git_source.git_provider must be one of: " + ",".join(
    provider.lower() for provider in GIT_PROVIDERS
)


def workspace_refusal(settings: Mapping[str, Any]) -> ApiError | None:
    """The refusal of a check a workspace makes and the validator does not; None when none
    applies. Runs before the validator, as a workspace parses before it validates."""
    git_source = settings.get("git_source")
    if isinstance(git_source, dict) and git_source.get("git_provider") in (None, ""):
        return ApiError.invalid(MISSING_GIT_PROVIDER)
    return name_refusal(settings.get("name"), "name")


def name_refusal(name: Any, field: str) -> ApiError | None:
    """The refusal of a job's `name` (or a submitted run's `run_name`) over 4,096 UTF-8 bytes."""
    if not isinstance(name, str):
        return None
    # Bytes, not characters; surrogatepass counts a lone surrogate JSON let through.
    size = len(name.encode("utf-8", "surrogatepass"))
    if size <= MAX_JOB_NAME_BYTES:
        return None
    return ApiError.invalid(
        f"{field} is {size} bytes long in UTF-8; the limit is {MAX_JOB_NAME_BYTES} bytes."
    )


def settings_refusal(problems: Sequence[Problem], settings: Mapping[str, Any]) -> ApiError | None:
    """The refusal of settings whose validation found errors, worded as a workspace words the
    first one; None when there are only warnings. A workspace names one fault; a message that is
    the validator's own names the field, and how many more errors there are."""
    errors = [problem for problem in problems if problem.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    wording = _WORDING.get(first.code)
    message = wording(first, settings) if wording is not None else None
    if message is not None:
        return ApiError.invalid(message)
    message = first.message
    if first.field:
        message = f"{message} (field: {first.field})"
    if len(errors) > 1:
        others = len(errors) - 1
        message = f"{message} And {others} more problem{'s' if others > 1 else ''}."
    return ApiError.invalid(message)


# --- the workspace's words, by the validator's problem code --------------------------------------

_Wording = Callable[[Problem, Mapping[str, Any]], "str | None"]

# A workspace's parser names a missing required field by its path in the request, without array
# positions: "settings.tasks.task_key".
_POSITION: Final = re.compile(r"\[[^\]]*\]")
# A position or a task_key in brackets; a key may hold "]" itself, so a bracket closes where a
# field, another bracket or the end follows.
_SEGMENT: Final = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(.*?)\](?=[.\[]|$)")
# What `_value_at` answers when a problem's field cannot be followed in the settings.
_ABSENT: Final = object()
# Jobs API answer quoted verbatim in public bug reports about invalid schedules.
_QUARTZ_HELP: Final = (
    "Databricks uses Quartz cron syntax, which is different from the standard cron syntax. See "
    "http://www.quartz-scheduler.org/documentation/quartz-2.1.x/tutorials/crontrigger.html for "
    "more details."
)
_DEPENDENCY_GRAPH: Final = "Invalid dependency graph, "


def _missing_field(field: str | None, *, period: bool) -> str:
    path = _POSITION.sub("", field or "")
    return f"Missing required field: settings.{path}{'.' if period else ''}"


def _task_key(problem: Problem, settings: Mapping[str, Any]) -> str | None:
    key = _value_at(settings, problem.field)
    if key is _ABSENT:
        return None
    if key is None or key == "":
        # Quoted from a workspace's answer to jobs/create and jobs/reset, full stop included.
        return _missing_field(problem.field, period=True)
    too_long = isinstance(key, str) and len(key) > MAX_TASK_KEY_LENGTH
    if isinstance(key, str) and not too_long and not TASK_KEY_PATTERN.fullmatch(key):
        return (
            f"Task key '{key}' contains an invalid character. Only alphanumeric, - and _ "
            "characters are permitted."
        )
    return None  # too long: the workspace's text is not public


def _no_task_type(problem: Problem, settings: Mapping[str, Any]) -> str | None:
    task = _value_at(settings, problem.field)
    key = task.get("task_key") if isinstance(task, Mapping) else None
    # Quoted from a workspace's answer to jobs/create, without a full stop.
    return f"No task defined for {key}" if isinstance(key, str) and key else None


def _dependency_entry(problem: Problem, settings: Mapping[str, Any]) -> str | None:
    field = problem.field or ""
    if field.endswith(".task_key") and _value_at(settings, field) in (None, ""):
        # Quoted from a workspace's answer, without a full stop.
        return _missing_field(field, period=False)
    return None


def _self_dependency(problem: Problem, settings: Mapping[str, Any]) -> str | None:
    key = _value_at(settings, problem.field)
    if not isinstance(key, str):
        return None
    return f"{_DEPENDENCY_GRAPH}task '{key}' can not reference itself."


def _graph_family(problem: Problem, _: Mapping[str, Any]) -> str | None:
    # The workspace's exact text for an unknown task and a cycle is not public; its answers on a
    # task's dependencies all start "Invalid dependency graph, ", so ours does too.
    message = problem.message
    return f"{_DEPENDENCY_GRAPH}{message[:1].lower()}{message[1:]}"


def _cron(problem: Problem, settings: Mapping[str, Any]) -> str | None:
    expression = _value_at(settings, problem.field)
    if not isinstance(expression, str) or not (problem.field or "").endswith(
        "quartz_cron_expression"
    ):
        return None
    return f"Invalid quartz_cron_expression: {expression}. {_QUARTZ_HELP}"


_WORDING: Final[Mapping[str, _Wording]] = {
    "invalid-task-key": _task_key,
    "missing-task-type": _no_task_type,
    "invalid-dependency": _dependency_entry,
    "self-dependency": _self_dependency,
    "unknown-dependency": _graph_family,
    "cycle": _graph_family,
    "invalid-cron-expression": _cron,
}


def _value_at(settings: Mapping[str, Any], field: str | None) -> Any:
    """The value at a problem's `field` (None when the field is absent there; `_ABSENT` when the
    path cannot be followed). `tasks[x]` is the task whose task_key is x, else the task at
    position x (the validator names a task without a usable key by its position)."""
    value: Any = settings
    holder = ""
    for name, inside in _SEGMENT.findall(field or ""):
        if name:
            if not isinstance(value, Mapping):
                return _ABSENT
            value = value.get(name)
            holder = name
        elif isinstance(value, list):
            value = _entry(value, inside, by_key=holder == "tasks")
        else:
            return _ABSENT
    return value


def _entry(entries: list[Any], inside: str, *, by_key: bool) -> Any:
    if by_key:
        for entry in entries:
            if isinstance(entry, Mapping) and entry.get("task_key") == inside:
                return entry
    # ASCII digits only: a task_key such as "²" is a digit to isdigit(), not to int().
    if inside.isascii() and inside.isdigit() and int(inside) < len(entries):
        return entries[int(inside)]
    return _ABSENT
