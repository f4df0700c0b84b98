"""Dependencies: depends_on entries read and edited; one added (a cycle refused) or removed."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from loom_jobs_widget.core.editing.base import (
    EditError,
    find,
    load,
    show,
    task_entries,
    with_task,
)
from loom_jobs_widget.core.models import JobSettings, Task, field_value

__all__ = ["add_dependency", "dependency_key", "depends_on", "edit_depends_on", "remove_dependency"]


def dependency_key(entry: Any) -> Any:
    return field_value(entry, "task_key")


def depends_on(task: Task, keys: set[str], *, with_outcome: bool = False) -> bool:
    """Whether a task has a depends_on entry on one of `keys` (with an outcome, if asked)."""
    entries = task.depends_on
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if dependency_key(entry) in keys and (
            not with_outcome or field_value(entry, "outcome") is not None
        ):
            return True
    return False


def edit_depends_on(task: Task, edit: Callable[[list[Any]], list[Any]]) -> Task:
    """The task with its depends_on list edited as JSON; an emptied list is removed."""
    document = task.to_api()
    entries = edit(document.get("depends_on") or [])
    if entries:
        document["depends_on"] = entries
    else:
        document.pop("depends_on", None)
    return load(document)


def add_dependency(
    settings: JobSettings, upstream: str, downstream: str, outcome: str | None = None
) -> JobSettings:
    """Makes `downstream` depend on `upstream`. After a condition task the edge has an outcome:
    the one given, else "true" when `downstream` has no "true" edge from it yet, else "false"."""
    field = f"tasks[{downstream}].depends_on"

    def refuse(message: str) -> EditError:
        return EditError(message, task_key=downstream, field=field)

    try:
        index, target = find(settings, downstream)
        _, source = find(settings, upstream)
    except EditError as exc:
        raise refuse(exc.message) from None
    if upstream == downstream:
        raise refuse(f"A task cannot depend on itself ('{downstream}').")
    existing = [entry for entry in target.depends_on or () if dependency_key(entry) == upstream]
    outcomes = [field_value(entry, "outcome") for entry in existing]
    is_condition = source.condition_task is not None
    if outcome is not None:
        if outcome not in ("true", "false"):
            raise refuse(
                f'The outcome of a condition task is "true" or "false", not {show(outcome)}.'
            )
        if not is_condition:
            raise refuse(
                f"'{upstream}' is not a condition task, so a dependency on it has no outcome."
            )
    elif is_condition:
        outcome = "true" if "true" not in outcomes else "false"
    if outcome in outcomes:
        after = f" with outcome {outcome}" if outcome is not None else ""
        raise refuse(f"'{downstream}' already depends on '{upstream}'{after}.")
    path = _path_between(settings, downstream, upstream)
    if path is not None:
        raise refuse(
            f"'{downstream}' cannot depend on '{upstream}': '{upstream}' already runs after "
            f"'{downstream}' ({' → '.join(path)}), so this would make a cycle."
        )
    entry: dict[str, Any] = {"task_key": upstream}
    if outcome is not None:
        entry["outcome"] = outcome
    return with_task(settings, index, edit_depends_on(target, lambda e: [*e, entry]))


def _path_between(settings: JobSettings, first: str, last: str) -> list[str] | None:
    """A chain of dependencies from `first` down to `last` (`last` runs after `first`), found
    by walking up from `last`; None when there is none."""
    by_key: dict[str, Task] = {}
    for task in task_entries(settings):
        if isinstance(task, Task) and isinstance(task.task_key, str):
            by_key.setdefault(task.task_key, task)
    came_from: dict[str, str] = {last: last}
    queue = deque([last])
    while queue:
        key = queue.popleft()
        task = by_key.get(key)
        entries = task.depends_on if task is not None else None
        for entry in entries if isinstance(entries, list) else ():
            parent = dependency_key(entry)
            if not isinstance(parent, str) or parent in came_from:
                continue
            came_from[parent] = key
            if parent == first:
                path = [first]
                while path[-1] != last:
                    path.append(came_from[path[-1]])
                return path
            queue.append(parent)
    return None


def remove_dependency(
    settings: JobSettings, upstream: str, downstream: str, outcome: str | None = None
) -> JobSettings:
    """Removes `downstream`'s dependency on `upstream` (only the one with `outcome`, if given)."""
    field = f"tasks[{downstream}].depends_on"
    try:
        index, target = find(settings, downstream)
    except EditError as exc:
        raise EditError(exc.message, task_key=downstream, field=field) from None

    def matches(entry: Any) -> bool:
        return dependency_key(entry) == upstream and (
            outcome is None or field_value(entry, "outcome") == outcome
        )

    if not any(matches(entry) for entry in target.depends_on or ()):
        after = f" with outcome {outcome}" if outcome is not None else ""
        raise EditError(
            f"'{downstream}' does not depend on '{upstream}'{after}.",
            task_key=downstream,
            field=field,
        )
    edited = edit_depends_on(target, lambda entries: [e for e in entries if not matches(e)])
    return with_task(settings, index, edited)
