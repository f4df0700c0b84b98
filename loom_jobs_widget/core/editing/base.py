"""What every edit uses: EditError, DELETE, a task found by its key, new settings from old."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeVar

from loom_jobs_widget.core.models import ApiObject, JobSettings, Task, field_value

__all__ = [
    "DELETE",
    "EditError",
    "copy",
    "copy_model",
    "find",
    "load",
    "nested_task",
    "show",
    "task_entries",
    "with_task",
    "with_tasks",
]


class EditError(ValueError):
    """An edit that was refused; nothing changed."""

    def __init__(
        self, message: str, *, task_key: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.task_key = task_key
        self.field = field  # a path as validation.Problem.field writes it


class _Sentinel(enum.Enum):
    # An enum member: one object that survives copy and pickle as itself.
    DELETE = "DELETE"

    def __repr__(self) -> str:
        return "DELETE"


#: As the `value` of `set_task_field` / `set_job_field`: remove the key or list entry.
DELETE: Final = _Sentinel.DELETE

_M = TypeVar("_M", bound=ApiObject)

# --- finding tasks ----------------------------------------------------------------------------


def task_entries(settings: JobSettings) -> list[Any]:
    """`tasks` as a list (entries of any type, as they are); [] when the job has none."""
    tasks = settings.tasks
    if tasks is None:
        return []
    if not isinstance(tasks, list):
        raise EditError(
            f"The job's tasks are {show(tasks)}, not a list of tasks, so they cannot be edited "
            "here.",
            field="tasks",
        )
    return tasks


def find(settings: JobSettings, task_key: str) -> tuple[int, Task]:
    """The position and model of the first top-level task with this key."""
    tasks = task_entries(settings)
    for index, task in enumerate(tasks):
        if isinstance(task, Task) and task.task_key == task_key:
            return index, task
    owner = _nested_owner(tasks, task_key)
    if owner is not None:
        raise EditError(
            f"'{task_key}' is the task nested in for_each task '{owner}'; it is edited through "
            f"'{owner}' and has no dependencies of its own.",
            task_key=owner,
            field=f"tasks[{owner}].for_each_task.task",
        )
    raise EditError(f"'{task_key}' is not a task of this job.", task_key=task_key)


def nested_task(task: Any) -> Any:
    """The task nested in a for_each task (a model or a dict), or None."""
    loop = field_value(task, "for_each_task")
    return field_value(loop, "task")


def _nested_owner(tasks: Sequence[Any], task_key: str) -> str | None:
    for task in tasks:
        if field_value(nested_task(task), "task_key") == task_key:
            owner = field_value(task, "task_key")
            return str(owner)
    return None


# --- building new settings ------------------------------------------------------------------


def with_tasks(settings: JobSettings, tasks: list[Any]) -> JobSettings:
    # A shallow copy keeps the private key order and the set fields; the other fields' values are
    # shared, which is safe because no edit changes a model in place.
    return copy_model(settings, {"tasks": tasks})


def copy_model(model: _M, updates: Mapping[str, Any], removed: str | None = None) -> _M:
    """A shallow copy with some fields replaced, added or `removed`: the key order and the set
    fields as loading its JSON would make them, so that it equals a reload of its own JSON."""
    order = tuple(model.api_fields())  # before the update: the document order of the original
    copied = model.model_copy(update=updates)
    if removed is not None:
        copied.unset(removed)  # the copy's own field set and extras: the original keeps its own
    kept = tuple(key for key in order if key != removed)
    kept += tuple(key for key in updates if key not in kept)
    # As loading records it: an object of one key has no order to keep.
    private = {"_key_order": kept} if len(kept) > 1 else None
    object.__setattr__(copied, "__pydantic_private__", private)
    return copied


def with_task(settings: JobSettings, index: int, task: Task) -> JobSettings:
    tasks = list(task_entries(settings))
    tasks[index] = task
    return with_tasks(settings, tasks)


def load(document: dict[str, Any]) -> Task:
    # Documents here are fresh (to_api output, values copied on the way in): no copy needed.
    return Task.from_api(document, owned=True)


def copy(value: Any) -> Any:
    """A value as fresh JSON: models dumped, containers copied."""
    if isinstance(value, ApiObject):
        return value.to_api()
    if isinstance(value, dict):
        return {key: copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy(item) for item in value]
    return value


def show(value: Any, limit: int = 60) -> str:
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
