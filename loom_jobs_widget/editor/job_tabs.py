"""What the editor's job-level tabs (issue 6) are fed with, beside the task graph: the job's own
settings with what the tabs show about them, and the Permissions tab's state.

Plain functions and one small class; `editor_session` calls them and sends the results (shapes
in ``js/src/editor/protocol.ts``). Schedules, triggers and grants are worked out by
`schedule_forms`, `triggers` and `permissions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.permissions import (
    PRINCIPAL_KINDS,
    Grant,
    JobAcl,
    levels_for,
    save_acl,
    validate_acl,
)
from loom_jobs_widget.core.validation import Problem, field_path
from loom_jobs_widget.schedule.triggers import trigger_view

if TYPE_CHECKING:
    from loom_jobs_widget.client.workspace import JobsService

__all__ = ["PermissionsState", "deployment_warning", "job_message"]

def _in_use(tasks: Sequence[Any], field: str) -> dict[str, list[str]]:
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


def job_message(settings: JobSettings) -> dict[str, Any]:
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
        "job_clusters_in_use": _in_use(tasks, "job_cluster_key"),
        "environments_in_use": _in_use(tasks, "environment_key"),
        "task_notifications": _task_notifications(tasks),
        "deployment_warning": deployment_warning(document),
    }


def _task_notifications(tasks: Sequence[Any]) -> dict[str, list[str]]:
    """The events each task notifies of by itself (emails or webhooks), for the Notifications
    tab's summary."""
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


class PermissionsState:
    """The Permissions tab: the grants as loaded from the workspace and as edited. Edited grants
    are saved with the job (after it, for a new job: it needs its id first)."""

    def __init__(self) -> None:
        self.loaded: JobAcl | None = None
        self.edited: list[Grant] | None = None  # None: not edited
        self.error: str | None = None

    @property
    def dirty(self) -> bool:
        return self.edited is not None and (
            self.loaded is None or sorted(map(_key, self.edited)) != sorted(map(_key, self.grants))
        )

    @property
    def grants(self) -> list[Grant]:
        """The loaded grants (inherited ones included)."""
        return list(self.loaded.grants) if self.loaded is not None else []

    def load(self, jobs: JobsService | None, job_id: int | None, user_name: str | None) -> None:
        """Read the job's permissions (once); a new job starts with its creator as owner."""
        if self.loaded is not None or self.edited is not None:
            return
        if job_id is None or jobs is None:
            if user_name:
                self.edited = [Grant("user_name", user_name, "IS_OWNER")]
            return
        try:
            self.loaded = JobAcl.from_api(jobs.get_permissions(job_id))
            self.error = None
        except Exception as error:  # the tab shows why; the rest of the editor goes on
            self.error = str(error)

    def set(self, grants: Sequence[Mapping[str, Any]]) -> None:
        self.edited = [Grant.from_json(grant) for grant in grants]

    def problems(self, user_name: str | None) -> list[Problem]:
        if self.edited is None:
            return []
        return validate_acl(self.edited, loaded=self.loaded, user_name=user_name)

    def message(self, user_name: str | None) -> dict[str, Any]:
        shown = self.edited if self.edited is not None else self.grants
        problems = []
        for problem in self.problems(user_name):
            entry: dict[str, Any] = problem.to_dict()
            entry["path"] = field_path(problem.field)
            problems.append(entry)
        message: dict[str, Any] = {
            "kind": "permissions",
            "loaded": [g.to_json() for g in self.grants] if self.loaded is not None else None,
            "grants": [g.to_json() for g in shown],
            "problems": problems,
            "levels": {kind: levels_for(kind) for kind in PRINCIPAL_KINDS},
        }
        if self.error is not None:
            message["error"] = self.error
        return message

    def changes(self) -> list[dict[str, Any]]:
        """The review's lines for the edited grants: who gains, loses or changes a level."""
        if not self.dirty or self.edited is None:
            return []
        before = {(g.kind, g.name): g.level for g in self.grants if not g.inherited}
        after = {(g.kind, g.name): g.level for g in self.edited if not g.inherited}
        found: list[dict[str, Any]] = []
        for principal in [*after, *(p for p in before if p not in after)]:
            old, new = before.get(principal), after.get(principal)
            if old == new:
                continue
            who = Grant(principal[0], principal[1], "").who
            kind = "added" if old is None else "removed" if new is None else "changed"
            text = {
                "added": f"Permissions: {who} gets {new}",
                "removed": f"Permissions: {who} loses {old}",
                "changed": f"Permissions: {who}: {old} → {new}",
            }[kind]
            change: dict[str, Any] = {"kind": kind, "path": f"permissions[{who}]", "text": text}
            if old is not None:
                change["before"] = old
            if new is not None:
                change["after"] = new
            found.append(change)
        return found

    def save(self, jobs: JobsService, job_id: int) -> None:
        """Write the edited grants (raises the workspace's errors, AclError, AclConflictError)."""
        if not self.dirty or self.edited is None:
            return
        self.loaded = save_acl(jobs, job_id, self.edited, loaded=self.loaded)
        self.edited = None


def _key(grant: Grant) -> tuple[str, str, str]:
    return grant.kind, grant.name, grant.level
