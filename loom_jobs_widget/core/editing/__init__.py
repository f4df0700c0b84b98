"""The edits the editor makes to a job's settings, as pure functions, and an undo history.

Every edit takes a `JobSettings` and returns a new one; the given settings and every model inside
them stay as they were. The new settings share the tasks the edit did not touch (the same
objects), so keeping a snapshot per edit costs a list copy. A task that changes is rebuilt from
its JSON (`to_api()`, the change, `Task.from_api`), so unknown fields, values of unexpected types
and key order survive: `new.to_api()` is the old document with the edit applied and nothing else.
(A rename, which may touch every task, copies only the path down to each reference it rewrites.)
An edit that would change nothing returns the given settings themselves.

The shared tasks are what makes snapshots cheap, and also why a snapshot must not be changed in
place afterwards (assigning to a task's attribute would change every snapshot holding it): the
editor changes settings only through these functions.

A refused edit raises `EditError` and changes nothing. Tasks are named by task_key; the task
nested in a for_each task is edited through its for_each task (`["for_each_task", "task", ...]`).
When two tasks share a key (an invalid job the validator reports), the first is the one edited.
"""

from __future__ import annotations

import enum
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias, TypeVar

from loom_jobs_widget.core.models import (
    NO_COMPUTE_TASK_TYPES,
    TASK_TYPES,
    ApiObject,
    JobSettings,
    Task,
    task_types_of,
)
from loom_jobs_widget.core.references import REFERENCE, parse, quote_name

# The validator's own rule, so that the editor never makes a key the validator rejects.
from loom_jobs_widget.core.validation import _TASK_KEY, MAX_TASK_KEY_LENGTH

__all__ = [
    "COMPUTE_FIELDS",
    "DELETE",
    "EditError",
    "History",
    "add_dependency",
    "add_task",
    "clone_task",
    "remove_dependency",
    "remove_tasks",
    "rename_task",
    "replace_task",
    "set_job_field",
    "set_job_fields",
    "set_task_field",
    "set_task_type",
    "skeleton",
    "swap_job_cluster",
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

Path: TypeAlias = Sequence[str | int]

_M = TypeVar("_M", bound=ApiObject)

COMPUTE_FIELDS: Final = ("existing_cluster_id", "job_cluster_key", "new_cluster", "environment_key")
# What a new task takes over from the task it follows (new_cluster is per task: never shared).
_INHERITED_COMPUTE: Final = ("existing_cluster_id", "job_cluster_key", "environment_key")

# --- finding tasks ----------------------------------------------------------------------------


def _task_entries(settings: JobSettings) -> list[Any]:
    """`tasks` as a list (entries of any type, as they are); [] when the job has none."""
    tasks = settings.tasks
    if tasks is None:
        return []
    if not isinstance(tasks, list):
        raise EditError(
            f"The job's tasks are {_show(tasks)}, not a list of tasks, so they cannot be edited "
            "here.",
            field="tasks",
        )
    return tasks


def _find(settings: JobSettings, task_key: str) -> tuple[int, Task]:
    """The position and model of the first top-level task with this key."""
    tasks = _task_entries(settings)
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


def _nested(task: Any) -> Any:
    """The task nested in a for_each task (a model or a dict), or None."""
    loop = _get(task, "for_each_task")
    return _get(loop, "task")


def _nested_owner(tasks: Sequence[Any], task_key: str) -> str | None:
    for task in tasks:
        if _get(_nested(task), "task_key") == task_key:
            owner = _get(task, "task_key")
            return str(owner)
    return None


def _get(obj: Any, name: str) -> Any:
    """`obj[name]` for a model or a dict; None when absent or when `obj` is neither."""
    if isinstance(obj, ApiObject):
        if name in obj.__dict__:
            return obj.__dict__[name]
        extra = obj.__pydantic_extra__
        return extra.get(name) if extra else None
    if isinstance(obj, dict):
        return obj.get(name)
    return None


def _all_keys(settings: JobSettings) -> set[str]:
    """Every task key in use, nested tasks' keys included."""
    keys: set[str] = set()
    for task in _task_entries(settings):
        for found in (_get(task, "task_key"), _get(_nested(task), "task_key")):
            if isinstance(found, str):
                keys.add(found)
    return keys


def _check_new_key(key: Any, taken: set[str]) -> str | None:
    """Why `key` cannot be a new task key, or None when it can."""
    if not isinstance(key, str):
        return f"A task key is a string, not {_show(key)}."
    if not key:
        return "A task key cannot be empty."
    if len(key) > MAX_TASK_KEY_LENGTH:
        return (
            f"Task key '{key}' is {len(key)} characters long; the limit is {MAX_TASK_KEY_LENGTH}."
        )
    if not _TASK_KEY.fullmatch(key):
        bad = ", ".join(repr(char) for char in sorted({c for c in key if not _TASK_KEY.match(c)}))
        return (
            f"Task key '{key}' contains {bad}: a task_key may only contain letters, digits, '_' "
            "and '-'."
        )
    if key in taken:
        return f"There is already a task '{key}'; task keys must be unique within the job."
    return None


def _unique_key(stem: str, taken: Iterable[str], suffix: str = "") -> str:
    """`<stem><suffix>`, else `<stem><suffix>_2`, `_3`, ...: the first free one; the stem is cut
    short when that is longer than a task key may be."""
    used = set(taken)
    number = 1
    while True:
        ending = suffix if number == 1 else f"{suffix}_{number}"
        candidate = stem[: MAX_TASK_KEY_LENGTH - len(ending)] + ending
        if candidate not in used:
            return candidate
        number += 1


# --- building new settings ------------------------------------------------------------------


def _with_tasks(settings: JobSettings, tasks: list[Any]) -> JobSettings:
    # A shallow copy keeps the private key order and the set fields; the other fields' values are
    # shared, which is safe because no edit changes a model in place.
    return _copy_model(settings, {"tasks": tasks})


def _copy_model(model: _M, updates: Mapping[str, Any], removed: str | None = None) -> _M:
    """A shallow copy with some fields replaced, added or `removed`: the key order and the set
    fields as loading its JSON would make them, so that it equals a reload of its own JSON."""
    copied = model.model_copy(update=updates)
    if removed is not None:
        copied.unset(removed)  # the copy's own field set and extras: the original keeps its own
    private = copied.__pydantic_private__
    order: tuple[str, ...] = private["_key_order"] if private else ()
    if private and order:
        kept = tuple(key for key in order if key != removed)
        private["_key_order"] = kept + tuple(key for key in updates if key not in kept)
    return copied


def _with_task(settings: JobSettings, index: int, task: Task) -> JobSettings:
    tasks = list(_task_entries(settings))
    tasks[index] = task
    return _with_tasks(settings, tasks)


def _load(document: dict[str, Any]) -> Task:
    # Documents here are fresh (to_api output, values copied on the way in): no copy needed.
    return Task.model_validate(document)


def _json_value(value: Any, where: str, task_key: str | None) -> Any:
    """A copy of a value given by the caller, checked to be JSON (models are dumped)."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, ApiObject) or item is None or isinstance(item, (str, int, float)):
            continue
        if isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                raise EditError(f"{where}: an object's keys must be strings.", task_key=task_key)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            raise EditError(
                f"{where}: {type(item).__name__} is not a JSON value.", task_key=task_key
            )
    return _copy(value)


def _copy(value: Any) -> Any:
    """A value as fresh JSON: models dumped, containers copied."""
    if isinstance(value, ApiObject):
        return value.to_api()
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item) for item in value]
    return value


def _same(a: Any, b: Any) -> bool:
    """JSON equality that also tells 1 from True and 1.0, and key orders apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _show(value: Any, limit: int = 60) -> str:
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _format_path(prefix: str, path: Sequence[Any]) -> str:
    """A path as validation writes one: `tasks[etl].notebook_task.base_parameters["a b"]`."""
    text = prefix
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier() and part.isascii():
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(str(part))}]"
    return text


# --- editing a JSON document at a path ----------------------------------------------------------


def _check_path(path: Sequence[Any], prefix: str, task_key: str | None) -> tuple[str | int, ...]:
    parts = tuple(path)
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, (str, int)):
            raise EditError(
                f"A path is made of field names and list indices, not {_show(part)}.",
                task_key=task_key,
                field=prefix or None,
            )
    return parts


def _apply(
    root: dict[str, Any],
    path: tuple[str | int, ...],
    value: Any,
    *,
    prefix: str,
    who: str,
    key: str | None,
) -> bool:
    """Sets (or with DELETE removes) `path` in `root`, in place, creating missing objects and
    lists on the way. False when that changes nothing."""
    container: dict[str, Any] | list[Any] = root
    for depth, part in enumerate(path):
        here = _format_path("", path[:depth])
        if isinstance(container, dict):
            if not isinstance(part, str):
                raise EditError(
                    f"{who}: {here or ('the task' if key else 'the job')} is an object, so its "
                    f"fields have names, not indices like {part}.",
                    task_key=key,
                    field=_format_path(prefix, path[:depth]),
                )
            present = part in container
        else:
            if not isinstance(part, int) or not 0 <= part <= len(container):
                raise EditError(
                    f"{who}: {here} is a list of {len(container)} entries, so {_show(part)} "
                    f"names none of them (an index from 0 to {len(container)}, which appends).",
                    task_key=key,
                    field=_format_path(prefix, path[:depth]),
                )
            present = part < len(container)
        current = container[part] if present else None  # type: ignore[index]
        if depth == len(path) - 1:
            if value is DELETE:
                if present:
                    del container[part]  # type: ignore[arg-type]
                return present
            if present and _same(current, value):
                return False
            _put(container, part, value)
            return True
        if current is None:
            if value is DELETE:
                return False  # nothing there to remove
            current = [] if isinstance(path[depth + 1], int) else {}
            _put(container, part, current)
        elif not isinstance(current, (dict, list)):
            where = _format_path("", path[: depth + 1])
            raise EditError(
                f"{who}: {where} is {_show(current)}, not an object or a list, so it has no "
                f"{_show(path[depth + 1])}.",
                task_key=key,
                field=_format_path(prefix, path[: depth + 1]),
            )
        container = current
    return False  # an empty path: the callers refuse it first


def _put(container: dict[str, Any] | list[Any], part: str | int, value: Any) -> None:
    if isinstance(container, dict):
        container[str(part)] = value
    elif part == len(container):
        container.append(value)
    else:
        container[int(part)] = value


# --- field edits --------------------------------------------------------------------------------


def set_task_field(
    settings: JobSettings, task_key: str, path: Path, value: Any = DELETE
) -> JobSettings:
    """Sets the field at `path` in a task (str keys into objects, int indices into lists; one
    past the end appends); `DELETE` removes it. Missing objects on the way are created."""
    prefix = f"tasks[{task_key}]"
    parts = _check_path(path, prefix, task_key)
    index, task = _find(settings, task_key)
    if not parts:
        raise EditError(
            f"Give the field of task '{task_key}' to set; replace_task replaces a whole task.",
            task_key=task_key,
            field=prefix,
        )
    if parts[0] == "task_key":
        raise EditError(
            f"A task's key is changed by renaming the task, which also updates what refers to "
            f"'{task_key}'.",
            task_key=task_key,
            field=f"{prefix}.task_key",
        )
    if value is not DELETE:
        value = _json_value(value, _format_path(prefix, parts), task_key)
    document = task.to_api()
    changed = _apply(document, parts, value, prefix=prefix, who=f"Task '{task_key}'", key=task_key)
    return _with_task(settings, index, _load(document)) if changed else settings


def set_job_field(settings: JobSettings, path: Path, value: Any = DELETE) -> JobSettings:
    """Sets a job-level field (`name`, `["schedule", "quartz_cron_expression"]`, ...) as
    `set_task_field` sets a task's; tasks are edited with the task functions."""
    parts = _check_path(path, "", None)
    if not parts or not isinstance(parts[0], str):
        raise EditError("Give the job field to set, by name.")
    name = parts[0]
    if name == "tasks":
        raise EditError(
            "Tasks are edited one by one (set_task_field, add_task, remove_tasks, ...), so that "
            "dependencies and references follow.",
            field="tasks",
        )
    if value is not DELETE:
        value = _json_value(value, _format_path("", parts), None)
    fields = settings.api_fields()
    document = {name: _copy(fields[name])} if name in fields else {}
    if not _apply(document, parts, value, prefix="", who="The job", key=None):
        return settings
    return _with_job_field(settings, name, document.get(name, DELETE))


def set_job_fields(settings: JobSettings, document: Mapping[str, Any]) -> JobSettings:
    """Makes the job-level fields (all but `tasks`) those of ``document``, a whole settings
    JSON: fields it lacks are deleted, fields that differ are set, the others stay the very
    same objects. For edits that move several fields at once (a trigger of another kind)."""
    current = settings.api_fields()
    for name in [*current, *(name for name in document if name not in current)]:
        if name == "tasks":
            continue
        if name not in document:
            settings = set_job_field(settings, [name])
        elif name not in current or not _same(_copy(current[name]), document[name]):
            settings = set_job_field(settings, [name], document[name])
    return settings


def swap_job_cluster(settings: JobSettings, old_key: str, new_key: str) -> JobSettings:
    """Every task (nested ones too) that runs on job cluster ``old_key`` runs on ``new_key``."""
    keys = {
        entry.get("job_cluster_key")
        for entry in settings.to_api().get("job_clusters") or []
        if isinstance(entry, dict)
    }
    if new_key not in keys:
        raise EditError(
            f"The job has no job cluster '{new_key}' to move the tasks of '{old_key}' to.",
            field="job_clusters",
        )
    tasks = list(_task_entries(settings))  # a new list: `settings` is never changed
    changed = False
    for index, task in enumerate(tasks):
        if not isinstance(task, Task):
            continue
        document = task.to_api()
        moved = False
        for holder in (document, (document.get("for_each_task") or {}).get("task")):
            if isinstance(holder, dict) and holder.get("job_cluster_key") == old_key:
                holder["job_cluster_key"] = new_key
                moved = True
        if moved:
            tasks[index] = _load(document)
            changed = True
    if not changed:
        raise EditError(f"No task runs on job cluster '{old_key}'.", field="job_clusters")
    return _with_tasks(settings, tasks)


def _with_job_field(settings: JobSettings, name: str, value: Any) -> JobSettings:
    if value is DELETE:
        return _copy_model(settings, {}, removed=name)
    loaded = JobSettings.model_validate({name: value})
    field_value = loaded.api_fields()[name]
    return _copy_model(settings, {name: field_value})


def replace_task(settings: JobSettings, task_key: str, task: Mapping[str, Any]) -> JobSettings:
    """Replaces a task by a JSON document of it (from the panel's JSON view); its position in
    `tasks` is kept. The document keeps its task_key: a new key needs `rename_task`."""
    index, old = _find(settings, task_key)
    field = f"tasks[{task_key}]"
    if not isinstance(task, Mapping):
        raise EditError(
            f"A task is a JSON object, not {_show(task)}.", task_key=task_key, field=field
        )
    given = task.get("task_key")
    if given != task_key:
        raise EditError(
            f"The new JSON of task '{task_key}' has task_key {_show(given)}; to change a task's "
            "key, rename the task (its dependencies and references then follow).",
            task_key=task_key,
            field=f"{field}.task_key",
        )
    document = _json_value(dict(task), field, task_key)
    if _same(document, old.to_api()):
        return settings
    return _with_task(settings, index, _load(document))


# --- task types ---------------------------------------------------------------------------------

# What each task type starts with: the fields the user must fill, empty ("" or []), which the
# validator reports as missing-required-field until they are filled. A required field that is not
# a string (run_job_task.job_id) is left out rather than given a wrong type, and so are a
# condition's operands (an empty operand is a valid one) and a SQL task's query / file / ...
# (the user picks which).
_SKELETONS: Final[Mapping[str, Mapping[str, Any]]] = {
    "notebook_task": {"notebook_path": ""},
    "spark_python_task": {"python_file": ""},
    "python_wheel_task": {"package_name": "", "entry_point": ""},
    "spark_jar_task": {"main_class_name": ""},
    "spark_submit_task": {"parameters": []},
    "sql_task": {"warehouse_id": ""},
    "pipeline_task": {"pipeline_id": ""},
    "run_job_task": {},
    "condition_task": {"op": "EQUAL_TO"},
    "dbt_task": {"commands": []},
    "dbt_cloud_task": {},
    "dbt_platform_task": {"connection_resource_name": "", "dbt_platform_job_id": ""},
    "dashboard_task": {"dashboard_id": ""},
    "alert_task": {"alert_id": ""},
    "power_bi_task": {},
    "clean_rooms_notebook_task": {"clean_room_name": "", "notebook_name": ""},
    "gen_ai_compute_task": {"dl_runtime_image": ""},
    "ai_runtime_task": {"experiment": ""},
    "ai_function_task": {},
    "python_operator_task": {"main": ""},
}


def skeleton(task_type: str, task_key: str, taken: Iterable[str] = ()) -> Any:
    """The body a new task of `task_type` starts with. A for_each task gets a nested notebook
    task, keyed `<task_key>_iteration` (made unique against `taken`)."""
    if task_type == "for_each_task":
        nested_key = _unique_key(task_key, [*taken, task_key], "_iteration")
        return {
            "inputs": "",
            "task": {"task_key": nested_key, "notebook_task": _copy(_SKELETONS["notebook_task"])},
        }
    return _copy(_SKELETONS.get(task_type, {}))


def _check_task_type(task_type: Any, task_key: str | None) -> str:
    if isinstance(task_type, str) and (task_type in TASK_TYPES or task_type.endswith("_task")):
        return task_type
    raise EditError(
        f"{_show(task_type)} is not a task type; task types are {', '.join(TASK_TYPES)} (or "
        "another field ending in _task).",
        task_key=task_key,
    )


def set_task_type(settings: JobSettings, task_key: str, task_type: str) -> JobSettings:
    """Makes a task a task of another type: its task type field(s) give way to a skeleton of the
    new type, in the same place. A type that runs on no compute of its own drops the task's
    compute fields; a task that stops being a condition task drops the `outcome` of the
    dependencies on it (an outcome only applies after a condition task)."""
    index, task = _find(settings, task_key)
    task_type = _check_task_type(task_type, task_key)
    document = task.to_api()
    current = task_types_of(document)
    if current == [task_type]:
        return settings
    body = skeleton(task_type, task_key, _all_keys(settings))
    drop_compute = task_type in NO_COMPUTE_TASK_TYPES
    changed: dict[str, Any] = {}
    for name, value in document.items():
        if name in current or name == task_type:
            if task_type not in changed:
                changed[task_type] = body
        elif not (drop_compute and name in COMPUTE_FIELDS):
            changed[name] = value
    changed.setdefault(task_type, body)
    tasks = list(_task_entries(settings))
    tasks[index] = _load(changed)
    if "condition_task" in current and task_type != "condition_task":
        for position, other in enumerate(tasks):
            if isinstance(other, Task) and _depends_on(other, {task_key}, with_outcome=True):
                tasks[position] = _edit_depends_on(
                    other,
                    lambda entries: [
                        _without_outcome(e) if _dependency_key(e) == task_key else e
                        for e in entries
                    ],
                )
    return _with_tasks(settings, tasks)


def _without_outcome(entry: Any) -> Any:
    return {key: value for key, value in entry.items() if key != "outcome"}


# --- adding, removing and copying tasks ---------------------------------------------------------


def _dependency_key(entry: Any) -> Any:
    return _get(entry, "task_key")


def _depends_on(task: Task, keys: set[str], *, with_outcome: bool = False) -> bool:
    """Whether a task has a depends_on entry on one of `keys` (with an outcome, if asked)."""
    entries = task.depends_on
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if _dependency_key(entry) in keys and (
            not with_outcome or _get(entry, "outcome") is not None
        ):
            return True
    return False


def _edit_depends_on(task: Task, edit: Callable[[list[Any]], list[Any]]) -> Task:
    """The task with its depends_on list edited as JSON; an emptied list is removed."""
    document = task.to_api()
    entries = edit(document.get("depends_on") or [])
    if entries:
        document["depends_on"] = entries
    else:
        document.pop("depends_on", None)
    return _load(document)


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
    tasks = list(_task_entries(settings))
    task_type = _check_task_type(task_type, None)
    taken = _all_keys(settings)
    if task_key is None:
        key = _unique_key("new_task", taken)
    else:
        fault = _check_new_key(task_key, taken)
        if fault is not None:
            raise EditError(fault, field="tasks")
        key = task_key
    upstream = [_find(settings, name)[1] for name in dict.fromkeys(after)]
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
        document.update(_inherited_compute(upstream))
    tasks.append(_load(document))
    return _with_tasks(settings, tasks), key


def _inherited_compute(upstream: Sequence[Task]) -> dict[str, Any]:
    for task in upstream:
        fields = task.api_fields()
        for name in _INHERITED_COMPUTE:
            if fields.get(name) is not None:
                return {name: _copy(fields[name])}
    return {}


def remove_tasks(settings: JobSettings, task_keys: Sequence[str]) -> JobSettings:
    """Removes tasks, and every dependency on them from the tasks that remain (a depends_on list
    left empty is removed). References to them in strings stay: the validator names them."""
    keys = list(dict.fromkeys(task_keys))
    if not keys:
        return settings
    positions = {_find(settings, key)[0] for key in keys}
    removed = set(keys)
    kept: list[Any] = []
    for position, task in enumerate(_task_entries(settings)):
        if position in positions:
            continue
        if isinstance(task, Task) and _depends_on(task, removed):
            task = _edit_depends_on(
                task, lambda entries: [e for e in entries if _dependency_key(e) not in removed]
            )
        kept.append(task)
    return _with_tasks(settings, kept)


def clone_task(settings: JobSettings, task_key: str) -> tuple[JobSettings, str]:
    """A copy of a task, keyed `<key>_copy` (`_copy_2`, ...), with the same dependencies, right
    after the original. Returns the new settings and the copy's key."""
    index, task = _find(settings, task_key)
    taken = _all_keys(settings)
    key = _unique_key(task_key, taken, "_copy")
    document = task.to_api()
    document["task_key"] = key
    nested = _nested(document)
    if isinstance(nested, dict) and isinstance(nested.get("task_key"), str):
        nested["task_key"] = _unique_key(nested["task_key"], [*taken, key], "_copy")
    tasks = list(_task_entries(settings))
    tasks.insert(index + 1, _load(document))
    return _with_tasks(settings, tasks), key


# --- renaming -----------------------------------------------------------------------------------


def rename_task(settings: JobSettings, task_key: str, new_key: str) -> JobSettings:
    """Gives a task a new key. The dependencies on it follow, and so does every reference to it
    (`{{tasks.<key>.…}}`) in every string of the settings."""
    index, _ = _find(settings, task_key)
    if new_key == task_key:
        return settings
    fault = _check_new_key(new_key, _all_keys(settings))
    if fault is not None:
        raise EditError(fault, task_key=task_key, field=f"tasks[{task_key}].task_key")
    renamer = _Renamer(task_key, new_key)
    tasks = list(_task_entries(settings))
    for position, task in enumerate(tasks):
        if position == index or (isinstance(task, Task) and renamer.in_depends_on(task)):
            document = task.to_api()
            renamer.rewrite(document)
            if position == index:
                document["task_key"] = new_key
            tasks[position] = _load(document)
        else:
            # Most tasks that change only hold a reference: copy just the path down to it.
            tasks[position] = _map_strings(task, renamer.text)
    updates: dict[str, Any] = {"tasks": tasks}
    for name, value in settings.api_fields().items():
        if name != "tasks":
            mapped = _map_strings(value, renamer.text)
            if mapped is not value:
                updates[name] = mapped
    return _copy_model(settings, updates)


@dataclass(frozen=True)
class _Renamer:
    old: str
    new: str

    def text(self, text: str) -> str:
        """`text` with its references to the old key naming the new one: `text` itself when it
        has none."""
        if "{{" not in text or self.old not in text:
            return text
        rewritten = REFERENCE.sub(self._reference, text)
        return text if rewritten == text else rewritten

    def _reference(self, match: re.Match[str]) -> str:
        inner = match.group(1)
        segments = parse(inner)
        if not segments or segments[0] != "tasks" or len(segments) < 2 or segments[1] != self.old:
            return match.group(0)
        # A well-formed `tasks` reference: whitespace, `tasks.`, then the key, bare or quoted.
        start = len(inner) - len(inner.lstrip()) + len("tasks.")
        end = start + len(self.old) + (2 if inner.startswith("`", start) else 0)
        return "{{" + inner[:start] + quote_name(self.new) + inner[end:] + "}}"

    def in_depends_on(self, task: Task) -> bool:
        nested = _nested(task)
        return _depends_on(task, {self.old}) or (
            isinstance(nested, Task) and _depends_on(nested, {self.old})
        )

    def rewrite(self, document: dict[str, Any]) -> None:
        """Rewrites, in place, the references in every string of a task's JSON, and its
        depends_on entries (and its nested task's)."""
        stack: list[Any] = [document]
        while stack:
            container = stack.pop()
            pairs = list(container.items() if isinstance(container, dict) else enumerate(container))
            for key, item in pairs:
                if isinstance(item, str):
                    container[key] = self.text(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
        for task in (document, _nested(document)):
            entries = task.get("depends_on") if isinstance(task, dict) else None
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, dict) and entry.get("task_key") == self.old:
                    entry["task_key"] = self.new


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to every string inside it. What holds no changed string
    is returned as it is; a changed model is a copy (its key order and set fields kept) sharing
    everything that did not change."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, ApiObject):
        # The set fields straight from pydantic's storage: api_fields() would also order them.
        declared = value.__dict__
        extra = value.__pydantic_extra__ or {}
        updates = {}
        for name in value.__pydantic_fields_set__:
            if name in extra:
                item = extra[name]
            elif name in declared:
                item = declared[name]
            else:
                continue
            mapped = _map_item(item, change)
            if mapped is not item:
                updates[name] = mapped
        return _copy_model(value, updates) if updates else value
    if isinstance(value, dict):
        changed_items = {}
        for key, item in value.items():
            mapped = _map_item(item, change)
            if mapped is not item:
                changed_items[key] = mapped
        return {**value, **changed_items} if changed_items else value
    if isinstance(value, list):
        mapped_list = [_map_item(item, change) for item in value]
        unchanged = all(new is old for new, old in zip(mapped_list, value, strict=True))
        return value if unchanged else mapped_list
    return value


def _map_item(item: Any, change: Callable[[str], str]) -> Any:
    # Leaves without a call of their own: a thousand tasks hold many of them.
    if type(item) is str:
        return change(item)
    if isinstance(item, (ApiObject, dict, list)):
        return _map_strings(item, change)
    return item


# --- dependencies -------------------------------------------------------------------------------


def add_dependency(
    settings: JobSettings, upstream: str, downstream: str, outcome: str | None = None
) -> JobSettings:
    """Makes `downstream` depend on `upstream`. After a condition task the edge has an outcome:
    the one given, else "true" when `downstream` has no "true" edge from it yet, else "false"."""
    field = f"tasks[{downstream}].depends_on"

    def refuse(message: str) -> EditError:
        return EditError(message, task_key=downstream, field=field)

    try:
        index, target = _find(settings, downstream)
        _, source = _find(settings, upstream)
    except EditError as exc:
        raise refuse(exc.message) from None
    if upstream == downstream:
        raise refuse(f"A task cannot depend on itself ('{downstream}').")
    existing = [entry for entry in target.depends_on or () if _dependency_key(entry) == upstream]
    outcomes = [_get(entry, "outcome") for entry in existing]
    is_condition = source.condition_task is not None
    if outcome is not None:
        if outcome not in ("true", "false"):
            raise refuse(
                f'The outcome of a condition task is "true" or "false", not {_show(outcome)}.'
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
    return _with_task(settings, index, _edit_depends_on(target, lambda e: [*e, entry]))


def _path_between(settings: JobSettings, first: str, last: str) -> list[str] | None:
    """A chain of dependencies from `first` down to `last` (`last` runs after `first`), found
    by walking up from `last`; None when there is none."""
    by_key: dict[str, Task] = {}
    for task in _task_entries(settings):
        if isinstance(task, Task) and isinstance(task.task_key, str):
            by_key.setdefault(task.task_key, task)
    came_from: dict[str, str] = {last: last}
    queue = deque([last])
    while queue:
        key = queue.popleft()
        task = by_key.get(key)
        entries = task.depends_on if task is not None else None
        for entry in entries if isinstance(entries, list) else ():
            parent = _dependency_key(entry)
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
        index, target = _find(settings, downstream)
    except EditError as exc:
        raise EditError(exc.message, task_key=downstream, field=field) from None

    def matches(entry: Any) -> bool:
        return _dependency_key(entry) == upstream and (
            outcome is None or _get(entry, "outcome") == outcome
        )

    if not any(matches(entry) for entry in target.depends_on or ()):
        after = f" with outcome {outcome}" if outcome is not None else ""
        raise EditError(
            f"'{downstream}' does not depend on '{upstream}'{after}.",
            task_key=downstream,
            field=field,
        )
    edited = _edit_depends_on(target, lambda entries: [e for e in entries if not matches(e)])
    return _with_task(settings, index, edited)


# --- undo history -------------------------------------------------------------------------------


class History:
    """Undo/redo over whole JobSettings snapshots (cheap: unchanged tasks are shared objects)."""

    def __init__(self, settings: JobSettings, *, limit: int = 500) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        self._limit = limit
        self.reset(settings)

    def reset(self, settings: JobSettings) -> None:
        """One clean state and no history (after loading or reloading the job)."""
        self._states: list[tuple[JobSettings, str]] = [(settings, "")]
        self._position = 0
        self._saved: int | None = 0

    @property
    def current(self) -> JobSettings:
        return self._states[self._position][0]

    def push(self, settings: JobSettings, label: str) -> None:
        """A new current state, made by the edit `label`; the redo branch is dropped. The
        current state itself (an edit that changed nothing) is not a new state."""
        if settings is self.current:
            return
        del self._states[self._position + 1 :]
        if self._saved is not None and self._saved > self._position:
            self._saved = None  # the saved state was on the dropped branch: unreachable now
        self._states.append((settings, label))
        self._position += 1
        overflow = len(self._states) - (self._limit + 1)
        if overflow > 0:
            del self._states[:overflow]
            self._position -= overflow
            if self._saved is not None:
                self._saved = self._saved - overflow if self._saved >= overflow else None

    def undo(self) -> JobSettings | None:
        """Steps back; the state now current, or None when there is nothing to undo."""
        if not self.can_undo:
            return None
        self._position -= 1
        return self.current

    def redo(self) -> JobSettings | None:
        if not self.can_redo:
            return None
        self._position += 1
        return self.current

    @property
    def can_undo(self) -> bool:
        return self._position > 0

    @property
    def can_redo(self) -> bool:
        return self._position < len(self._states) - 1

    @property
    def undo_label(self) -> str:
        """The label of the edit undo would undo; "" when none."""
        return self._states[self._position][1] if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self._states[self._position + 1][1] if self.can_redo else ""

    def mark_saved(self) -> None:
        self._saved = self._position

    @property
    def dirty(self) -> bool:
        """Whether the current state differs from the one last marked saved."""
        return self._saved != self._position
