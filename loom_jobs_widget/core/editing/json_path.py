"""A JSON document edited at a path: the caller's path and value checked, a field set or removed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeAlias

from loom_jobs_widget.core.changes import json_equal
from loom_jobs_widget.core.editing.base import DELETE, EditError, copy, show
from loom_jobs_widget.core.models import ApiObject

__all__ = ["Path", "apply", "check_path", "format_path", "json_value"]

Path: TypeAlias = Sequence[str | int]


def json_value(value: Any, where: str, task_key: str | None) -> Any:
    """A copy of a value given by the caller, checked to be JSON (models are dumped)."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, ApiObject) or item is None or isinstance(item, (str, int, float)):
            continue
        if isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                raise EditError(
                    f"{where}: an object's keys must be strings.", task_key=task_key, field=where
                )
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            raise EditError(
                f"{where}: {type(item).__name__} is not a JSON value.",
                task_key=task_key,
                field=where,
            )
    return copy(value)


def format_path(prefix: str, path: Sequence[Any]) -> str:
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


def check_path(path: Sequence[Any], prefix: str, task_key: str | None) -> tuple[str | int, ...]:
    parts = tuple(path)
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, (str, int)):
            raise EditError(
                f"A path is made of field names and list indices, not {show(part)}.",
                task_key=task_key,
                field=prefix or None,
            )
    return parts


def apply(
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
        here = format_path("", path[:depth])
        if isinstance(container, dict):
            if not isinstance(part, str):
                raise EditError(
                    f"{who}: {here or ('the task' if key else 'the job')} is an object, so its "
                    f"fields have names, not indices like {part}.",
                    task_key=key,
                    field=format_path(prefix, path[:depth]),
                )
            present = part in container
        else:
            if not isinstance(part, int) or not 0 <= part <= len(container):
                raise EditError(
                    f"{who}: {here} is a list of {len(container)} entries, so {show(part)} "
                    f"names none of them (an index from 0 to {len(container)}, which appends).",
                    task_key=key,
                    field=format_path(prefix, path[:depth]),
                )
            present = part < len(container)
        current = container[part] if present else None  # type: ignore[index]
        if depth == len(path) - 1:
            if value is DELETE:
                if present:
                    del container[part]  # type: ignore[arg-type]
                return present
            if present and json_equal(current, value, key_order=True):
                return False
            _put(container, part, value)
            return True
        if current is None:
            if value is DELETE:
                return False  # nothing there to remove
            current = [] if isinstance(path[depth + 1], int) else {}
            _put(container, part, current)
        elif not isinstance(current, (dict, list)):
            where = format_path("", path[: depth + 1])
            raise EditError(
                f"{who}: {where} is {show(current)}, not an object or a list, so it has no "
                f"{show(path[depth + 1])}.",
                task_key=key,
                field=format_path(prefix, path[: depth + 1]),
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
