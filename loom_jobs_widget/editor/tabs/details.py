"""The Details tab: which tasks use each job cluster and environment, and the warning a job a
bundle deploys gets before it is edited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["deployment_warning", "tasks_using"]


def tasks_using(tasks: Sequence[Any], field: str) -> dict[str, list[str]]:
    """``field``'s value (a job_cluster_key, an environment_key) -> the tasks that name it."""
    used: dict[str, list[str]] = {}
    for task in tasks:
        if not isinstance(task, dict):
            continue
        key = task.get(field)
        if isinstance(key, str) and isinstance(task.get("task_key"), str):
            used.setdefault(key, []).append(task["task_key"])
    return used


def deployment_warning(document: Mapping[str, Any]) -> str | None:
    """What to tell before an edit of a job that a bundle deploys (or that the UI may not edit):
    the next deploy overwrites the edit."""
    deployment = document.get("deployment")
    kind = deployment.get("kind") if isinstance(deployment, Mapping) else None
    if kind != "BUNDLE" and document.get("edit_mode") != "UI_LOCKED":
        return None
    return (
        "This job is deployed by a bundle: edits here are overwritten by the next `databricks "
        "bundle deploy`. Change the bundle's YAML, or export this job as YAML."
    )
