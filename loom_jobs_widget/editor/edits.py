"""The view's edits (`EditOp`): what each does to the settings, its undo label, and how much of
the view it leaves to redraw.

Each edit is one call into `core.editing`, which returns new settings sharing the unchanged
tasks (so the undo history keeps whole snapshots cheaply) or raises `EditError` when it refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.core import editing
from loom_jobs_widget.core.editing import EditError
from loom_jobs_widget.core.editing.base import copy
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor.tabs.schedule import pause_status_edit, trigger_kind_edit

if TYPE_CHECKING:
    from loom_jobs_widget.editor.protocol import (
        AddDependency,
        AddTask,
        CloneTask,
        EditOp,
        RemoveDependency,
        RemoveTasks,
        RenameTask,
        ReplaceTask,
        SetField,
        SetJobField,
        SetPauseStatus,
        SetTaskType,
        SetTriggerKind,
        SwapJobCluster,
    )

__all__ = ["Edited", "apply_edit"]


@dataclass(frozen=True)
class Edited:
    """What one edit made: the new settings (the same object when nothing changed) and the
    edit's undo label, and what the session redraws after it."""

    settings: JobSettings
    label: str
    selected: list[str] | None = None
    """The selection after the edit; None: as it was."""
    typed_task: str | None = None
    """The task whose panel the user typed in: the panel already shows the edit."""
    inside: str | None = None
    """The one task changed without touching any task_key, depends_on or task type: only it is
    checked and redrawn."""
    typed_job: bool = False
    """Typed in a job tab's field: the tab already shows the edit."""


def apply_edit(settings: JobSettings, selected: Sequence[str], op: EditOp) -> Edited:
    """Apply one edit to ``settings`` (``selected``: the tasks selected now); raises `EditError`
    when it is refused, KeyError / TypeError when the op is not one the view sends."""
    name = op["op"]
    edit = _EDITS.get(name) if isinstance(name, str) else None
    if edit is None:
        raise EditError(f"The editor has no edit {name!r}.")
    return edit(settings, selected, op)


def _set_field(settings: JobSettings, _: Sequence[str], op: SetField) -> Edited:
    key = op["task_key"]
    path = _path(op["path"])
    value = editing.DELETE if op.get("delete") else op.get("value")
    new = editing.set_task_field(settings, key, path, value)
    if path and path[0] == "depends_on" and new is not settings:
        cycle = _cycle(new, key)
        if cycle is not None and _cycle(settings, key) is None:  # a cycle already there: problems
            raise cycle
    return Edited(new, f"edit {key}.{'.'.join(map(str, path))}", typed_task=key,
                   inside=key if _inside_task(settings, key, path) else None)  # fmt: skip


def _set_job_field(settings: JobSettings, _: Sequence[str], op: SetJobField) -> Edited:
    path = _path(op["path"])
    value = editing.DELETE if op.get("delete") else op.get("value")
    new = editing.set_job_field(settings, path, value)
    if path and path[0] in _KEYED_LISTS:
        _refuse_a_taken_key(settings, new, str(path[0]))
    return Edited(new, f"edit {'.'.join(map(str, path))}", typed_job=True)


_KEYED_LISTS = {"job_clusters": ("job_cluster_key", "job cluster"),
                "environments": ("environment_key", "environment")}  # fmt: skip
"""The job's lists whose entries tasks name by a key, unique within the job (Jobs API 2.2
reference: JobCluster.job_cluster_key, JobEnvironment.environment_key)."""


def _refuse_a_taken_key(before: JobSettings, after: JobSettings, name: str) -> None:
    """Refuses an edit that gives an entry of a keyed list a key another entry has; a clash
    already in the job is left to the problems."""
    key_name, noun = _KEYED_LISTS[name]
    old, new = _keys(before, name, key_name), _keys(after, name, key_name)
    for index, key in enumerate(new):
        if key is None or new.count(key) < 2 or old.count(key) >= new.count(key):
            continue
        if index < len(old) and old[index] == key:
            continue  # the entry that had this key already: the other one took it
        raise EditError(
            f"Another {noun} of the job has the key '{key}'; each {noun} needs its own key.",
            field=f"{name}[{index}].{key_name}",
        )


def _cycle(settings: JobSettings, task_key: str) -> EditError | None:
    """The refusal of a cycle through `task_key`'s depends_on (as adding that edge on the graph
    is refused: `editing.add_dependency`); None when there is none."""
    upstream: dict[str, list[str]] = {}
    for task in settings.to_api().get("tasks") or []:
        if isinstance(task, Mapping) and isinstance(task.get("task_key"), str):
            entries = task.get("depends_on")
            upstream.setdefault(task["task_key"], [
                entry["task_key"] for entry in entries if isinstance(entries, list)
                and isinstance(entry, Mapping) and isinstance(entry.get("task_key"), str)
            ] if isinstance(entries, list) else [])  # fmt: skip
    # Walk up from each task `task_key` depends on: reaching it again is a cycle.
    for first in upstream.get(task_key, []):
        if first == task_key:
            return EditError(f"A task cannot depend on itself ('{task_key}').",
                             task_key=task_key, field=f"tasks[{task_key}].depends_on")  # fmt: skip
        came_from: dict[str, str] = {first: task_key}
        queue = [first]
        while queue:
            current = queue.pop(0)
            if current == task_key:
                chain = [task_key]  # in the order the tasks run
                while chain[-1] != first:
                    chain.append(came_from[chain[-1]])
                return EditError(
                    f"'{task_key}' cannot depend on '{first}': '{first}' already runs after "
                    f"'{task_key}' ({' → '.join(chain)}), so this would make a cycle.",
                    task_key=task_key,
                    field=f"tasks[{task_key}].depends_on",
                )
            for parent in upstream.get(current, []):
                if parent not in came_from:
                    came_from[parent] = current
                    queue.append(parent)
    return None


def _keys(settings: JobSettings, name: str, key_name: str) -> list[Any]:
    entries = copy(settings.api_fields().get(name))
    if not isinstance(entries, list):
        return []
    return [entry.get(key_name) if isinstance(entry, Mapping) else None for entry in entries]


def _add_task(settings: JobSettings, _: Sequence[str], op: AddTask) -> Edited:
    after = list(op.get("after") or [])
    new, key = editing.add_task(
        settings, after=after, task_type=op.get("task_type") or "notebook_task"
    )
    return Edited(new, f"add task {key}", selected=[key])


def _remove_tasks(settings: JobSettings, selected: Sequence[str], op: RemoveTasks) -> Edited:
    keys = list(op["task_keys"])
    new = editing.remove_tasks(settings, keys)
    return Edited(new, f"delete {', '.join(keys)}",
                   selected=[key for key in selected if key not in keys])  # fmt: skip


def _clone_task(settings: JobSettings, _: Sequence[str], op: CloneTask) -> Edited:
    new, key = editing.clone_task(settings, op["task_key"])
    return Edited(new, f"clone {op['task_key']}", selected=[key])


def _rename_task(settings: JobSettings, selected: Sequence[str], op: RenameTask) -> Edited:
    old, new_key = op["task_key"], op["new_key"]
    new = editing.rename_task(settings, old, new_key)
    return Edited(new, f"rename {old} → {new_key}",
                   selected=[new_key if key == old else key for key in selected])  # fmt: skip


def _set_task_type(settings: JobSettings, _: Sequence[str], op: SetTaskType) -> Edited:
    new = editing.set_task_type(settings, op["task_key"], op["task_type"])
    return Edited(new, f"make {op['task_key']} a {op['task_type']}")


def _replace_task(settings: JobSettings, _: Sequence[str], op: ReplaceTask) -> Edited:
    task: object = op["task"]
    if not isinstance(task, dict):
        raise EditError(f"Task '{op['task_key']}' must be a JSON object.", task_key=op["task_key"])
    new = editing.replace_task(settings, op["task_key"], task)
    return Edited(new, f"edit {op['task_key']} as JSON")


def _add_dependency(settings: JobSettings, _: Sequence[str], op: AddDependency) -> Edited:
    upstream, downstream = op["upstream"], op["downstream"]
    new = editing.add_dependency(settings, upstream, downstream, op.get("outcome"))
    return Edited(new, f"make {downstream} depend on {upstream}")


def _remove_dependency(settings: JobSettings, _: Sequence[str], op: RemoveDependency) -> Edited:
    upstream, downstream = op["upstream"], op["downstream"]
    new = editing.remove_dependency(settings, upstream, downstream, op.get("outcome"))
    return Edited(new, f"remove dependency {upstream} → {downstream}")


def _set_trigger_kind(settings: JobSettings, _: Sequence[str], op: SetTriggerKind) -> Edited:
    return Edited(*trigger_kind_edit(settings, op))


def _set_pause_status(settings: JobSettings, _: Sequence[str], op: SetPauseStatus) -> Edited:
    return Edited(*pause_status_edit(settings, op))


def _swap_job_cluster(settings: JobSettings, _: Sequence[str], op: SwapJobCluster) -> Edited:
    old, new_key = op["from"], op["to"]
    new = editing.swap_job_cluster(settings, old, new_key)
    return Edited(new, f"move the tasks of job cluster {old} to {new_key}")


# The value is the op's own TypedDict, which `apply_edit` picked by its `op`.
_EDITS: Mapping[str, Callable[[JobSettings, Sequence[str], Any], Edited]] = {
    "set_field": _set_field,
    "set_job_field": _set_job_field,
    "add_task": _add_task,
    "remove_tasks": _remove_tasks,
    "clone_task": _clone_task,
    "rename_task": _rename_task,
    "set_task_type": _set_task_type,
    "replace_task": _replace_task,
    "add_dependency": _add_dependency,
    "remove_dependency": _remove_dependency,
    "set_trigger_kind": _set_trigger_kind,
    "set_pause_status": _set_pause_status,
    "swap_job_cluster": _swap_job_cluster,
}


def _inside_task(settings: JobSettings, task_key: str, path: Sequence[str | int]) -> bool:
    """Whether an edit at ``path`` leaves the task's key, dependencies and type as they are."""
    head = path[0] if path else None
    if not isinstance(head, str) or head in ("task_key", "depends_on"):
        return False
    if head.endswith("_task"):
        task = settings.task(task_key)
        return len(path) > 1 and task is not None and task.task_types == [head]
    return True


def _path(value: Any) -> list[str | int]:
    if not isinstance(value, list) or not all(
        isinstance(part, str) or (isinstance(part, int) and not isinstance(part, bool))
        for part in value
    ):
        raise TypeError(f"a path must be a list of names and indexes, not {value!r}")
    return list(value)
