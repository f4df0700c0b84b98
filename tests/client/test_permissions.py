"""Permissions through the local workspace and the real SDK: the permissions service (get, update,
set), and saving an edited ACL with save_acl, which never overwrites a concurrent change."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from loom_jobs_widget.client import AclConflictError, Workspace, WorkspaceError, save_acl
from loom_jobs_widget.core.permissions import (
    AclError,
    Grant,
    JobAcl,
    acl_request,
    transfer_ownership,
    validate_acl,
)

from .test_jobs import unique


def test_permissions(ws: Workspace) -> None:
    job = ws.jobs.create({"name": unique("acl")})
    assert isinstance(job.job_id, int)

    def grants(permissions: dict[str, Any]) -> dict[str, str]:
        return {
            entry.get("user_name") or entry.get("group_name") or "": entry["all_permissions"][0][
                "permission_level"
            ]
            for entry in permissions["access_control_list"]
        }

    assert grants(ws.permissions.get_permissions(job.job_id))[str(ws.user_name)] == "IS_OWNER"
    updated = ws.permissions.update_permissions(
        job.job_id, [{"user_name": "ann@example.com", "permission_level": "CAN_VIEW"}]
    )
    assert grants(updated)["ann@example.com"] == "CAN_VIEW"
    replaced = ws.permissions.set_permissions(
        job.job_id,
        [
            {"user_name": str(ws.user_name), "permission_level": "IS_OWNER"},
            {"group_name": "data", "permission_level": "CAN_MANAGE_RUN"},
        ],
    )
    assert "ann@example.com" not in grants(replaced)
    assert grants(ws.permissions.get_permissions(job.job_id))["data"] == "CAN_MANAGE_RUN"


def new_job(ws: Workspace) -> int:
    job = ws.jobs.create({"name": f"acl-{uuid.uuid4().hex[:8]}"})
    assert isinstance(job.job_id, int)
    return job.job_id


def test_load_edit_save(ws: Workspace) -> None:
    job_id = new_job(ws)
    loaded = JobAcl.from_api(ws.permissions.get_permissions(job_id))
    assert loaded.owner is not None and loaded.owner.name == ws.user_name
    assert [(g.name, g.level, g.inherited_from) for g in loaded.inherited] == [
        ("admins", "CAN_MANAGE", ("/jobs/",))]
    # The SDK's typed answer reads the same.
    typed = ws.client.jobs.get_permissions(str(job_id)).as_dict()
    assert JobAcl.from_api(typed) == loaded

    edited = [*loaded.grants, Grant("group_name", "analysts", "CAN_VIEW"),
              Grant("service_principal_name", "etl-sp", "CAN_MANAGE_RUN")]
    saved = save_acl(ws.permissions, job_id, edited, loaded=loaded)
    assert saved == JobAcl.from_api(ws.permissions.get_permissions(job_id))
    assert {(g.kind, g.name, g.level) for g in saved.direct} == {
        ("user_name", str(ws.user_name), "IS_OWNER"), ("group_name", "analysts", "CAN_VIEW"),
        ("service_principal_name", "etl-sp", "CAN_MANAGE_RUN")}

    # Hand the job to the service principal, drop the analysts: a PUT of the whole list.
    rows = [g for g in transfer_ownership(saved.grants, "service_principal_name", "etl-sp")
            if g.name != "analysts"]
    after = save_acl(ws.permissions, job_id, rows, loaded=saved)
    assert after.owner == Grant("service_principal_name", "etl-sp", "IS_OWNER",
                                display_name="etl-sp")
    assert {(g.name, g.level) for g in after.direct} == {
        (str(ws.user_name), "CAN_MANAGE"), ("etl-sp", "IS_OWNER")}


def test_update_request(ws: Workspace) -> None:
    job_id = new_job(ws)
    loaded = JobAcl.from_api(ws.permissions.get_permissions(job_id))
    edited = [*loaded.grants, Grant("user_name", "bob@example.com", "CAN_VIEW")]
    body = acl_request(edited, mode="update", loaded=loaded)
    assert body == [{"user_name": "bob@example.com", "permission_level": "CAN_VIEW"}]
    after = JobAcl.from_api(ws.permissions.update_permissions(job_id, body))
    assert sorted(map(Grant.to_json, after.direct), key=str) == sorted(
        (Grant.to_json(g) for g in JobAcl.from_api(
            {"access_control_list": [
                {"user_name": str(ws.user_name), "display_name": str(ws.user_name),
                 "all_permissions": [{"permission_level": "IS_OWNER", "inherited": False}]},
                {"user_name": "bob@example.com", "display_name": "bob@example.com",
                 "all_permissions": [{"permission_level": "CAN_VIEW", "inherited": False}]},
            ]}).direct), key=str)


def test_a_concurrent_change_is_not_overwritten(ws: Workspace) -> None:
    job_id = new_job(ws)
    loaded = JobAcl.from_api(ws.permissions.get_permissions(job_id))
    # Someone else grants a group meanwhile.
    ops = [{"group_name": "ops", "permission_level": "CAN_VIEW"}]
    ws.permissions.update_permissions(job_id, ops)
    edited = [*loaded.grants, Grant("user_name", "c@x.io", "CAN_VIEW")]
    with pytest.raises(AclConflictError) as raised:
        save_acl(ws.permissions, job_id, edited, loaded=loaded)
    assert ("group_name", "ops") in {g.principal for g in raised.value.current.direct}
    now = JobAcl.from_api(ws.permissions.get_permissions(job_id))
    assert "c@x.io" not in {g.name for g in now.grants}


def test_the_rules_are_the_workspaces(ws: Workspace) -> None:
    # What validate_acl refuses, the workspace refuses too (sent raw, bypassing the check).
    job_id = new_job(ws)
    refused = [
        [{"group_name": "data", "permission_level": "IS_OWNER"}],
        [{"group_name": "data", "permission_level": "CAN_VIEW"}],
        [{"user_name": "a@x.io", "permission_level": "IS_OWNER"},
         {"user_name": "b@x.io", "permission_level": "IS_OWNER"}],
        [{"user_name": "a@x.io", "permission_level": "IS_OWNER"},
         {"user_name": "b@x.io", "permission_level": "CAN_FLY"}],
    ]
    for body in refused:
        assert [p for p in validate_acl(body) if p.severity == "error"]
        with pytest.raises(WorkspaceError):
            ws.permissions.set_permissions(job_id, body)
    with pytest.raises(AclError):
        save_acl(ws.permissions, job_id, refused[0])
