"""The client services tell `EVENTS` what they wrote, once the workspace acknowledged it: job
creates, saves and deletes, runs started, cancelled and repaired, each with the host and the
`source` the caller named. Against the local workspace through the real SDK."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from loom_jobs_widget.client import InvalidSettingsError, RunHandle, Workspace, WorkspaceError
from loom_jobs_widget.client.events import EVENTS, JobEvent

CHECK = {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}


@pytest.fixture
def told() -> Iterator[list[JobEvent]]:
    events: list[JobEvent] = []
    unsubscribe = EVENTS.subscribe(events.append)
    yield events
    unsubscribe()


def name() -> str:
    return f"events {uuid.uuid4().hex[:8]}"


def test_create_save_delete_are_told_with_the_settings_read_back(
    ws: Workspace, told: list[JobEvent]
) -> None:
    me = object()
    job = ws.jobs.create({"name": name(), "tasks": [CHECK]}, source=me)
    job_id = job.job_id
    assert isinstance(job_id, int)
    (created,) = told
    assert (created.kind, created.host, created.job_id, created.source) == (
        "created",
        ws.host,
        job_id,
        me,
    )
    assert created.settings is not None and created.settings["name"] == job.settings.name  # type: ignore[union-attr]
    # The workspace's own defaults are in what was read back.
    assert created.settings["format"] == "MULTI_TASK"

    told.clear()
    job.settings.name = "renamed " + name()  # type: ignore[union-attr]
    ws.jobs.save(job)
    (saved,) = told
    assert (saved.kind, saved.job_id, saved.source) == ("saved", job_id, None)
    assert saved.settings is not None and saved.settings["name"].startswith("renamed ")

    told.clear()
    ws.jobs.delete(job_id, source=me)
    assert [(e.kind, e.job_id, e.source) for e in told] == [("deleted", job_id, me)]


def test_a_refused_write_is_told_to_no_one(ws: Workspace, told: list[JobEvent]) -> None:
    with pytest.raises(InvalidSettingsError):
        ws.jobs.create({"name": name(), "tasks": [{"task_key": ""}]})
    with pytest.raises(WorkspaceError):
        ws.jobs.delete(987_654_321)
    with pytest.raises(WorkspaceError):
        ws.runs.run_now(987_654_321)
    assert told == []


def test_runs_started_cancelled_and_repaired_are_told(ws: Workspace, told: list[JobEvent]) -> None:
    job = ws.jobs.create({"name": name(), "tasks": [CHECK]})
    job_id = job.job_id
    assert isinstance(job_id, int)
    told.clear()
    me = object()
    run_id = int(ws.runs.run_now(job_id, source=me)["run_id"])
    (started,) = told
    assert (started.kind, started.host, started.job_id, started.run_id, started.source) == (
        "run_started",
        ws.host,
        job_id,
        run_id,
        me,
    )
    RunHandle(ws.runs, run_id).wait(timeout=60)

    told.clear()
    ws.runs.cancel_run(run_id)  # an ended run: the workspace acknowledges and changes nothing
    ws.runs.cancel_all_runs(job_id, source=me)
    ws.runs.repair_run(run_id, rerun_tasks=["check"])
    ws.runs.cancel_all_runs(all_queued_runs=True)  # of no one job: any job may have changed
    assert [(e.kind, e.job_id, e.run_id) for e in told] == [
        ("run_changed", job_id, run_id),
        ("run_changed", job_id, None),
        ("run_changed", job_id, run_id),
        ("run_changed", None, None),
    ]
    assert told[1].source is me

    # A service that never started the run reads its job.
    told.clear()
    fresh = type(ws.runs)(ws.client)
    fresh.cancel_run(run_id)
    assert [(e.kind, e.job_id, e.run_id) for e in told] == [("run_changed", job_id, run_id)]
    ws.jobs.delete(job_id)
