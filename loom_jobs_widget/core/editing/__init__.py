"""The edits the editor makes to a job's settings, as pure functions, and an undo history.

Every edit takes a `JobSettings` and returns a new one; the given settings and every model inside
them stay as they were. The new settings share the tasks the edit did not touch (the same
objects), so keeping a snapshot per edit costs a list copy. A task that changes is rebuilt from
its JSON (`to_api()`, the change, `Task.from_api`), so unknown fields, values of unexpected types
and key order survive: `new.to_api()` is the old document with the edit applied and nothing else.
(A rename, which may touch every task, copies only the path down to each reference it rewrites.)
An edit that would change nothing returns the given settings themselves.

The shared tasks are what makes snapshots cheap, and also why a snapshot must not be changed in
place afterwards (assigning to a task's attribute would change every snapshot holding it): the
editor changes settings only through these functions.

A refused edit raises `EditError` and changes nothing. Tasks are named by task_key; the task
nested in a for_each task is edited through its for_each task (`["for_each_task", "task", ...]`).
When two tasks share a key (an invalid job the validator reports), the first is the one edited.
"""

from loom_jobs_widget.core.editing.base import DELETE, EditError
from loom_jobs_widget.core.editing.change_type import set_task_type, skeleton
from loom_jobs_widget.core.editing.compute import COMPUTE_FIELDS, swap_job_cluster
from loom_jobs_widget.core.editing.dependencies import add_dependency, remove_dependency
from loom_jobs_widget.core.editing.fields import (
    replace_task,
    set_job_field,
    set_job_fields,
    set_task_field,
)
from loom_jobs_widget.core.editing.history import History
from loom_jobs_widget.core.editing.rename import rename_task
from loom_jobs_widget.core.editing.tasks import add_task, clone_task, remove_tasks

__all__ = [
    "COMPUTE_FIELDS",
    "DELETE",
    "EditError",
    "History",
    "add_dependency",
    "add_task",
    "clone_task",
    "remove_dependency",
    "remove_tasks",
    "rename_task",
    "replace_task",
    "set_job_field",
    "set_job_fields",
    "set_task_field",
    "set_task_type",
    "skeleton",
    "swap_job_cluster",
]
