"""Field edits: a task's or the job's fields set or removed, and a task's whole JSON replaced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loom_jobs_widget.core.changes import json_equal
from loom_jobs_widget.core.editing.base import (
    DELETE,
    EditError,
    copy,
    copy_model,
    find,
    load,
    show,
    with_task,
)
from loom_jobs_widget.core.editing.json_path import (
    Path,
    apply,
    check_path,
    format_path,
    json_value,
)
from loom_jobs_widget.core.models import JobSettings

__all__ = ["replace_task", "set_job_field", "set_job_fields", "set_task_field"]


def set_task_field(
    settings: JobSettings, task_key: str, path: Path, value: Any = DELETE
) -> JobSettings:
    """Sets the field at `path` in a task (str keys into objects, int indices into lists; one
    past the end appends); `DELETE` removes it. Missing objects on the way are created."""
    prefix = f"tasks[{task_key}]"
    parts = check_path(path, prefix, task_key)
    index, task = find(settings, task_key)
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
        value = json_value(value, format_path(prefix, parts), task_key)
    document = task.to_api()
    changed = apply(document, parts, value, prefix=prefix, who=f"Task '{task_key}'", key=task_key)
    return with_task(settings, index, load(document)) if changed else settings


def set_job_field(settings: JobSettings, path: Path, value: Any = DELETE) -> JobSettings:
    """Sets a job-level field (`name`, `["schedule", "quartz_cron_expression"]`, ...) as
    `set_task_field` sets a task's; tasks are edited with the task functions."""
    parts = check_path(path, "", None)
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
        value = json_value(value, format_path("", parts), None)
    fields = settings.api_fields()
    document = {name: copy(fields[name])} if name in fields else {}
    if not apply(document, parts, value, prefix="", who="The job", key=None):
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
        elif name not in current or not json_equal(
            copy(current[name]), document[name], key_order=True
        ):
            settings = set_job_field(settings, [name], document[name])
    return settings


def _with_job_field(settings: JobSettings, name: str, value: Any) -> JobSettings:
    if value is DELETE:
        return copy_model(settings, {}, removed=name)
    loaded = JobSettings.from_api({name: value}, owned=True)
    field_value = loaded.api_fields()[name]
    return copy_model(settings, {name: field_value})


def replace_task(settings: JobSettings, task_key: str, task: Mapping[str, Any]) -> JobSettings:
    """Replaces a task by a JSON document of it (from the panel's JSON view); its position in
    `tasks` is kept. The document keeps its task_key: a new key needs `rename_task`."""
    index, old = find(settings, task_key)
    field = f"tasks[{task_key}]"
    if not isinstance(task, Mapping):
        raise EditError(
            f"A task is a JSON object, not {show(task)}.", task_key=task_key, field=field
        )
    given = task.get("task_key")
    if given != task_key:
        raise EditError(
            f"The new JSON of task '{task_key}' has task_key {show(given)}; to change a task's "
            "key, rename the task (its dependencies and references then follow).",
            task_key=task_key,
            field=f"{field}.task_key",
        )
    document = json_value(dict(task), field, task_key)
    if json_equal(document, old.to_api(), key_order=True):
        return settings
    return with_task(settings, index, load(document))
