"""A job's permissions in the workspace: `PermissionsService` reads and writes the access control
list (`/api/2.0/permissions/jobs/{job_id}`), and `save_acl` saves an edited one without
overwriting a change made meanwhile. The rules an edit must keep are `core.permissions`.

`set_permissions` (PUT) replaces all direct grants, so it is the one request that can remove a
grant; `update_permissions` (PATCH) adds and changes only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

from loom_jobs_widget.client.errors import Context
from loom_jobs_widget.client.rest import Service
from loom_jobs_widget.core.permissions import AclError, Grant, JobAcl, acl_request

__all__ = ["AclConflictError", "PermissionsApi", "PermissionsService", "save_acl"]

_PERMISSIONS_API: Final = "/api/2.0/permissions/jobs"


class PermissionsService(Service):
    """The permissions of jobs, as the API's JSON, with typed errors."""

    def get_permissions(self, job_id: int) -> dict[str, Any]:
        return self._do(
            "GET",
            f"{_PERMISSIONS_API}/{job_id}",
            Context(f"read the permissions of job {job_id}", job_id=job_id),
        )

    def set_permissions(
        self, job_id: int, access_control_list: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Replace the job's direct grants (PUT); the permissions after."""
        return self._write_permissions("PUT", "set", job_id, access_control_list)

    def update_permissions(
        self, job_id: int, access_control_list: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Add grants to the job's (PATCH); the permissions after."""
        return self._write_permissions("PATCH", "update", job_id, access_control_list)

    def _write_permissions(
        self,
        method: str,
        verb: str,
        job_id: int,
        access_control_list: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        return self._do(
            method,
            f"{_PERMISSIONS_API}/{job_id}",
            Context(f"{verb} the permissions of job {job_id}", job_id=job_id),
            body={"access_control_list": [dict(entry) for entry in access_control_list]},
        )


class PermissionsApi(Protocol):
    """The two calls `save_acl` makes: `PermissionsService` has them."""

    def get_permissions(self, job_id: int) -> dict[str, Any]: ...

    def set_permissions(
        self, job_id: int, access_control_list: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]: ...


class AclConflictError(AclError):
    """The job's direct grants changed in the workspace since the edit began; nothing was
    sent. `current` is the ACL as it is now."""

    def __init__(self, message: str, current: JobAcl) -> None:
        super().__init__(message)
        self.current = current


def save_acl(permissions: PermissionsApi, job_id: int, grants: Sequence[Grant | Mapping[str, Any]],
             *, loaded: JobAcl | None = None) -> JobAcl:
    """Save the edited grants as the job's direct grants (`set_permissions`); the ACL after.

    With `loaded` (the ACL the edit began from) the current ACL is read first, and
    AclConflictError is raised, nothing sent, if its direct grants changed meanwhile: a PUT would
    silently drop what someone else granted. AclError when the grants break a rule; the
    workspace's own errors as the service raises them (`WorkspaceError`).
    """
    body = acl_request(grants, loaded=loaded)
    if loaded is not None:
        current = JobAcl.from_api(permissions.get_permissions(job_id))
        if _direct_grants(current) != _direct_grants(loaded):
            raise AclConflictError(
                f"The permissions of job {job_id} changed since they were loaded; reload them "
                "and apply the edit again.", current)
    return JobAcl.from_api(permissions.set_permissions(job_id, body))


def _direct_grants(acl: JobAcl) -> list[tuple[str, str, str]]:
    """The direct grants as (kind, name, level), in a stable order: what a PUT would replace."""
    return sorted((g.kind, g.name, g.level) for g in acl.direct)
