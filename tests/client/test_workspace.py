"""The connected handle: one service per resource of the Jobs API."""

from __future__ import annotations

from loom_jobs_widget.client import JobsService, PermissionsService, RunsService, Workspace

from .test_jobs import unique


def test_one_service_per_resource(ws: Workspace) -> None:
    assert isinstance(ws.jobs, JobsService)
    assert isinstance(ws.runs, RunsService)
    assert isinstance(ws.permissions, PermissionsService)
    assert repr(ws.runs) == f"RunsService({ws.host})"


def test_a_job_through_each_service(ws: Workspace) -> None:
    job = ws.jobs.create({"name": unique("services")})
    assert isinstance(job.job_id, int)
    run_id = ws.runs.run_now(job.job_id)["run_id"]
    assert ws.runs.get_run(run_id)["job_id"] == job.job_id
    assert [r["run_id"] for r in ws.runs.list_runs(job.job_id)] == [run_id]
    ws.jobs.delete(job.job_id)
