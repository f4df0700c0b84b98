"""The `job` message every job tab is drawn from: the job's own settings and what the tabs show
about them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor.tabs.details import deployment_warning, tasks_using
from loom_jobs_widget.editor.tabs.notifications import task_notifications
from loom_jobs_widget.schedule import trigger_view

if TYPE_CHECKING:
    from loom_jobs_widget.editor.protocol import JobMessage

__all__ = ["job_message"]


def job_message(settings: JobSettings) -> JobMessage:
    """The `job` message: the settings but `tasks`, the trigger as the tab shows it, and which
    tasks use each job cluster and environment."""
    document = settings.to_api()
    tasks = document.pop("tasks", None)
    tasks = tasks if isinstance(tasks, list) else []
    return {
        "kind": "job",
        "settings": document,
        "trigger": trigger_view(document),
        "task_keys": [t["task_key"] for t in tasks if isinstance(t, dict) and "task_key" in t],
        "job_clusters_in_use": tasks_using(tasks, "job_cluster_key"),
        "environments_in_use": tasks_using(tasks, "environment_key"),
        "task_notifications": task_notifications(tasks),
        "deployment_warning": deployment_warning(document),
    }
