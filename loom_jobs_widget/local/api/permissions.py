"""Job permissions: `/api/2.0/permissions/jobs/{job_id}` (GET, PUT, PATCH) and its
`permissionLevels` (Permissions API reference: jobs).

A job's direct grants are stored with it as `[{"kind", "name", "level"}]`, kind being
`user_name`, `group_name` or `service_principal_name`. The rules a workspace enforces hold here:
exactly one IS_OWNER, a user or a service principal; the creator owns a new job unless its
access_control_list names another owner; PUT replaces the direct grants, PATCH merges them, and
a PATCH that names a new owner hands the ownership over (the previous owner keeps CAN_MANAGE).
The `admins` group's CAN_MANAGE is inherited from `/jobs/` and always shown.

The local workspace has one user, an admin, so nothing is denied: these are the ACLs a job will
take to a workspace, kept and checked, not enforced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from loom_jobs_widget.core.permissions import PERMISSION_LEVELS, PRINCIPAL_KINDS
from loom_jobs_widget.local.api.identity import ADMINS_GROUP
from loom_jobs_widget.local.http import ApiError, Request, Route
from loom_jobs_widget.local.http.params import body_object_list, body_str, json_type, path_int
from loom_jobs_widget.local.store import JobChange, JobRecord, Store

__all__ = ["Grant", "PermissionsApi", "initial_grants", "owner_of"]

# In the order the API's permissionLevels lists them.
_LEVELS: Final = {
    level: PERMISSION_LEVELS[level]
    for level in ("CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE")
}
_OWNER: Final = "IS_OWNER"
_ONE_OWNER: Final = "The job must have exactly one owner."

Grant = dict[str, str]  # {"kind", "name", "level"}


def _parse_grants(entries: Sequence[Any], field: str = "access_control_list") -> list[Grant]:
    grants: list[Grant] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ApiError.malformed(
                f"Could not parse request object: Expected object for field {field}, "
                f"found {json_type(entry)}"
            )
        named = [kind for kind in PRINCIPAL_KINDS if entry.get(kind) is not None]
        if len(named) != 1:
            raise ApiError.invalid(
                f"{field}[{index}] must name exactly one of user_name, group_name and "
                "service_principal_name."
            )
        kind = named[0]
        name = body_str(entry, kind)
        # Read as the parser reads a string field: an object or an array is malformed, before
        # the level is looked up (neither can be a key of _LEVELS).
        level = body_str(entry, "permission_level")
        if not name:
            raise ApiError.invalid(f"{field}[{index}].{kind} must be a non-empty string.")
        if level is None or level not in _LEVELS:
            raise ApiError.invalid(
                f"Permission level {level!r} is not valid for a job; use one of "
                f"{', '.join(_LEVELS)}."
            )
        grants.append({"kind": kind, "name": name, "level": level})
    return grants


def _check_owner(grants: Sequence[Grant], job_id: int | None) -> None:
    owners = [grant for grant in grants if grant["level"] == _OWNER]
    if len(owners) != 1:
        raise ApiError.invalid(_ONE_OWNER)
    if owners[0]["kind"] == "group_name":
        what = f"job {job_id}" if job_id is not None else "a job"
        raise ApiError.invalid(
            f"Group {owners[0]['name']} cannot own {what}: the owner must be a user or a "
            "service principal."
        )


def _merge(current: Sequence[Grant], changes: Sequence[Grant]) -> list[Grant]:
    """PATCH: a principal's grant is replaced by the one given; a new owner demotes the old."""
    by_principal = {(g["kind"], g["name"]): dict(g) for g in current}
    new_owners = [g for g in changes if g["level"] == _OWNER]
    if len(new_owners) > 1:
        raise ApiError.invalid(_ONE_OWNER)
    if new_owners:
        for grant in by_principal.values():
            if grant["level"] == _OWNER:
                grant["level"] = "CAN_MANAGE"
    for grant in changes:
        by_principal[(grant["kind"], grant["name"])] = dict(grant)
    return list(by_principal.values())


def initial_grants(creator: str, requested: Sequence[Any] | None) -> list[Grant]:
    """A new job's grants: its access_control_list, with the creator as owner unless the list
    names one."""
    grants = _parse_grants(requested or [])
    if not any(grant["level"] == _OWNER for grant in grants):
        grants = [g for g in grants if not (g["kind"] == "user_name" and g["name"] == creator)]
        grants.insert(0, {"kind": "user_name", "name": creator, "level": _OWNER})
    _check_owner(grants, None)
    return grants


def owner_of(acl: str) -> tuple[str, str] | None:
    """(kind, name) of the job's owner, from its stored grants."""
    for grant in json.loads(acl):
        if grant.get("level") == _OWNER:
            return str(grant["kind"]), str(grant["name"])
    return None


def _permissions_document(job_id: int, grants: Sequence[Grant]) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    for grant in grants:
        entry: dict[str, Any] = {grant["kind"]: grant["name"]}
        if grant["kind"] != "group_name":
            entry["display_name"] = grant["name"]
        entry["all_permissions"] = [{"permission_level": grant["level"], "inherited": False}]
        entries.append(entry)
    entries.append(
        {
            "group_name": ADMINS_GROUP,
            "all_permissions": [
                {
                    "permission_level": "CAN_MANAGE",
                    "inherited": True,
                    "inherited_from_object": ["/jobs/"],
                }
            ],
        }
    )
    return {"object_id": f"/jobs/{job_id}", "object_type": "job", "access_control_list": entries}


class PermissionsApi:
    def __init__(self, store: Store) -> None:
        self._store = store

    def routes(self) -> list[Route]:
        base = r"/api/2\.0/(?:preview/)?permissions/jobs/(?P<job_id>[^/]+)"
        return [
            Route("GET", base, self.get),
            Route("PUT", base, self.set),
            Route("PATCH", base, self.update),
            Route("GET", base + "/permissionLevels", self.levels),
        ]

    def _job(self, request: Request) -> tuple[int, list[Grant]]:
        job_id = path_int(request, "job_id", "job ID")
        record = self._store.job(job_id)
        if record is None:
            raise ApiError.not_found(f"Job {job_id} does not exist.")
        return job_id, json.loads(record.acl)

    def get(self, request: Request) -> dict[str, Any]:
        job_id, grants = self._job(request)
        return _permissions_document(job_id, grants)

    def set(self, request: Request) -> dict[str, Any]:
        job_id, _ = self._job(request)
        grants = _parse_grants(body_object_list(request.json(), "access_control_list") or [])
        _check_owner(grants, job_id)
        # Under the job's write lock: a PUT racing a delete answers 404, not a 200 for nothing.
        written = self._store.change_job(job_id, lambda _: JobChange(acl=json.dumps(grants)))
        if written is None:
            raise ApiError.not_found(f"Job {job_id} does not exist.")
        return _permissions_document(job_id, grants)

    def update(self, request: Request) -> dict[str, Any]:
        job_id, _ = self._job(request)  # a missing job's 404 comes before the body's errors
        changes = _parse_grants(body_object_list(request.json(), "access_control_list") or [])

        def merged(record: JobRecord) -> JobChange:
            # Read, merge and write under the job's write lock, so that two PATCHes racing each
            # other both land. It may run again if the row changed under it: it only computes.
            grants = _merge(json.loads(record.acl), changes)
            _check_owner(grants, job_id)
            return JobChange(acl=json.dumps(grants))

        written = self._store.change_job(job_id, merged)
        if written is None:
            raise ApiError.not_found(f"Job {job_id} does not exist.")
        return _permissions_document(job_id, json.loads(written.acl))

    def levels(self, request: Request) -> dict[str, Any]:
        self._job(request)
        return {
            "permission_levels": [
                {"permission_level": level, "description": text} for level, text in _LEVELS.items()
            ]
        }
