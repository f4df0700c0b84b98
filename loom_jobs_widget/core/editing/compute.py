"""Where tasks run: the compute fields, what a new task inherits, tasks moved to a job cluster."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from loom_jobs_widget.core.editing.base import EditError, copy, load, task_entries, with_tasks
from loom_jobs_widget.core.models import JobSettings, Task

__all__ = ["COMPUTE_FIELDS", "inherited_compute", "swap_job_cluster"]

COMPUTE_FIELDS: Final = ("existing_cluster_id", "job_cluster_key", "new_cluster", "environment_key")
# What a new task takes over from the task it follows (new_cluster is per task: never shared).
_INHERITED_COMPUTE: Final = ("existing_cluster_id", "job_cluster_key", "environment_key")


def inherited_compute(upstream: Sequence[Task]) -> dict[str, Any]:
    for task in upstream:
        fields = task.api_fields()
        for name in _INHERITED_COMPUTE:
            if fields.get(name) is not None:
                return {name: copy(fields[name])}
    return {}


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
    tasks = list(task_entries(settings))  # a new list: `settings` is never changed
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
            tasks[index] = load(document)
            changed = True
    if not changed:
        raise EditError(f"No task runs on job cluster '{old_key}'.", field="job_clusters")
    return with_tasks(settings, tasks)
