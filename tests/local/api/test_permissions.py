"""Job permissions: one owner, a user or service principal; PUT replaces, PATCH merges."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, ResourceDoesNotExist
from databricks.sdk.service.jobs import JobAccessControlRequest, JobPermissionLevel

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import create_job


def levels(w: WorkspaceClient, job_id: int) -> dict[str, str]:
    """principal -> direct permission level."""
    found = {}
    for entry in w.jobs.get_permissions(str(job_id)).access_control_list or []:
        name = entry.user_name or entry.group_name or entry.service_principal_name
        for permission in entry.all_permissions or []:
            if not permission.inherited and permission.permission_level:
                found[str(name)] = permission.permission_level.value
    return found


def test_the_creator_owns_a_new_job(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": "perm"})
    permissions = w.jobs.get_permissions(str(job_id))
    assert permissions.object_id == f"/jobs/{job_id}" and permissions.object_type == "job"
    assert levels(w, job_id) == {lw.user_name: "IS_OWNER"}
    admins = [e for e in permissions.access_control_list or [] if e.group_name == "admins"]
    assert admins and admins[0].all_permissions
    assert admins[0].all_permissions[0].inherited is True
    assert admins[0].all_permissions[0].inherited_from_object == ["/jobs/"]


def test_create_with_an_access_control_list(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    job_id = create_job(
        w,
        {
            "name": "acl",
            "access_control_list": [{"group_name": "analysts", "permission_level": "CAN_VIEW"}],
        },
    )
    assert levels(w, job_id) == {lw.user_name: "IS_OWNER", "analysts": "CAN_VIEW"}
    assert (
        "access_control_list"
        not in w.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})["settings"]
    )


def test_put_replaces_and_needs_exactly_one_owner(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": "put"})
    viewer = JobAccessControlRequest(
        user_name="v@example.com", permission_level=JobPermissionLevel.CAN_VIEW
    )
    with pytest.raises(InvalidParameterValue, match=r"The job must have exactly one owner\."):
        w.jobs.set_permissions(str(job_id), access_control_list=[viewer])
    owner = JobAccessControlRequest(
        service_principal_name="etl-sp", permission_level=JobPermissionLevel.IS_OWNER
    )
    w.jobs.set_permissions(str(job_id), access_control_list=[owner, viewer])
    assert levels(w, job_id) == {"etl-sp": "IS_OWNER", "v@example.com": "CAN_VIEW"}
    assert w.jobs.get(job_id).run_as_user_name == "etl-sp"
    group_owner = JobAccessControlRequest(
        group_name="admins", permission_level=JobPermissionLevel.IS_OWNER
    )
    with pytest.raises(InvalidParameterValue, match="owner must be a user or a service principal"):
        w.jobs.set_permissions(str(job_id), access_control_list=[group_owner])


def test_patch_merges_and_hands_over_ownership(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": "patch"})
    w.jobs.update_permissions(
        str(job_id),
        access_control_list=[
            JobAccessControlRequest(
                group_name="ops", permission_level=JobPermissionLevel.CAN_MANAGE_RUN
            )
        ],
    )
    assert levels(w, job_id) == {lw.user_name: "IS_OWNER", "ops": "CAN_MANAGE_RUN"}
    w.jobs.update_permissions(
        str(job_id),
        access_control_list=[
            JobAccessControlRequest(
                user_name="new@example.com", permission_level=JobPermissionLevel.IS_OWNER
            )
        ],
    )
    assert levels(w, job_id) == {
        lw.user_name: "CAN_MANAGE",
        "ops": "CAN_MANAGE_RUN",
        "new@example.com": "IS_OWNER",
    }


def test_bad_requests_and_levels(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": "levels"})
    described = w.jobs.get_permission_levels(str(job_id)).permission_levels or []
    assert [d.permission_level.value for d in described if d.permission_level] == [
        "CAN_VIEW",
        "CAN_MANAGE_RUN",
        "IS_OWNER",
        "CAN_MANAGE",
    ]
    with pytest.raises(InvalidParameterValue, match="not valid for a job"):
        w.api_client.do(
            "PATCH",
            f"/api/2.0/permissions/jobs/{job_id}",
            body={
                "access_control_list": [{"user_name": "x", "permission_level": "CAN_EVERYTHING"}]
            },
        )
    with pytest.raises(InvalidParameterValue, match="exactly one of user_name"):
        w.api_client.do(
            "PATCH",
            f"/api/2.0/permissions/jobs/{job_id}",
            body={"access_control_list": [{"permission_level": "CAN_VIEW"}]},
        )
    with pytest.raises(ResourceDoesNotExist, match=r"Job 987654321 does not exist\."):
        w.jobs.get_permissions("987654321")
