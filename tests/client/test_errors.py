"""Every kind of workspace error, each one sentence for the user: the validator's and the
server's refusals, a missing job, bad credentials, 403, 429 and 503 after retries, and a network
that fails mid-session; a failed save never changes the Job it was given."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loom_jobs_widget.client import (
    AuthError,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    InvalidSettingsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UnreachableError,
    Workspace,
    WorkspaceError,
    connect,
)
from loom_jobs_widget.core.models import Job, JobSettings

from ..conftest import Stub
from .test_jobs import raw_settings, snapshot, three_tasks, unique


def test_validation_refusal_carries_problems_and_keeps_edits(ws: Workspace) -> None:
    job = ws.jobs.create(three_tasks(unique()))
    assert isinstance(job.job_id, int) and job.settings is not None
    stored = raw_settings(ws, job.job_id)
    publish = job.settings.task("publish")
    assert publish is not None
    publish.depends_on = [{"task_key": "nowhere"}]
    before = snapshot(job)
    with pytest.raises(InvalidSettingsError) as caught:
        ws.jobs.save(job)
    error = caught.value
    assert error.problems and all(p.severity == "error" for p in error.problems)
    assert (error.job_id, error.task_key) == (job.job_id, "publish")
    assert error.field is not None and error.field.startswith("tasks[publish].depends_on")
    assert str(error).startswith(f"Could not save job {job.job_id} (")
    assert "\n" not in str(error)
    assert snapshot(job) == before and raw_settings(ws, job.job_id) == stored


def test_server_refusal_names_task_and_field(ws: Workspace) -> None:
    job = ws.jobs.create(three_tasks(unique()))
    assert isinstance(job.job_id, int) and job.settings is not None
    task = job.settings.task("transform")
    assert task is not None
    task.libraries = {"pypi": {"package": "x"}}  # kept by the model; the API's parser refuses it
    before = snapshot(job)
    with pytest.raises(InvalidSettingsError) as caught:
        ws.jobs.save(job)
    error = caught.value
    assert error.error_code == "MALFORMED_REQUEST"
    assert error.task_key == "transform" and error.field == "tasks[1].libraries"
    assert "libraries" in str(error) and snapshot(job) == before


def test_not_found(ws: Workspace) -> None:
    with pytest.raises(NotFoundError) as caught:
        ws.jobs.get(987654321)
    assert str(caught.value) == "Could not load job 987654321: Job 987654321 does not exist."
    assert caught.value.job_id == 987654321

    job = ws.jobs.create(three_tasks(unique()))
    assert isinstance(job.job_id, int) and job.settings is not None
    ws.jobs.delete(job.job_id)
    job.settings.name = "edited after a delete"
    before = snapshot(job)
    with pytest.raises(NotFoundError):
        ws.jobs.save(job)
    assert snapshot(job) == before
    with pytest.raises(NotFoundError):
        ws.runs.get_run(987654321)


def test_invalid_request(ws: Workspace) -> None:
    job = ws.jobs.create(three_tasks(unique()))
    assert isinstance(job.job_id, int)
    with pytest.raises(InvalidRequestError) as caught:
        ws.permissions.set_permissions(
            job.job_id, [{"user_name": "a@b.c", "permission_level": "FLY"}]
        )
    error = caught.value
    assert not isinstance(error, InvalidSettingsError)
    assert error.error_code == "INVALID_PARAMETER_VALUE" and error.job_id == job.job_id
    assert str(error).startswith(f"Could not set the permissions of job {job.job_id}: ")


def test_wrong_token(ws: Workspace) -> None:
    wrong = "dapi" + "0" * 32
    with pytest.raises(AuthError) as caught:
        connect(host=ws.host, token=wrong)
    message = str(caught.value)
    assert "refused the credentials" in message and wrong not in message
    assert "Config:" not in message and "\n" not in message


def test_permission_denied_and_edits_kept(stub: Stub) -> None:
    stub.answers["/api/2.2/jobs/get"] = (
        200,
        {"job_id": 5, "settings": {"name": "five", "tags": {"a": "b"}}},
        {},
    )
    stub.answers["/api/2.2/jobs/update"] = (
        403,
        {"error_code": "PERMISSION_DENIED", "message": "User x cannot manage job 5."},
        {},
    )
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=2)
    job = remote.jobs.get(5)
    assert job.settings is not None
    job.settings.name = "six"
    before = snapshot(job)
    with pytest.raises(PermissionDeniedError) as caught:
        remote.jobs.save(job)
    assert str(caught.value) == (
        'Could not save job 5 ("six"): permission denied (User x cannot manage job 5.).'
    )
    assert caught.value.job_id == 5 and snapshot(job) == before
    # Only the changed field was sent; the untouched tags were not.
    (update,) = [body for _, path, _, body in stub.requests if path == "/api/2.2/jobs/update"]
    assert update == {"job_id": 5, "new_settings": {"name": "six"}}
    api_calls = [
        (path, headers) for _, path, headers, _ in stub.requests if path.startswith("/api")
    ]
    assert {headers.get("Authorization") for _, headers in api_calls} == {"Bearer dapi-stub"}


def test_429_after_retries(stub: Stub, elapsed: Callable[[], float]) -> None:
    stub.answers["/api/2.2/jobs/get"] = (
        429,
        {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests."},
        {"Retry-After": "1"},
    )
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=2)
    started = elapsed()
    with pytest.raises(RateLimitedError) as caught:
        remote.jobs.get(5)
    took = elapsed() - started
    assert 1 <= took < 6  # retried, then gave up within the budget
    gets = [r for r in stub.requests if r[1] == "/api/2.2/jobs/get"]
    assert len(gets) >= 2
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert str(caught.value).startswith("Could not load job 5: the workspace at http://127.0.0.1")
    assert "429" in str(caught.value) and caught.value.error_code == "REQUEST_LIMIT_EXCEEDED"


def test_503_after_retries(stub: Stub) -> None:
    stub.answers["/api/2.2/jobs/list"] = (503, {"message": "down for maintenance"}, {})
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=1)
    with pytest.raises(RateLimitedError, match="503"):
        list(remote.jobs.list())


def test_network_failure_mid_session(stub: Stub, elapsed: Callable[[], float]) -> None:
    stub.answers["/api/2.2/jobs/get"] = (200, {"job_id": 5, "settings": {"name": "five"}}, {})
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=1)
    job = remote.jobs.get(5)
    assert job.settings is not None
    stub.stop()  # the host now refuses connections
    job.settings.name = "edited offline"
    before = snapshot(job)
    started = elapsed()
    with pytest.raises(UnreachableError) as caught:
        remote.jobs.save(job)
    assert elapsed() - started < 5
    assert str(caught.value) == (
        f'Could not save job 5 ("edited offline"): the workspace at {stub.url} cannot be '
        "reached (connection refused)."
    )
    assert snapshot(job) == before


def test_failed_read_back_after_create_never_creates_twice(stub: Stub) -> None:
    settings = {"name": "once"}
    stub.answers["/api/2.2/jobs/create"] = (200, {"job_id": 9}, {})
    stub.answers["/api/2.2/jobs/get"] = (503, {"message": "busy"}, {})
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=1)
    job = Job(settings=JobSettings.from_api(settings))
    with pytest.raises(RateLimitedError):
        remote.jobs.save(job)  # created, but reading it back failed
    assert job.job_id == 9
    stub.answers["/api/2.2/jobs/get"] = (200, {"job_id": 9, "settings": settings}, {})
    saved = remote.jobs.save(job)  # nothing left to write
    assert saved.job_id == 9
    writes = [path for method, path, _, _ in stub.requests if method == "POST"]
    assert writes == ["/api/2.2/jobs/create"]


def test_errors_are_one_family() -> None:
    for kind in (
        AuthError,
        ConfigurationError,
        ConflictError,
        InvalidRequestError,
        InvalidSettingsError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitedError,
        UnreachableError,
    ):
        assert issubclass(kind, WorkspaceError)
