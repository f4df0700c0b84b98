"""Task keys: the keys a job uses, whether a new one is allowed, and a free one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from loom_jobs_widget.core.editing.base import nested_task, show, task_entries

# The validator's own rule, so that the editor never makes a key the validator rejects.
from loom_jobs_widget.core.limits import MAX_TASK_KEY_LENGTH, TASK_KEY_PATTERN
from loom_jobs_widget.core.models import JobSettings, field_value

__all__ = ["all_keys", "check_new_key", "unique_key"]


def all_keys(settings: JobSettings) -> set[str]:
    """Every task key in use, nested tasks' keys included."""
    keys: set[str] = set()
    for task in task_entries(settings):
        for found in (field_value(task, "task_key"), field_value(nested_task(task), "task_key")):
            if isinstance(found, str):
                keys.add(found)
    return keys


def check_new_key(key: Any, taken: set[str]) -> str | None:
    """Why `key` cannot be a new task key, or None when it can."""
    if not isinstance(key, str):
        return f"A task key is a string, not {show(key)}."
    if not key:
        return "A task key cannot be empty."
    if len(key) > MAX_TASK_KEY_LENGTH:
        return (
            f"Task key '{key}' is {len(key)} characters long; the limit is {MAX_TASK_KEY_LENGTH}."
        )
    if not TASK_KEY_PATTERN.fullmatch(key):
        refused = {c for c in key if not TASK_KEY_PATTERN.match(c)}
        bad = ", ".join(repr(char) for char in sorted(refused))
        return (
            f"Task key '{key}' contains {bad}: a task_key may only contain letters, digits, '_' "
            "and '-'."
        )
    if key in taken:
        return f"There is already a task '{key}'; task keys must be unique within the job."
    return None


def unique_key(stem: str, taken: Iterable[str], suffix: str = "") -> str:
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
