"""The Notifications tab: the events each task notifies of by itself, for its summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["task_notifications"]


def task_notifications(tasks: Sequence[Any]) -> dict[str, list[str]]:
    """task_key -> the events the task notifies of by itself (emails or webhooks), for the tasks
    that have any."""
    found: dict[str, list[str]] = {}
    for task in tasks:
        if not isinstance(task, dict) or not isinstance(task.get("task_key"), str):
            continue
        events: list[str] = []
        for holder in ("email_notifications", "webhook_notifications"):
            entries = task.get(holder)
            if isinstance(entries, dict):
                events += [e for e, v in entries.items() if isinstance(v, list) and v]
        if events:
            found[task["task_key"]] = list(dict.fromkeys(events))
    return found
