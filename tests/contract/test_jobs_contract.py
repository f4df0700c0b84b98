"""Jobs as a real workspace answers them and as the local workspace does, read by the same
client code: the server-side defaults jobs/get returns after jobs/create, an edit of one field
that stays the only change despite them, and a missing job.

Each test runs twice: over the answer recorded from a real workspace (`recorded`), and over the
local workspace's answer to the same request (`local`).
"""

from __future__ import annotations

from typing import Any

import pytest

from loom_jobs_widget.client import NotFoundError, Workspace
from loom_jobs_widget.core.changes import diff
from loom_jobs_widget.core.models import Job

from .conftest import create_job, local
from .recordings import load

SOURCES = ["recorded", "local"]

# What the real workspace added to the job it was sent (tests/data/real/jobs_get_defaults.json).
SERVER_DEFAULTS = {
    "email_notifications": {},
    "webhook_notifications": {},
    "timeout_seconds": 0,
    "format": "MULTI_TASK",
}


def read_back(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> tuple[Workspace, Job, dict[str, Any]]:
    """The job of the recording as the client loads it (after creating it locally, with the
    recorded request), and the settings that were sent."""
    recording = load("jobs_get_defaults")
    sent = dict(recording.request["body"])
    if source == "recorded":
        workspace = replay(("jobs/get", recording))
        job_id = int(recording.response["job_id"])
    else:
        workspace, _ = local(request)
        job_id = create_job(workspace, sent)
    return workspace, workspace.jobs.get(job_id), sent


@pytest.mark.parametrize("source", SOURCES)
def test_jobs_get_returns_the_server_defaults(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    _, job, sent = read_back(source, replay, request)
    assert job.settings is not None
    settings = job.settings.to_api()
    assert {name: settings.get(name) for name in SERVER_DEFAULTS} == SERVER_DEFAULTS
    for name, value in sent.items():
        assert settings[name] == value, name
    assert isinstance(job.creator_user_name, str) and job.creator_user_name
    assert job.run_as_user_name == job.creator_user_name
    assert isinstance(job.created_time, int) and job.created_time > 0
    # The workspace added its defaults and nothing else ...
    assert set(settings) == set(sent) | set(SERVER_DEFAULTS)
    # ... and the editor does not take them for changes: what was sent is what came back.
    assert diff(sent, job.settings) == []


@pytest.mark.parametrize("source", SOURCES)
def test_one_edit_after_the_read_back_is_the_only_change(
    source: str, replay: Any, request: pytest.FixtureRequest
) -> None:
    workspace, job, _ = read_back(source, replay, request)
    assert job.settings is not None
    loaded = job.settings.to_api()
    job.settings.max_concurrent_runs = 5
    changes = workspace.jobs.changes(job)
    assert [(c.kind, c.path, c.before, c.after) for c in changes] == [
        ("changed", "max_concurrent_runs", 1, 5)
    ]
    assert str(changes[0]) == "max_concurrent_runs changed from 1 to 5"
    assert diff(loaded, job.settings) == changes


def test_a_missing_job_is_named_as_the_real_workspace_names_it(ws: Workspace) -> None:
    # Recorded: jobs/get of job 1234 answered "Job 1234 does not exist." (message only).
    recorded = load("error_jobs_get_not_found")
    missing = 987_654_321_012
    expected = recorded.response["message"].replace("1234", str(missing))
    with pytest.raises(NotFoundError) as caught:
        ws.jobs.get(missing)
    assert str(caught.value) == f"Could not load job {missing}: {expected}"
    assert caught.value.job_id == missing
