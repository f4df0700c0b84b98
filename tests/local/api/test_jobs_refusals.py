"""Settings a workspace refuses, refused as it refuses them: 400 INVALID_PARAMETER_VALUE with the
workspace's own message where it is public, on create, reset, update and runs/submit. The editor's
validator keeps its own messages (they name the task and the field for the form)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, ResourceDoesNotExist
from databricks.sdk.service import jobs

from loom_jobs_widget.core.validation import validate
from loom_jobs_widget.local import LocalWorkspace

from ..helpers import create_job

GIT_PROVIDER = (
    "git_source.git_provider must be one of: github,gitlab,bitbucketcloud,"
    "gitlabenterpriseedition,bitbucketserver,azuredevopsservices,githubenterprise,awscodecommit"
)
QUARTZ = (
    "Databricks uses Quartz cron syntax, which is different from the standard cron syntax. See "
    "http://www.quartz-scheduler.org/documentation/quartz-2.1.x/tutorials/crontrigger.html for "
    "more details."
)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def notebook(key: str, *after: str) -> dict[str, Any]:
    task: dict[str, Any] = {"task_key": key, "notebook_task": {"notebook_path": f"/Shared/{key}"}}
    if after:
        task["depends_on"] = [{"task_key": upstream} for upstream in after]
    return task


def post(w: WorkspaceClient, path: str, body: dict[str, Any]) -> Any:
    return w.api_client.do("POST", f"/api/2.2/jobs/{path}", body=body)


def writes(w: WorkspaceClient) -> list[Callable[[dict[str, Any]], Any]]:
    """Every way to write a job's settings: create, reset and update of one job, and submit."""
    job_id = create_job(w, {"name": unique("target"), "tasks": [notebook("t")]})
    return [
        lambda settings: create_job(w, settings),
        lambda settings: post(w, "reset", {"job_id": job_id, "new_settings": settings}),
        lambda settings: post(w, "update", {"job_id": job_id, "new_settings": settings}),
        lambda settings: post(w, "runs/submit", {"run_name": "refused", **settings}),
    ]


def refusal(write: Callable[[dict[str, Any]], Any], settings: dict[str, Any]) -> str:
    with pytest.raises(InvalidParameterValue) as caught:
        write(settings)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    return str(caught.value)


# --- the workspace's own checks ----------------------------------------------------------------


@pytest.mark.parametrize("git_source", [{"git_url": "https://github.com/x/y"}, {}])
def test_git_source_without_a_provider(w: WorkspaceClient, git_source: dict[str, Any]) -> None:
    settings = {"git_source": git_source, "tasks": [notebook("a")]}
    for write in writes(w):
        assert refusal(write, settings) == GIT_PROVIDER
    assert refusal(writes(w)[0], {"git_source": {**git_source, "git_provider": ""}}) == (
        GIT_PROVIDER
    )
    # Named, the provider is accepted (any spelling the API reads case-insensitively), with
    # the repository's URL (the SDK's GitSource requires git_url).
    git_url = {"git_url": "https://github.com/x/y"}
    create_job(w, {"git_source": {**git_source, **git_url, "git_provider": "gitHub"}, "tasks": []})


def test_a_job_name_over_4096_utf8_bytes(w: WorkspaceClient) -> None:
    fits = "é" * 2048  # 2,048 characters, 4,096 bytes
    too_long = "é" * 2049  # 2,049 characters, 4,098 bytes
    assert create_job(w, {"name": fits}) > 0
    assert create_job(w, {"name": "a" * 4096}) > 0
    expected = "name is 4098 bytes long in UTF-8; the limit is 4096 bytes."
    for write in writes(w)[:3]:
        assert refusal(write, {"name": too_long}) == expected
    message = refusal(writes(w)[0], {"name": "€" * 1366})  # 1,366 characters, 4,098 bytes
    assert message == expected
    with pytest.raises(InvalidParameterValue, match="the limit is 4096 bytes"):
        w.jobs.create(name="ü" * 3000)


def test_refusals_answer_400_invalid_parameter_value(lw: LocalWorkspace) -> None:
    answer = requests.post(
        lw.host + "/api/2.2/jobs/create",
        headers={"Authorization": f"Bearer {lw.token}"},
        json={"name": "x", "git_source": {"git_url": "https://github.com/x/y"}},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {"error_code": "INVALID_PARAMETER_VALUE", "message": GIT_PROVIDER}


# --- the validator's errors in the workspace's words ------------------------------------------


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        (
            [{"notebook_task": {"notebook_path": "/x"}}],
            "Missing required field: settings.tasks.task_key.",
        ),
        (
            [{"task_key": "", "notebook_task": {"notebook_path": "/x"}}],
            "Missing required field: settings.tasks.task_key.",
        ),
        (
            [
                {
                    "task_key": "loop",
                    "for_each_task": {
                        "inputs": "[1]",
                        "task": {"notebook_task": {"notebook_path": "/x"}},
                    },
                }
            ],
            "Missing required field: settings.tasks.for_each_task.task.task_key.",
        ),
        (
            [notebook("a", "a")],
            "Invalid dependency graph, task 'a' can not reference itself.",
        ),
        (
            [{**notebook("a"), "task_key": "load data"}],
            "Task key 'load data' contains an invalid character. Only alphanumeric, - and _ "
            "characters are permitted.",
        ),
        (
            [{**notebook("a"), "depends_on": [{}]}],
            "Missing required field: settings.tasks.depends_on.task_key",
        ),
        (
            [{"task_key": "a", "job_cluster_key": "c"}],
            "No task defined for a",
        ),
        (
            [notebook("a", "b"), notebook("b", "a")],
            "Invalid dependency graph, dependency cycle: a → b → a. Each of these tasks waits "
            "for the one before it, so none of them can run.",
        ),
    ],
)
def test_task_faults_in_the_workspace_words(
    w: WorkspaceClient, tasks: list[dict[str, Any]], message: str
) -> None:
    settings: dict[str, Any] = {"tasks": tasks}
    if any(task.get("job_cluster_key") for task in tasks):
        settings["job_clusters"] = [{"job_cluster_key": "c", "new_cluster": {"num_workers": 1}}]
    for write in writes(w):
        assert refusal(write, settings) == message


def test_an_invalid_quartz_cron_expression(w: WorkspaceClient) -> None:
    expression = "0 30 2,7,11,15 * * *"  # standard cron habits: no '?'
    schedule = {"quartz_cron_expression": expression, "timezone_id": "UTC"}
    expected = f"Invalid quartz_cron_expression: {expression}. {QUARTZ}"
    for write in writes(w)[:3]:
        assert refusal(write, {"schedule": schedule}) == expected
    trigger = {"triggers": [{"schedule": schedule}]}
    assert refusal(writes(w)[0], trigger) == expected
    with pytest.raises(InvalidParameterValue, match="Invalid quartz_cron_expression"):
        w.jobs.create(
            name=unique("cron"),
            schedule=jobs.CronSchedule(quartz_cron_expression=expression, timezone_id="UTC"),
        )


def test_the_editor_keeps_its_own_messages(w: WorkspaceClient) -> None:
    settings = {"name": unique("self"), "tasks": [notebook("a", "a")]}
    (problem,) = validate(settings)
    assert problem.message == "Task 'a' depends on itself."
    assert problem.field == "tasks[a].depends_on[0].task_key"
    assert refusal(writes(w)[0], settings) == (
        "Invalid dependency graph, task 'a' can not reference itself."
    )


# --- missing jobs ----------------------------------------------------------------------------


def test_a_missing_job(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    answer = requests.get(
        lw.host + "/api/2.2/jobs/get",
        params={"job_id": "987654320"},
        headers={"Authorization": f"Bearer {lw.token}"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error_code": "INVALID_PARAMETER_VALUE",
        "message": "Job 987654320 does not exist.",
    }
    with pytest.raises(ResourceDoesNotExist, match=r"^Job 987654320 does not exist\.$"):
        w.jobs.get(987654320)
    with pytest.raises(InvalidParameterValue, match=r"^Job 0 does not exist\.$"):
        w.jobs.run_now(0)
