"""Jobs endpoints through the SDK and raw calls: lossless settings (plus the server's defaults),
paging, update, errors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, InvalidParameterValue, ResourceDoesNotExist
from databricks.sdk.service import jobs

from loom_jobs_widget.core.server_defaults import with_server_defaults
from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client, create_job


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def notebook_task(key: str, *after: str) -> dict[str, Any]:
    task: dict[str, Any] = {"task_key": key, "notebook_task": {"notebook_path": f"/Shared/{key}"}}
    if after:
        task["depends_on"] = [{"task_key": upstream} for upstream in after]
    return task


def raw_get(w: WorkspaceClient, job_id: int, **query: Any) -> dict[str, Any]:
    result: dict[str, Any] = w.api_client.do(
        "GET", "/api/2.2/jobs/get", query={"job_id": job_id, **query}
    )
    return result


# --- create / get ------------------------------------------------------------------------------


def test_settings_come_back_as_written_plus_the_server_defaults(w: WorkspaceClient) -> None:
    settings: dict[str, Any] = {
        "name": unique("lossless"),
        "description": None,
        "tags": {},
        "unknown_future_setting": {"deep": [1, {"x": None}]},
        "performance_target": "COST_OPTIMIZED",
        "email_notifications": {"on_failure": []},
        "tasks": [
            {
                "task_key": "a",
                "notebook_task": {"notebook_path": "/Shared/a", "base_parameters": {}},
                "future_task_field": True,
                "depends_on": [],
                "libraries": [],
            },
            {"task_key": "b", "brand_new_task": {"anything": 1}, "depends_on": [{"task_key": "a"}]},
        ],
    }
    job_id = create_job(w, settings)
    read = raw_get(w, job_id)["settings"]
    assert read == with_server_defaults(settings)
    assert list(read)[: len(settings)] == list(settings)  # key order too
    # Nothing the user wrote is lost to the defaults: nulls, empty objects and lists, unknown
    # fields and task types all come back as they were.
    assert read["description"] is None and read["tags"] == {}
    assert read["email_notifications"] == {"on_failure": []}
    assert read["unknown_future_setting"] == {"deep": [1, {"x": None}]}
    assert read["tasks"][0]["depends_on"] == [] and read["tasks"][0]["libraries"] == []
    assert read["tasks"][0]["notebook_task"]["base_parameters"] == {}
    assert read["tasks"][1]["brand_new_task"] == {"anything": 1}


def test_get_through_the_sdk(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    name = unique("sdk")
    created = w.jobs.create(
        name=name,
        tasks=[jobs.Task(task_key="a", notebook_task=jobs.NotebookTask(notebook_path="/Shared/a"))],
        max_concurrent_runs=3,
    )
    assert created.job_id is not None
    job = w.jobs.get(created.job_id)
    assert job.job_id == created.job_id
    assert job.settings is not None and job.settings.name == name
    assert job.settings.max_concurrent_runs == 3
    assert job.creator_user_name == lw.user_name
    assert job.run_as_user_name == lw.user_name
    assert job.created_time and job.created_time > 1_600_000_000_000


def test_unknown_job_is_resource_does_not_exist(w: WorkspaceClient) -> None:
    with pytest.raises(ResourceDoesNotExist) as caught:
        w.jobs.get(987654321)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    assert str(caught.value) == "Job 987654321 does not exist."
    for call in (
        lambda: w.jobs.delete(987654321),
        lambda: w.jobs.reset(987654321, new_settings=jobs.JobSettings(name="x")),
        lambda: w.jobs.update(987654321, new_settings=jobs.JobSettings(name="x")),
        lambda: w.jobs.run_now(987654321),
    ):
        with pytest.raises(InvalidParameterValue, match=r"Job 987654321 does not exist\."):
            call()


def test_settings_the_validator_refuses_in_the_workspace_words(w: WorkspaceClient) -> None:
    settings = {"name": unique("bad"), "tasks": [notebook_task("a", "ghost")]}
    with pytest.raises(InvalidParameterValue) as caught:
        create_job(w, settings)
    assert str(caught.value) == (
        "Invalid dependency graph, task 'a' depends on 'ghost', which is not a task of this job."
    )
    # An error whose workspace wording is not public keeps the validator's, naming the field.
    cron = {"quartz_cron_expression": "0 0 12 * * ?", "timezone_id": "Not/AZone"}
    with pytest.raises(InvalidParameterValue) as caught:
        create_job(w, {"name": unique("zone"), "schedule": cron})
    assert "Not/AZone" in str(caught.value)
    assert str(caught.value).endswith("(field: schedule.timezone_id)")
    # Warnings do not refuse: an unknown task type is kept.
    create_job(w, {"name": "ok", "tasks": [{"task_key": "n", "new_kind_task": {}}]})


def test_a_250_task_job_through_the_sdk_and_raw_pages(w: WorkspaceClient) -> None:
    tasks = [notebook_task(f"t{i:03d}", *([f"t{i - 1:03d}"] if i else [])) for i in range(250)]
    parameters = [{"name": f"p{i}", "default": str(i)} for i in range(120)]
    clusters = [{"job_cluster_key": "c", "new_cluster": {"num_workers": 1}}]
    job_id = create_job(
        w,
        {"name": unique("big"), "tasks": tasks, "parameters": parameters, "job_clusters": clusters},
    )
    job = w.jobs.get(job_id)
    assert job.settings is not None
    assert [t.task_key for t in job.settings.tasks or []] == [t["task_key"] for t in tasks]
    assert len(job.settings.parameters or []) == 120
    assert len(job.settings.job_clusters or []) == 1

    pages = [raw_get(w, job_id)]
    while "next_page_token" in pages[-1]:
        pages.append(raw_get(w, job_id, page_token=pages[-1]["next_page_token"]))
    assert [len(p["settings"]["tasks"]) for p in pages] == [100, 100, 50]
    assert [len(p["settings"]["parameters"]) for p in pages] == [100, 20, 0]
    assert [len(p["settings"]["job_clusters"]) for p in pages] == [1, 0, 0]
    assert "environments" not in pages[0]["settings"]  # arrays the job lacks stay absent
    # API 2.1 has no paging: everything at once.
    old = w.api_client.do("GET", "/api/2.1/jobs/get", query={"job_id": job_id})
    assert len(old["settings"]["tasks"]) == 250 and "next_page_token" not in old
    with pytest.raises(BadRequest, match="Invalid page token"):
        raw_get(w, job_id, page_token="garbage")


def test_the_pages_of_a_read_after_a_write_are_of_the_new_version(w: WorkspaceClient) -> None:
    # The server keeps a job's parsed settings between the pages of its reads: a write
    # between two reads (and between two pages) must show in every page after it.
    tasks = [notebook_task(f"t{i:03d}") for i in range(150)]
    job_id = create_job(w, {"name": unique("paged"), "tasks": tasks})
    first = raw_get(w, job_id)
    tasks[120]["notebook_task"]["notebook_path"] = "/Shared/changed"
    w.api_client.do(
        "POST",
        "/api/2.2/jobs/reset",
        body={"job_id": job_id, "new_settings": {"name": "renamed", "tasks": tasks}},
    )
    second = raw_get(w, job_id, page_token=first["next_page_token"])
    assert second["settings"]["name"] == "renamed"
    assert second["settings"]["tasks"][20]["notebook_task"]["notebook_path"] == "/Shared/changed"
    read = w.jobs.get(job_id)
    assert read.settings is not None and read.settings.tasks is not None
    assert read.settings.tasks[120].notebook_task is not None
    assert read.settings.tasks[120].notebook_task.notebook_path == "/Shared/changed"


# --- list ------------------------------------------------------------------------------------


def test_list_pages_over_250_jobs(make_workspace: Callable[..., LocalWorkspace]) -> None:
    w = client(make_workspace())
    ids = [create_job(w, {"name": f"job {i}"}) for i in range(250)]
    assert [job.job_id for job in w.jobs.list()] == ids  # 20 per page, followed by the SDK
    assert [job.job_id for job in w.jobs.list(limit=100)] == ids

    first = w.api_client.do("GET", "/api/2.2/jobs/list", query={"limit": 100})
    assert len(first["jobs"]) == 100 and first["has_more"] is True
    assert "prev_page_token" not in first
    second = w.api_client.do(
        "GET", "/api/2.2/jobs/list", query={"limit": 100, "page_token": first["next_page_token"]}
    )
    assert [j["job_id"] for j in second["jobs"]] == ids[100:200]
    back = w.api_client.do(
        "GET", "/api/2.2/jobs/list", query={"limit": 100, "page_token": second["prev_page_token"]}
    )
    assert [j["job_id"] for j in back["jobs"]] == ids[:100]
    third = w.api_client.do(
        "GET", "/api/2.2/jobs/list", query={"limit": 100, "page_token": second["next_page_token"]}
    )
    assert len(third["jobs"]) == 50 and third["has_more"] is False
    assert "next_page_token" not in third


@pytest.mark.parametrize(("limit", "message"), [(0, "at least 1"), (101, "no more than 100")])
def test_list_limit_out_of_range(w: WorkspaceClient, limit: int, message: str) -> None:
    with pytest.raises(
        InvalidParameterValue, match=f"Invalid limit {limit} - it has to be {message}"
    ):
        w.api_client.do("GET", "/api/2.2/jobs/list", query={"limit": limit})


def test_list_name_filter_is_exact_and_case_insensitive(w: WorkspaceClient) -> None:
    name = unique("Nightly ETL")
    wanted = create_job(w, {"name": name})
    create_job(w, {"name": name + " copy"})
    assert [job.job_id for job in w.jobs.list(name=name.upper())] == [wanted]
    assert list(w.jobs.list(name=unique("nobody"))) == []


def test_list_expand_tasks(w: WorkspaceClient) -> None:
    name = unique("expand")
    tasks = [notebook_task(f"t{i}") for i in range(150)]
    job_id = create_job(
        w, {"name": name, "tasks": tasks, "job_clusters": [{"job_cluster_key": "c"}]}
    )
    plain = w.api_client.do("GET", "/api/2.2/jobs/list", query={"name": name})["jobs"][0]
    assert "tasks" not in plain["settings"] and "job_clusters" not in plain["settings"]
    expanded = w.api_client.do(
        "GET", "/api/2.2/jobs/list", query={"name": name, "expand_tasks": "true"}
    )["jobs"][0]
    assert len(expanded["settings"]["tasks"]) == 100 and expanded["has_more"] is True
    # The SDK completes a job that has more with jobs/get.
    (job,) = list(w.jobs.list(name=name, expand_tasks=True))
    assert job.job_id == job_id
    assert job.settings is not None and len(job.settings.tasks or []) == 150


# --- update / reset / delete -------------------------------------------------------------------


def test_update_replaces_top_level_and_merges_tasks_by_key(w: WorkspaceClient) -> None:
    job_id = create_job(
        w,
        {
            "name": unique("update"),
            "tags": {"a": "1", "b": "2"},
            "timeout_seconds": 60,
            "tasks": [notebook_task("a"), notebook_task("b", "a"), notebook_task("c", "a")],
            "job_clusters": [
                {"job_cluster_key": "x", "new_cluster": {"num_workers": 1}},
                {"job_cluster_key": "y", "new_cluster": {"num_workers": 2}},
            ],
        },
    )
    new_b = {"task_key": "b", "spark_python_task": {"python_file": "/Shared/b.py"}}
    w.api_client.do(
        "POST",
        "/api/2.2/jobs/update",
        body={
            "job_id": job_id,
            "new_settings": {
                "tags": {"c": "3"},
                "tasks": [new_b, notebook_task("d", "b")],
                "job_clusters": [{"job_cluster_key": "y", "new_cluster": {"num_workers": 5}}],
            },
            "fields_to_remove": ["timeout_seconds", "tasks/c", "job_clusters/x"],
        },
    )
    settings = raw_get(w, job_id)["settings"]
    assert settings["tags"] == {"c": "3"}  # replaced whole, not merged
    assert settings["timeout_seconds"] == 0  # removed: the server's default comes back
    assert [t["task_key"] for t in settings["tasks"]] == ["a", "b", "d"]
    # An entry with a known key is replaced whole (and given the server's defaults).
    assert settings["tasks"][1] == with_server_defaults({"tasks": [new_b]})["tasks"][0]
    assert "depends_on" not in settings["tasks"][1]
    assert settings["job_clusters"] == [{"job_cluster_key": "y", "new_cluster": {"num_workers": 5}}]
    # Through the SDK: removing a task others depend on is refused by the validator.
    with pytest.raises(InvalidParameterValue, match="'d'"):
        w.jobs.update(job_id, fields_to_remove=["tasks/b"])
    with pytest.raises(InvalidParameterValue, match="Cannot remove parameters/x"):
        w.jobs.update(job_id, fields_to_remove=["parameters/x"])


def test_reset_replaces_everything(w: WorkspaceClient) -> None:
    job_id = create_job(
        w,
        {
            "name": unique("reset"),
            "tags": {"a": "1"},
            "run_as": {"user_name": "someone@example.com"},
            "tasks": [notebook_task("a")],
        },
    )
    w.api_client.do(
        "POST",
        "/api/2.2/jobs/reset",
        body={"job_id": job_id, "new_settings": {"name": "renamed", "tasks": [notebook_task("z")]}},
    )
    settings = raw_get(w, job_id)["settings"]
    # run_as survives a reset that omits it, as on a workspace; the rest is replaced.
    assert settings == with_server_defaults(
        {
            "name": "renamed",
            "tasks": [notebook_task("z")],
            "run_as": {"user_name": "someone@example.com"},
        }
    )
    assert "tags" not in settings
    assert w.jobs.get(job_id).run_as_user_name == "someone@example.com"
    with pytest.raises(InvalidParameterValue, match="Missing required field: new_settings"):
        w.api_client.do("POST", "/api/2.2/jobs/reset", body={"job_id": job_id})


def test_delete(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": unique("delete")})
    w.jobs.delete(job_id)
    with pytest.raises(ResourceDoesNotExist):
        w.jobs.get(job_id)
    with pytest.raises(InvalidParameterValue):
        w.jobs.delete(job_id)
