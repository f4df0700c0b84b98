"""What the editor's job-level tabs are fed with, beside the task graph: one module per tab
(details, schedule, notifications, permissions) and the `job` message they are all drawn from.
The Parameters tab needs nothing of its own: it edits `parameters` through the `job` message and
`set_job_field`, and the validator checks the names."""

from __future__ import annotations

from loom_jobs_widget.editor.tabs.details import deployment_warning, tasks_using
from loom_jobs_widget.editor.tabs.job import job_message
from loom_jobs_widget.editor.tabs.notifications import task_notifications
from loom_jobs_widget.editor.tabs.permissions import PermissionsState
from loom_jobs_widget.editor.tabs.schedule import (
    from_unix_message,
    pause_status_edit,
    schedule_preview_message,
    simple_schedule_message,
    time_zones_message,
    trigger_kind_edit,
)

__all__ = [
    "PermissionsState",
    "deployment_warning",
    "from_unix_message",
    "job_message",
    "pause_status_edit",
    "schedule_preview_message",
    "simple_schedule_message",
    "task_notifications",
    "tasks_using",
    "time_zones_message",
    "trigger_kind_edit",
]
