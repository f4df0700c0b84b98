"""What jobs/get, jobs/list and a run's snapshot of the settings return: the settings as written,
with the defaults a workspace fills in, `apply_policy_default_values` dropped and `depends_on`
sorted by task_key. Raw JSON through the SDK's ApiClient (its dataclasses drop empty objects) and
the SDK's own objects."""

from __future__ import annotations

import json
import uuid
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs

from loom_jobs_widget.core.server_defaults import reads_back_as, with_server_defaults
from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.store import JobChange

from ..helpers import create_job, run_now, run_output, wait_run


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def raw_get(w: WorkspaceClient, job_id: int, version: str = "2.2") -> dict[str, Any]:
    result: dict[str, Any] = w.api_client.do(
        "GET", f"/api/{version}/jobs/get", query={"job_id": job_id}
    )
    return result


def notebook(key: str, *after: str, **fields: Any) -> dict[str, Any]:
    task: dict[str, Any] = {"task_key": key, "notebook_task": {"notebook_path": f"/Shared/{key}"}}
    if after:
        task["depends_on"] = [{"task_key": upstream} for upstream in after]
    return {**task, **fields}


def written_job() -> dict[str, Any]:
    cluster = {"spark_version": "15.4.x-scala2.12", "num_workers": 1}
    return {
        "name": unique("defaults"),
        "job_clusters": [
            {
                "job_cluster_key": "shared",
                "new_cluster": {**cluster, "apply_policy_default_values": True},
            }
        ],
        "tasks": [
            notebook("c"),
            notebook("a"),
            notebook("b", "c", "a", run_if="ALL_DONE", timeout_seconds=30),
            notebook("n", new_cluster={**cluster, "apply_policy_default_values": True}),
            {
                "task_key": "loop",
                "for_each_task": {
                    "inputs": "[1, 2]",
                    "task": notebook(
                        "loop_item", new_cluster={**cluster, "apply_policy_default_values": False}
                    ),
                },
            },
        ],
    }


def test_jobs_get_returns_what_a_workspace_returns(w: WorkspaceClient) -> None:
    written = written_job()
    job_id = create_job(w, written)
    settings = raw_get(w, job_id)["settings"]

    for name, default in [
        ("email_notifications", {}),
        ("webhook_notifications", {}),
        ("timeout_seconds", 0),
        ("format", "MULTI_TASK"),
    ]:
        assert settings[name] == default, name
    tasks = {task["task_key"]: task for task in settings["tasks"]}
    for key in ("a", "c", "n", "loop"):
        assert tasks[key]["run_if"] == "ALL_SUCCESS", key
        assert tasks[key]["timeout_seconds"] == 0, key
        assert tasks[key]["email_notifications"] == {}, key
    # What the user set is not replaced by a default.
    assert (tasks["b"]["run_if"], tasks["b"]["timeout_seconds"]) == ("ALL_DONE", 30)
    assert tasks["a"]["notebook_task"]["source"] == "WORKSPACE"
    # depends_on comes back sorted by task_key, not in the order written (c, a).
    assert tasks["b"]["depends_on"] == [{"task_key": "a"}, {"task_key": "c"}]
    # A task's own cluster gains two defaults; apply_policy_default_values is never returned.
    assert tasks["n"]["new_cluster"]["data_security_mode"] == "SINGLE_USER"
    assert tasks["n"]["new_cluster"]["enable_elastic_disk"] is False
    assert "apply_policy_default_values" not in tasks["n"]["new_cluster"]
    assert "apply_policy_default_values" not in settings["job_clusters"][0]["new_cluster"]
    nested = tasks["loop"]["for_each_task"]["task"]
    assert "apply_policy_default_values" not in nested["new_cluster"]
    # The whole document: exactly the written settings with the server's changes.
    assert settings == with_server_defaults(written)
    assert reads_back_as(written, settings)
    assert raw_get(w, job_id, "2.1")["settings"] == settings

    job = w.jobs.get(job_id)
    assert job.settings is not None
    assert job.settings.timeout_seconds == 0
    assert job.settings.format == jobs.Format.MULTI_TASK
    by_key = {task.task_key: task for task in job.settings.tasks or []}
    assert by_key["a"].run_if == jobs.RunIf.ALL_SUCCESS
    assert by_key["a"].notebook_task is not None
    assert by_key["a"].notebook_task.source == jobs.Source.WORKSPACE
    assert [d.task_key for d in by_key["b"].depends_on or []] == ["a", "c"]


def test_a_notebook_in_a_job_with_git_source_is_read_from_git(w: WorkspaceClient) -> None:
    git = {"git_url": "https://github.com/example/repo", "git_provider": "gitHub"}
    job_id = create_job(w, {"name": unique("git"), "git_source": git, "tasks": [notebook("a")]})
    settings = raw_get(w, job_id)["settings"]
    assert settings["tasks"][0]["notebook_task"]["source"] == "GIT"
    assert settings["git_source"] == git


def test_reset_and_update_store_the_server_defaults(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": unique("before")})
    reset = {"name": unique("reset"), "tasks": [notebook("z"), notebook("y", "z")]}
    w.api_client.do("POST", "/api/2.2/jobs/reset", body={"job_id": job_id, "new_settings": reset})
    assert raw_get(w, job_id)["settings"] == with_server_defaults(reset)

    # An update's new task gets the defaults; its depends_on is sorted once merged.
    added = notebook("x", "z", "y")
    w.api_client.do(
        "POST",
        "/api/2.2/jobs/update",
        body={"job_id": job_id, "new_settings": {"tasks": [added]}},
    )
    settings = raw_get(w, job_id)["settings"]
    assert settings == with_server_defaults({**reset, "tasks": [*reset["tasks"], added]})
    assert settings["tasks"][2]["depends_on"] == [{"task_key": "y"}, {"task_key": "z"}]
    # Removing a defaulted field gives its default back, as a workspace does.
    w.jobs.update(job_id, fields_to_remove=["email_notifications"])
    assert raw_get(w, job_id)["settings"]["email_notifications"] == {}


def test_jobs_list_shows_the_server_defaults(w: WorkspaceClient) -> None:
    written = written_job()
    job_id = create_job(w, written)
    stored = with_server_defaults(written)

    def listed(version: str, **query: Any) -> dict[str, Any]:
        answer = w.api_client.do(
            "GET", f"/api/{version}/jobs/list", query={"name": written["name"], **query}
        )
        (entry,) = answer["jobs"]
        assert entry["job_id"] == job_id
        settings: dict[str, Any] = entry["settings"]
        return settings

    summary = {k: v for k, v in stored.items() if k not in ("tasks", "job_clusters")}
    assert listed("2.2") == summary
    assert listed("2.2", expand_tasks="true") == stored
    assert listed("2.1", expand_tasks="true") == stored
    (job,) = list(w.jobs.list(name=written["name"], expand_tasks=True))
    assert job.settings is not None and job.settings.timeout_seconds == 0
    by_key = {task.task_key: task for task in job.settings.tasks or []}
    assert [d.task_key for d in by_key["b"].depends_on or []] == ["a", "c"]


def test_jobs_stored_before_read_back_with_the_defaults(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    """A job an older version stored without the defaults (an old database) reads back as a
    workspace returns it, and runs with it."""
    condition = {"op": "EQUAL_TO", "left": "1", "right": "1"}
    old = {
        "name": unique("old"),
        "tasks": [
            {"task_key": "b", "condition_task": condition, "depends_on": [{"task_key": "a"}]},
            {"task_key": "a", "condition_task": condition},
        ],
    }
    job_id = create_job(w, {"name": old["name"]})
    summary = {"name": old["name"]}
    lw.store.change_job(
        job_id,
        lambda _: JobChange(
            settings=json.dumps(old), summary=json.dumps(summary), name_key=old["name"].casefold()
        ),
    )

    assert raw_get(w, job_id)["settings"] == with_server_defaults(old)
    answer = w.api_client.do(
        "GET", "/api/2.2/jobs/list", query={"name": old["name"], "expand_tasks": "true"}
    )
    assert answer["jobs"][0]["settings"] == with_server_defaults(old)
    plain = w.api_client.do("GET", "/api/2.2/jobs/list", query={"name": old["name"]})
    assert plain["jobs"][0]["settings"] == with_server_defaults(summary)

    # run-now runs the job as read: its tasks show the defaults too.
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "SUCCESS"
    tasks = {task["task_key"]: task for task in run["tasks"]}
    assert tasks["a"]["timeout_seconds"] == 0 and tasks["a"]["email_notifications"] == {}
    assert tasks["b"]["run_if"] == "ALL_SUCCESS"

    # A repair reruns the job's current settings as read, defaults included.
    w.jobs.repair_run(run["run_id"], rerun_tasks=["a"], rerun_dependent_tasks=True)
    repaired = wait_run(w, run["run_id"])
    assert repaired["state"]["result_state"] == "SUCCESS"
    reruns = repaired["tasks"][2:]
    assert [task["task_key"] for task in reruns] == ["a", "b"]
    for task in reruns:
        assert task["timeout_seconds"] == 0 and task["email_notifications"] == {}, task

    # So does a Run Job task of another job that runs it.
    caller = create_job(
        w,
        {
            "name": unique("caller"),
            "tasks": [{"task_key": "call", "run_job_task": {"job_id": job_id}}],
        },
    )
    called = wait_run(w, run_now(w, caller))
    assert called["state"]["result_state"] == "SUCCESS"
    (call,) = called["tasks"]
    child_id = run_output(w, call["run_id"])["run_job_output"]["run_id"]
    child = wait_run(w, child_id)
    assert child["job_id"] == job_id and child["trigger"] == "RUN_JOB_TASK"
    for task in child["tasks"]:
        assert task["timeout_seconds"] == 0 and task["email_notifications"] == {}, task
