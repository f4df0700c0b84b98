"""What a workspace adds to, drops from and reorders in the settings it stores: the server's
defaults, so that a job read back can be compared with what was written.

A workspace answers jobs/get with fields the client never sent (`email_notifications: {}`,
`timeout_seconds: 0`, `run_if: "ALL_SUCCESS"` on each task, ...), does not return
`apply_policy_default_values`, and gives `depends_on` back in an order of its own. Those
differences are the server's, not the user's: the diff, the save plan and the merge compare
settings up to them (`same_up_to_server_defaults`), and the local workspace stores what a
workspace would (`with_server_defaults`). Source: the Databricks CLI's workspace emulator,
databricks/cli libs/testserver/jobs.go (`jobFixUps`, `setSourceIfNotSet`), whose defaults are
checked against cloud by its acceptance tests.

Everything here works on the API's JSON and returns new objects; nothing is changed in place.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, Final

from loom_jobs_widget.core.json_copy import copy_document

__all__ = [
    "JOB_DEFAULTS",
    "NEW_CLUSTER_DEFAULTS",
    "NOT_RETURNED",
    "TASK_DEFAULTS",
    "default_notebook_source",
    "reads_back_as",
    "same_up_to_server_defaults",
    "with_server_defaults",
]

# Filled when absent (or null): a workspace returns them for every job and task.
JOB_DEFAULTS: Final[Mapping[str, Any]] = {
    "email_notifications": {},
    "webhook_notifications": {},
    "timeout_seconds": 0,
    "format": "MULTI_TASK",
}
TASK_DEFAULTS: Final[Mapping[str, Any]] = {
    "email_notifications": {},
    "run_if": "ALL_SUCCESS",
    "timeout_seconds": 0,
}
# A task's own `new_cluster` (not a job cluster's): the defaults a workspace adds to it.
NEW_CLUSTER_DEFAULTS: Final[Mapping[str, Any]] = {
    "data_security_mode": "SINGLE_USER",
    "enable_elastic_disk": False,
}
# Consumed when the cluster is created and never returned (in any `new_cluster`: a task's, a job
# cluster's, a for-each task's): the user sets it, a read-back never has it.
NOT_RETURNED: Final = "apply_policy_default_values"


def with_server_defaults(
    settings: Mapping[str, Any], *, drop_write_only: bool = True
) -> dict[str, Any]:
    """The settings as a workspace stores and returns them after create, reset or update: the
    server's defaults filled in where absent, `apply_policy_default_values` dropped (unless
    `drop_write_only` is false), each task's `depends_on` sorted by task_key. Fields of an
    unexpected JSON type are kept as they are (the validator reports them); applying it twice
    gives the same as once."""
    result = copy_document(settings)
    _fill(result, JOB_DEFAULTS)
    source = default_notebook_source(result)
    tasks = result.get("tasks")
    if isinstance(tasks, list):
        for task in tasks:
            if isinstance(task, dict):
                _task_defaults(task, source, drop_write_only)
    job_clusters = result.get("job_clusters")
    if drop_write_only and isinstance(job_clusters, list):
        for job_cluster in job_clusters:
            if isinstance(job_cluster, dict):
                _drop_not_returned(job_cluster.get("new_cluster"))
    return result


def default_notebook_source(settings: Mapping[str, Any]) -> str:
    """The `notebook_task.source` a workspace gives a task that names none: GIT in a job with a
    `git_source`, WORKSPACE otherwise (Jobs API 2.2 reference: NotebookTask.source)."""
    return "GIT" if isinstance(settings.get("git_source"), dict) else "WORKSPACE"


def same_up_to_server_defaults(a: Any, b: Any, *, notebook_source: str = "WORKSPACE") -> bool:
    """Whether two versions of a job's settings, or of one `tasks` entry, differ only by
    defaults a workspace fills in and the order it gives `depends_on`. Key order inside objects
    is never a difference. A write-only field such as `apply_policy_default_values` still
    counts: the user set it, and it must be sent. For a task, `notebook_source` is its job's
    `default_notebook_source` (a whole job says it itself)."""
    return _canonical(_comparable(a, notebook_source)) == _canonical(
        _comparable(b, notebook_source)
    )


def reads_back_as(written: Mapping[str, Any], read: Mapping[str, Any]) -> bool:
    """Whether `read` (jobs/get) is what a workspace returns for the settings `written`."""
    return _canonical(with_server_defaults(written)) == _canonical(with_server_defaults(read))


def _comparable(value: Any, notebook_source: str) -> Any:
    if isinstance(value, Mapping) and "task_key" in value:
        task = copy.deepcopy(dict(value))
        _task_defaults(task, notebook_source, drop_write_only=False)
        return task
    if isinstance(value, Mapping):
        return with_server_defaults(value, drop_write_only=False)
    return value


def _task_defaults(task: dict[str, Any], source: str, drop_write_only: bool) -> None:
    depends_on = task.get("depends_on")
    if isinstance(depends_on, list) and all(
        isinstance(entry, dict) and isinstance(entry.get("task_key"), str) for entry in depends_on
    ):
        task["depends_on"] = sorted(depends_on, key=_dependency_order)
    _fill(task, TASK_DEFAULTS)
    notebook_task = task.get("notebook_task")
    if isinstance(notebook_task, dict) and notebook_task.get("source") in (None, ""):
        notebook_task["source"] = source
    new_cluster = task.get("new_cluster")
    if isinstance(new_cluster, dict):
        _fill(new_cluster, NEW_CLUSTER_DEFAULTS)
        if drop_write_only:
            _drop_not_returned(new_cluster)
    for_each = task.get("for_each_task")
    if drop_write_only and isinstance(for_each, dict) and isinstance(for_each.get("task"), dict):
        _drop_not_returned(for_each["task"].get("new_cluster"))


def _dependency_order(entry: dict[str, Any]) -> tuple[str, str]:
    return str(entry["task_key"]), _canonical(entry)


def _fill(document: dict[str, Any], defaults: Mapping[str, Any]) -> None:
    for name, value in defaults.items():
        if document.get(name) is None:
            document[name] = copy.deepcopy(value)


def _drop_not_returned(new_cluster: Any) -> None:
    if isinstance(new_cluster, dict):
        new_cluster.pop(NOT_RETURNED, None)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True)
