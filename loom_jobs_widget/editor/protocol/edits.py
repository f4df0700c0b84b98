"""The edits the view asks for (`EditOp`), one TypedDict an operation."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

from loom_jobs_widget.editor.protocol.shapes import JsonPath
from loom_jobs_widget.editor.protocol.tabs import EditableTriggerKind, PauseStatus

__all__ = [
    "AddDependency",
    "AddTask",
    "CloneTask",
    "EditOp",
    "RemoveDependency",
    "RemoveTasks",
    "RenameTask",
    "ReplaceTask",
    "SetField",
    "SetJobField",
    "SetPauseStatus",
    "SetTaskType",
    "SetTriggerKind",
    "SwapJobCluster",
]


class SetField(TypedDict):
    """Set (or, with `delete`, remove) a field of a task."""

    op: Literal["set_field"]
    task_key: str
    path: JsonPath
    value: NotRequired[Any]
    delete: NotRequired[bool]


class SetJobField(TypedDict):
    """Set (or, with `delete`, remove) a field of the job's own settings."""

    op: Literal["set_job_field"]
    path: JsonPath
    value: NotRequired[Any]
    delete: NotRequired[bool]


class AddTask(TypedDict):
    """Add a task, depending on the tasks `after`."""

    op: Literal["add_task"]
    after: NotRequired[list[str]]
    task_type: NotRequired[str]


class RemoveTasks(TypedDict):
    """Delete tasks (and the dependencies on them)."""

    op: Literal["remove_tasks"]
    task_keys: list[str]


class CloneTask(TypedDict):
    """Add a copy of a task."""

    op: Literal["clone_task"]
    task_key: str


class RenameTask(TypedDict):
    """Change a task's key (and every reference to it)."""

    op: Literal["rename_task"]
    task_key: str
    new_key: str


class SetTaskType(TypedDict):
    """Make a task another type of task."""

    op: Literal["set_task_type"]
    task_key: str
    task_type: str


class ReplaceTask(TypedDict):
    """Replace a task's whole JSON (the JSON editor of an unknown task type)."""

    op: Literal["replace_task"]
    task_key: str
    task: dict[str, Any]


class AddDependency(TypedDict):
    """Make `downstream` depend on `upstream` (on a condition task's `outcome`)."""

    op: Literal["add_dependency"]
    upstream: str
    downstream: str
    outcome: NotRequired[str | None]


class RemoveDependency(TypedDict):
    """Remove a dependency."""

    op: Literal["remove_dependency"]
    upstream: str
    downstream: str
    outcome: NotRequired[str | None]


class SetTriggerKind(TypedDict):
    """Schedules & triggers: make the job's trigger this kind (and no other); see TriggerView."""

    op: Literal["set_trigger_kind"]
    trigger_kind: EditableTriggerKind
    timezone_id: NotRequired[str]


class SetPauseStatus(TypedDict):
    """Pause or resume the job's trigger."""

    op: Literal["set_pause_status"]
    status: PauseStatus


# `from` is a Python keyword: this one TypedDict cannot be written with the class syntax.
#: Every task using job cluster `from` uses `to` instead.
SwapJobCluster = TypedDict(
    "SwapJobCluster", {"op": Literal["swap_job_cluster"], "from": str, "to": str}
)

#: One edit of the job: what the view sends in an `edit` message.
EditOp: TypeAlias = (
    SetField | SetJobField | AddTask | RemoveTasks | CloneTask | RenameTask | SetTaskType
    | ReplaceTask | AddDependency | RemoveDependency | SetTriggerKind | SetPauseStatus
    | SwapJobCluster
)
