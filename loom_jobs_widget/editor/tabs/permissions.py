"""The Permissions tab: the job's grants as loaded from the workspace and as edited, their
problems, the review's lines for them, and their save (after the job's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.client import save_acl
from loom_jobs_widget.core.permissions import Grant, JobAcl, levels_for, validate_acl
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.editor.problems import problem_at_field

if TYPE_CHECKING:
    from loom_jobs_widget.client import PermissionsService
    from loom_jobs_widget.editor.protocol import Change, PermissionsMessage, PrincipalLevels

__all__ = ["PermissionsState"]


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

    def load(
        self, permissions: PermissionsService | None, job_id: int | None, user_name: str | None
    ) -> None:
        """Read the job's permissions (once); a new job starts with its creator as owner."""
        if self.loaded is not None or self.edited is not None:
            return
        if job_id is None or permissions is None:
            if user_name:
                self.edited = [Grant("user_name", user_name, "IS_OWNER")]
            return
        try:
            self.loaded = JobAcl.from_api(permissions.get_permissions(job_id))
            self.error = None
        except Exception as error:  # the tab shows why; the rest of the editor goes on
            self.error = str(error)

    def set(self, grants: Sequence[Mapping[str, Any]]) -> None:
        self.edited = [Grant.from_json(grant) for grant in grants]

    def problems(self, user_name: str | None) -> list[Problem]:
        if self.edited is None:
            return []
        return validate_acl(self.edited, loaded=self.loaded, user_name=user_name)

    def message(self, user_name: str | None) -> PermissionsMessage:
        shown = self.edited if self.edited is not None else self.grants
        message: PermissionsMessage = {
            "kind": "permissions",
            "loaded": [g.to_json() for g in self.grants] if self.loaded is not None else None,
            "grants": [g.to_json() for g in shown],
            "problems": [problem_at_field(problem) for problem in self.problems(user_name)],
            "levels": _levels(),
        }
        if self.error is not None:
            message["error"] = self.error
        return message

    def changes(self) -> list[Change]:
        """The review's lines for the edited grants: who gains, loses or changes a level."""
        if not self.dirty or self.edited is None:
            return []
        before = {(g.kind, g.name): g.level for g in self.grants if not g.inherited}
        after = {(g.kind, g.name): g.level for g in self.edited if not g.inherited}
        found: list[Change] = []
        for principal in [*after, *(p for p in before if p not in after)]:
            old, new = before.get(principal), after.get(principal)
            if old == new:
                continue
            who = Grant(principal[0], principal[1], "").who
            if old is None:
                change: Change = {"kind": "added", "path": f"permissions[{who}]",
                                  "text": f"Permissions: {who} gets {new}"}  # fmt: skip
            elif new is None:
                change = {"kind": "removed", "path": f"permissions[{who}]",
                          "text": f"Permissions: {who} loses {old}"}  # fmt: skip
            else:
                change = {"kind": "changed", "path": f"permissions[{who}]",
                          "text": f"Permissions: {who}: {old} → {new}"}  # fmt: skip
            if old is not None:
                change["before"] = old
            if new is not None:
                change["after"] = new
            found.append(change)
        return found

    def save(self, permissions: PermissionsService, job_id: int) -> None:
        """Write the edited grants (raises the workspace's errors, AclError, AclConflictError)."""
        if not self.dirty or self.edited is None:
            return
        self.loaded = save_acl(permissions, job_id, self.edited, loaded=self.loaded)
        self.edited = None


def _levels() -> PrincipalLevels:
    return {"user_name": list(levels_for("user_name")),
            "group_name": list(levels_for("group_name")),
            "service_principal_name": list(levels_for("service_principal_name"))}  # fmt: skip


def _key(grant: Grant) -> tuple[str, str, str]:
    return grant.kind, grant.name, grant.level
