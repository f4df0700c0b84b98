"""Task types: the skeleton a new task of a type starts with, and a task's type changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from loom_jobs_widget.core.editing.base import (
    EditError,
    copy,
    find,
    load,
    show,
    task_entries,
    with_tasks,
)
from loom_jobs_widget.core.editing.compute import COMPUTE_FIELDS
from loom_jobs_widget.core.editing.dependencies import (
    dependency_key,
    depends_on,
    edit_depends_on,
)
from loom_jobs_widget.core.editing.keys import all_keys, unique_key
from loom_jobs_widget.core.models import (
    NO_COMPUTE_TASK_TYPES,
    TASK_TYPES,
    JobSettings,
    Task,
    task_types_of,
)
from loom_jobs_widget.core.task_types import task_type as registered_type

__all__ = ["check_task_type", "set_task_type", "skeleton"]


def skeleton(task_type: str, task_key: str, taken: Iterable[str] = ()) -> Any:
    """The body a new task of `task_type` starts with. A for_each task gets a nested notebook
    task, keyed `<task_key>_iteration` (made unique against `taken`)."""
    if task_type == "for_each_task":
        nested_key = unique_key(task_key, [*taken, task_key], "_iteration")
        return {
            "inputs": "",
            "task": {"task_key": nested_key, "notebook_task": copy(_skeleton_of("notebook_task"))},
        }
    return copy(_skeleton_of(task_type))


def _skeleton_of(key: str) -> Mapping[str, Any]:
    known = registered_type(key)
    return known.skeleton if known is not None else {}


def check_task_type(task_type: Any, task_key: str | None) -> str:
    if isinstance(task_type, str) and (task_type in TASK_TYPES or task_type.endswith("_task")):
        return task_type
    raise EditError(
        f"{show(task_type)} is not a task type; task types are {', '.join(TASK_TYPES)} (or "
        "another field ending in _task).",
        task_key=task_key,
    )


def set_task_type(settings: JobSettings, task_key: str, task_type: str) -> JobSettings:
    """Makes a task a task of another type: its task type field(s) give way to a skeleton of the
    new type, in the same place. A type that runs on no compute of its own drops the task's
    compute fields; a task that stops being a condition task drops the `outcome` of the
    dependencies on it (an outcome only applies after a condition task)."""
    index, task = find(settings, task_key)
    task_type = check_task_type(task_type, task_key)
    document = task.to_api()
    current = task_types_of(document)
    if current == [task_type]:
        return settings
    body = skeleton(task_type, task_key, all_keys(settings))
    drop_compute = task_type in NO_COMPUTE_TASK_TYPES
    changed: dict[str, Any] = {}
    for name, value in document.items():
        if name in current or name == task_type:
            if task_type not in changed:
                changed[task_type] = body
        elif not (drop_compute and name in COMPUTE_FIELDS):
            changed[name] = value
    changed.setdefault(task_type, body)
    tasks = list(task_entries(settings))
    tasks[index] = load(changed)
    if "condition_task" in current and task_type != "condition_task":
        for position, other in enumerate(tasks):
            if isinstance(other, Task) and depends_on(other, {task_key}, with_outcome=True):
                tasks[position] = edit_depends_on(
                    other,
                    lambda entries: [
                        _without_outcome(e) if dependency_key(e) == task_key else e
                        for e in entries
                    ],
                )
    return with_tasks(settings, tasks)


def _without_outcome(entry: Any) -> Any:
    return {key: value for key, value in entry.items() if key != "outcome"}
