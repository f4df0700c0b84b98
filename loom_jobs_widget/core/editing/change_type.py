"""Task types: the skeleton a new task of a type starts with, and a task's type changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from loom_jobs_widget.core.editing.base import (
    EditError,
    _copy,
    _find,
    _load,
    _show,
    _task_entries,
    _with_tasks,
)
from loom_jobs_widget.core.editing.compute import COMPUTE_FIELDS
from loom_jobs_widget.core.editing.dependencies import (
    _dependency_key,
    _depends_on,
    _edit_depends_on,
)
from loom_jobs_widget.core.editing.keys import _all_keys, _unique_key
from loom_jobs_widget.core.models import (
    NO_COMPUTE_TASK_TYPES,
    TASK_TYPES,
    JobSettings,
    Task,
    task_types_of,
)

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
