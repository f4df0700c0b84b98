"""A task renamed: the dependencies on it and every `{{tasks.<key>...}}` reference to it follow."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loom_jobs_widget.core.editing.base import (
    EditError,
    copy_model,
    find,
    load,
    nested_task,
    task_entries,
)
from loom_jobs_widget.core.editing.dependencies import depends_on
from loom_jobs_widget.core.editing.keys import all_keys, check_new_key
from loom_jobs_widget.core.models import ApiObject, JobSettings, Task
from loom_jobs_widget.core.references import REFERENCE, parse, quote_name

__all__ = ["rename_task"]


def rename_task(settings: JobSettings, task_key: str, new_key: str) -> JobSettings:
    """Gives a task a new key. The dependencies on it follow, and so does every reference to it
    (`{{tasks.<key>.…}}`) in every string of the settings."""
    index, _ = find(settings, task_key)
    if new_key == task_key:
        return settings
    fault = check_new_key(new_key, all_keys(settings))
    if fault is not None:
        raise EditError(fault, task_key=task_key, field=f"tasks[{task_key}].task_key")
    renamer = _Renamer(task_key, new_key)
    tasks = list(task_entries(settings))
    for position, task in enumerate(tasks):
        if position == index or (isinstance(task, Task) and renamer.in_depends_on(task)):
            document = task.to_api()
            renamer.rewrite(document)
            if position == index:
                document["task_key"] = new_key
            tasks[position] = load(document)
        else:
            # Most tasks that change only hold a reference: copy just the path down to it.
            tasks[position] = _map_strings(task, renamer.text)
    updates: dict[str, Any] = {"tasks": tasks}
    for name, value in settings.api_fields().items():
        if name != "tasks":
            mapped = _map_strings(value, renamer.text)
            if mapped is not value:
                updates[name] = mapped
    return copy_model(settings, updates)


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
        nested = nested_task(task)
        return depends_on(task, {self.old}) or (
            isinstance(nested, Task) and depends_on(nested, {self.old})
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
        for task in (document, nested_task(document)):
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
        return copy_model(value, updates) if updates else value
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
