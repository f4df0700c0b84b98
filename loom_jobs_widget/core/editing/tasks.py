"""Tasks added, removed and copied."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loom_jobs_widget.core.editing.base import (
    EditError,
    find,
    load,
    nested_task,
    task_entries,
    with_tasks,
)
from loom_jobs_widget.core.editing.change_type import check_task_type, skeleton
from loom_jobs_widget.core.editing.compute import inherited_compute
from loom_jobs_widget.core.editing.dependencies import (
    dependency_key,
    depends_on,
    edit_depends_on,
)
from loom_jobs_widget.core.editing.keys import all_keys, check_new_key, unique_key
from loom_jobs_widget.core.models import NO_COMPUTE_TASK_TYPES, JobSettings, Task

__all__ = ["add_task", "clone_task", "remove_tasks"]


def add_task(
    settings: JobSettings,
    *,
    after: Sequence[str] = (),
    task_type: str = "notebook_task",
    task_key: str | None = None,
) -> tuple[JobSettings, str]:
    """Appends a new task of `task_type` (a skeleton to fill) that depends on the `after` tasks,
    and runs where the first of them that names a compute runs, as the Jobs UI does. Returns
    the new settings and the new task's key (`new_task`, `new_task_2`, ... unless given)."""
    tasks = list(task_entries(settings))
    task_type = check_task_type(task_type, None)
    taken = all_keys(settings)
    if task_key is None:
        key = unique_key("new_task", taken)
    else:
        fault = check_new_key(task_key, taken)
        if fault is not None:
            raise EditError(fault, field="tasks")
        key = task_key
    upstream = [find(settings, name)[1] for name in dict.fromkeys(after)]
    document: dict[str, Any] = {"task_key": key}
    if upstream:
        document["depends_on"] = [
            {"task_key": task.task_key, "outcome": "true"}
            if task.condition_task is not None
            else {"task_key": task.task_key}
            for task in upstream
        ]
    document[task_type] = skeleton(task_type, key, taken)
    if task_type not in NO_COMPUTE_TASK_TYPES:
        document.update(inherited_compute(upstream))
    tasks.append(load(document))
    return with_tasks(settings, tasks), key


def remove_tasks(settings: JobSettings, task_keys: Sequence[str]) -> JobSettings:
    """Removes tasks, and every dependency on them from the tasks that remain (a depends_on list
    left empty is removed). References to them in strings stay: the validator names them."""
    keys = list(dict.fromkeys(task_keys))
    if not keys:
        return settings
    positions = {find(settings, key)[0] for key in keys}
    removed = set(keys)
    kept: list[Any] = []
    for position, task in enumerate(task_entries(settings)):
        if position in positions:
            continue
        if isinstance(task, Task) and depends_on(task, removed):
            task = edit_depends_on(
                task, lambda entries: [e for e in entries if dependency_key(e) not in removed]
            )
        kept.append(task)
    return with_tasks(settings, kept)


def clone_task(settings: JobSettings, task_key: str) -> tuple[JobSettings, str]:
    """A copy of a task, keyed `<key>_copy` (`_copy_2`, ...), with the same dependencies, right
    after the original. Returns the new settings and the copy's key."""
    index, task = find(settings, task_key)
    taken = all_keys(settings)
    key = unique_key(task_key, taken, "_copy")
    document = task.to_api()
    document["task_key"] = key
    nested = nested_task(document)
    if isinstance(nested, dict) and isinstance(nested.get("task_key"), str):
        nested["task_key"] = unique_key(nested["task_key"], [*taken, key], "_copy")
    tasks = list(task_entries(settings))
    tasks.insert(index + 1, load(document))
    return with_tasks(settings, tasks), key
