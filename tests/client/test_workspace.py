"""The connected handle: one service per resource of the Jobs API, and `ws.jobs`' run and
permission methods delegating to them."""

from __future__ import annotations

from loom_jobs_widget.client import JobsService, PermissionsService, RunsService, Workspace

from .test_jobs import unique


def test_one_service_per_resource(ws: Workspace) -> None:
    assert isinstance(ws.jobs, JobsService)
    assert isinstance(ws.runs, RunsService)
    assert isinstance(ws.permissions, PermissionsService)
    # The delegations reach these very services: repairs made through either are one history.
    assert ws.jobs._runs is ws.runs and ws.jobs._permissions is ws.permissions
    assert ws.jobs.latest_repair_ids == ws.runs.latest_repair_ids
    assert repr(ws.runs) == f"RunsService({ws.host})"


def test_a_job_through_both_paths(ws: Workspace) -> None:
    job = ws.jobs.create({"name": unique("delegation")})
    assert isinstance(job.job_id, int)
    assert ws.jobs.get_permissions(job.job_id) == ws.permissions.get_permissions(job.job_id)
    run_id = ws.jobs.run_now(job.job_id)["run_id"]
    assert ws.jobs.get_run(run_id)["job_id"] == ws.runs.get_run(run_id)["job_id"] == job.job_id
    assert [r["run_id"] for r in ws.jobs.list_runs(job.job_id)] == [run_id]
    ws.jobs.delete(job.job_id)
