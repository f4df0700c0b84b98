"""The view's edits (`EditOp`): what each does to the settings, its undo label, and how much of
the view it leaves to redraw.

Each edit is one call into `core.editing`, which returns new settings sharing the unchanged
tasks (so the undo history keeps whole snapshots cheaply) or raises `EditError` when it refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loom_jobs_widget.core import editing
from loom_jobs_widget.core.editing import EditError
from loom_jobs_widget.core.models import JobSettings
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
from loom_jobs_widget.editor.tabs.schedule import pause_status_edit, trigger_kind_edit

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
    return Edited(new, f"edit {key}.{'.'.join(map(str, path))}", typed_task=key,
                   inside=key if _inside_task(settings, key, path) else None)  # fmt: skip


def _set_job_field(settings: JobSettings, _: Sequence[str], op: SetJobField) -> Edited:
    path = _path(op["path"])
    value = editing.DELETE if op.get("delete") else op.get("value")
    new = editing.set_job_field(settings, path, value)
    return Edited(new, f"edit {'.'.join(map(str, path))}", typed_job=True)


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
