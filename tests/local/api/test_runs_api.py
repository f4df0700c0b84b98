"""The shapes of the runs API as a workspace returns them, read through the real databricks-sdk:
tasks[] entries are RunTasks, a task run read on its own is a Run, runs/list's limit, the
run page URLs, and the exported page of a notebook task run with what each cell printed."""

from __future__ import annotations

import dataclasses
import html
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, ResourceDoesNotExist
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import (
    client,
    create_job,
    get_run,
    python_task,
    run_now,
    run_output,
    wait_run,
    write,
)

OK = "print('ok')\n"
FAIL = "raise SystemExit('boom')\n"
# What a RunTask of the SDK knows; anything else in a tasks[] entry is not a workspace's.
RUN_TASK_FIELDS = frozenset(field.name for field in dataclasses.fields(jobs.RunTask))
NOT_IN_RUN_TASK = ("job_run_id", "parent_run_id", "original_attempt_run_id")
# A workspace's answer to runs/get-output of a job run's id, one task or several.
MULTI_TASK_OUTPUT = (
    "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the "
    "output of each individual task run instead."
)


def folder() -> str:
    return f"Shared/{uuid.uuid4().hex[:8]}"


def export(w: WorkspaceClient, run_id: int) -> str:
    views = w.jobs.export_run(run_id, views_to_export=jobs.ViewsToExport.CODE).views or []
    assert len(views) == 1 and views[0].type == jobs.ViewType.NOTEBOOK
    return views[0].content or ""


def cells_of(page: str) -> list[dict[str, Any]]:
    """The cells of an exported page, as its elements hold them."""
    found = []
    for match in re.finditer(r'<section class="loom-cell"(.*?)</section>', page, re.DOTALL):
        attributes = dict(re.findall(r'data-([a-z]+)="([^"]*)"', match.group(1).split(">")[0]))
        source = re.search(r'<pre class="loom-cell-source">(.*?)</pre>', match.group(1), re.DOTALL)
        output = re.search(r'<pre class="loom-cell-output">(.*?)</pre>', match.group(1), re.DOTALL)
        found.append(
            {
                **attributes,
                "source": html.unescape(source.group(1)) if source else None,
                "output": html.unescape(output.group(1)) if output else None,
            }
        )
    return found


def test_task_entries_are_run_tasks_everywhere(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    ok = write(lw, f"{base}/ok.py", OK)
    fail = write(lw, f"{base}/fail.py", FAIL)
    nested = python_task("each_iteration", ok)
    job_id = create_job(
        w,
        {
            "name": "run tasks",
            "tasks": [
                python_task("a", ok),
                python_task("flaky", fail, after=("a",), max_retries=1),
                {"task_key": "each", "for_each_task": {"inputs": "[1, 2]", "task": nested}},
            ],
        },
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    listed_22 = w.api_client.do(
        "GET", "/api/2.2/jobs/runs/list", query={"job_id": job_id, "expand_tasks": "true"}
    )["runs"][0]
    listed_21 = w.api_client.do(
        "GET", "/api/2.1/jobs/runs/list", query={"job_id": job_id, "expand_tasks": "true"}
    )["runs"][0]
    each = next(t for t in run["tasks"] if t["task_key"] == "each")
    iterations = get_run(w, each["run_id"])["iterations"]
    entries = [*run["tasks"], *listed_22["tasks"], *listed_21["tasks"], *iterations]
    assert len(run["tasks"]) == 4 and len(iterations) == 2  # flaky: two attempts
    for entry in entries:
        assert not set(entry) & set(NOT_IN_RUN_TASK), entry
        assert set(entry) <= RUN_TASK_FIELDS, set(entry) - RUN_TASK_FIELDS
    # The SDK reads the same entries.
    sdk_tasks = w.jobs.get_run(run_id).tasks or []
    assert [t.task_key for t in sdk_tasks] == ["a", "flaky", "each", "flaky"]
    assert [t.attempt_number for t in sdk_tasks if t.task_key == "flaky"] == [0, 1]


def test_a_task_run_read_on_its_own_is_a_run(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    fail = write(lw, f"{base}/fail.py", FAIL)
    job_id = create_job(
        w, {"name": "metadata", "tasks": [python_task("only", fail, max_retries=1)]}
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    first, retry = run["tasks"]
    output = run_output(w, retry["run_id"])
    metadata = output["metadata"]
    # The fields of a real get-output's metadata (kept in Jordan-M-Young/brickproof), no others.
    assert set(metadata) == {
        "job_id",
        "run_id",
        "creator_user_name",
        "number_in_job",
        "original_attempt_run_id",
        "state",
        "start_time",
        "setup_duration",
        "execution_duration",
        "cleanup_duration",
        "end_time",
        "trigger",
        "run_name",
        "run_page_url",
        "run_type",
        "parent_run_id",
        "tasks",
        "task_key",
        "format",
        "status",
        "job_run_id",
    }
    assert metadata["job_id"] == job_id
    assert metadata["run_id"] == metadata["number_in_job"] == retry["run_id"]
    assert metadata["original_attempt_run_id"] == first["run_id"]
    assert metadata["parent_run_id"] == metadata["job_run_id"] == run_id
    assert metadata["run_name"] == metadata["task_key"] == "only"
    assert (metadata["run_type"], metadata["trigger"], metadata["format"]) == (
        "JOB_RUN",
        "ONE_TIME",
        "MULTI_TASK",
    )
    assert metadata["state"] == retry["state"] and metadata["status"] == retry["status"]
    assert metadata["run_page_url"] == f"{lw.host}/?o={lw.workspace_id}#job/{job_id}/run/" + str(
        retry["run_id"]
    )
    (task,) = metadata["tasks"]
    assert task == retry  # the RunTask of runs/get's tasks[], as it is
    assert "spark_python_task" not in metadata and "depends_on" not in metadata
    assert run_output(w, first["run_id"])["metadata"]["original_attempt_run_id"] == first["run_id"]
    # runs/get of the task run id: the same Run; the SDK reads it as one.
    assert get_run(w, retry["run_id"]) == metadata
    sdk = w.jobs.get_run_output(retry["run_id"]).metadata
    assert sdk is not None and sdk.tasks is not None and sdk.tasks[0].task_key == "only"
    assert sdk.tasks[0].spark_python_task is not None and sdk.tasks[0].attempt_number == 1
    # Not the job run's id, although its job has one task: a workspace refuses it.
    with pytest.raises(InvalidParameterValue) as refused:
        w.jobs.get_run_output(run_id)
    assert str(refused.value) == MULTI_TASK_OUTPUT


def test_a_for_each_task_run_is_a_run_with_its_iterations(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    ok = write(lw, f"{folder()}/ok.py", OK)
    nested = python_task("loop_iteration", ok)
    job_id = create_job(
        w,
        {
            "name": "loop",
            "tasks": [{"task_key": "loop", "for_each_task": {"inputs": "[1,2,3]", "task": nested}}],
        },
    )
    run_id = run_now(w, job_id)
    (loop,) = wait_run(w, run_id)["tasks"]
    document = get_run(w, loop["run_id"])
    assert document["run_id"] == loop["run_id"] and document["job_run_id"] == run_id
    assert [t["task_key"] for t in document["tasks"]] == ["loop"]
    assert len(document["iterations"]) == 3
    iteration = document["iterations"][0]
    alone = get_run(w, iteration["run_id"])
    assert alone["tasks"] == [iteration]
    assert alone["job_id"] == job_id and alone["job_run_id"] == run_id
    assert alone["parent_run_id"] == loop["run_id"]
    sdk = w.jobs.get_run(loop["run_id"])
    assert [t.task_key for t in sdk.tasks or []] == ["loop"] and len(sdk.iterations or []) == 3


def test_get_output_of_a_job_run_is_refused_even_with_one_task(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    ok = write(lw, f"{folder()}/ok.py", "print('the output')\n")
    job_id = create_job(w, {"name": "one task", "tasks": [python_task("only", ok)]})
    job_run = wait_run(w, run_now(w, job_id))
    tasks = [jobs.SubmitTask(task_key="t", spark_python_task=jobs.SparkPythonTask(python_file=ok))]
    one_time = wait_run(w, w.jobs.submit(run_name="once", tasks=tasks).run_id)
    for run in (job_run, one_time):
        (task_run,) = run["tasks"]
        for version in ("2.1", "2.2"):
            path = f"/api/{version}/jobs/runs/get-output"
            with pytest.raises(InvalidParameterValue) as refused:
                w.api_client.do("GET", path, query={"run_id": run["run_id"]})
            assert refused.value.error_code == "INVALID_PARAMETER_VALUE"
            assert str(refused.value) == MULTI_TASK_OUTPUT
            # The task run's id gives the output.
            answer = w.api_client.do("GET", path, query={"run_id": task_run["run_id"]})
            assert answer["logs"] == "the output\n"
            assert answer["metadata"]["run_id"] == task_run["run_id"]
    # An unknown id is not a job run: it does not exist (which the SDK reads as such).
    with pytest.raises(ResourceDoesNotExist, match=r"^Run 1 does not exist\.$"):
        w.jobs.get_run_output(1)


def test_export_of_a_job_run_of_several_tasks_is_refused(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    ok = write(lw, f"{folder()}/ok.py", OK)
    job_id = create_job(
        w, {"name": "two tasks", "tasks": [python_task("a", ok), python_task("b", ok)]}
    )
    run_id = run_now(w, job_id)
    wait_run(w, run_id)
    with pytest.raises(InvalidParameterValue) as refused:
        w.jobs.export_run(run_id)
    assert str(refused.value) == MULTI_TASK_OUTPUT


def test_a_one_time_run_name_over_4096_bytes_is_refused(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    ok = write(lw, f"{folder()}/ok.py", OK)
    tasks = [{"task_key": "t", "spark_python_task": {"python_file": ok}}]
    # 2,049 characters, 4,098 bytes in UTF-8: the limit counts bytes.
    too_long = "é" * 2049
    with pytest.raises(InvalidParameterValue) as refused:
        w.api_client.do(
            "POST", "/api/2.2/jobs/runs/submit", body={"run_name": too_long, "tasks": tasks}
        )
    assert str(refused.value) == ("run_name is 4098 bytes long in UTF-8; the limit is 4096 bytes.")
    longest = "é" * 2048
    run_id = w.api_client.do(
        "POST", "/api/2.1/jobs/runs/submit", body={"run_name": longest, "tasks": tasks}
    )["run_id"]
    assert wait_run(w, run_id)["run_name"] == longest


def test_run_page_urls_of_job_task_and_one_time_runs(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    ok = write(lw, f"{folder()}/ok.py", OK)
    prefix = f"{lw.host}/?o={lw.workspace_id}#job/"
    job_id = create_job(w, {"name": "urls", "tasks": [python_task("t", ok)]})
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert run["run_page_url"] == f"{prefix}{job_id}/run/{run_id}"
    assert run["tasks"][0]["run_page_url"] == f"{prefix}{job_id}/run/{run['tasks'][0]['run_id']}"
    # A one-time run has a job of its own (as on a workspace), which its URL names.
    tasks = [jobs.SubmitTask(task_key="t", spark_python_task=jobs.SparkPythonTask(python_file=ok))]
    submitted = w.jobs.submit(run_name="once", tasks=tasks).run_id
    once = wait_run(w, submitted)
    assert once["run_page_url"] == f"{prefix}{once['job_id']}/run/{submitted}"
    # No cluster: a local task run carries no cluster_instance (a link to a cluster page that
    # does not exist).
    assert "cluster_instance" not in run["tasks"][0] and "cluster_instance" not in once


def test_runs_list_limit(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": "limits"})
    for limit in (26, 0, 1):
        answer = w.api_client.do(
            "GET", "/api/2.2/jobs/runs/list", query={"job_id": job_id, "limit": limit}
        )
        assert answer["has_more"] is False
    with pytest.raises(InvalidParameterValue) as refused:
        w.api_client.do("GET", "/api/2.2/jobs/runs/list", query={"limit": 27})
    assert str(refused.value) == "Invalid limit 27 - it has to be no more than 26."


def test_limit_zero_means_the_maximum(make_workspace: Callable[..., LocalWorkspace]) -> None:
    lw = make_workspace()
    w = client(lw)
    job_id = create_job(w, {"name": "many", "max_concurrent_runs": 100})
    for run_id in [run_now(w, job_id) for _ in range(28)]:
        wait_run(w, run_id)
    query = {"job_id": job_id}
    assert len(w.api_client.do("GET", "/api/2.2/jobs/runs/list", query=query)["runs"]) == 20
    for limit in (0, 26):
        page = w.api_client.do("GET", "/api/2.2/jobs/runs/list", query={**query, "limit": limit})
        assert len(page["runs"]) == 26 and page["has_more"] is True


NOTEBOOK = """# Databricks notebook source
# MAGIC %md
# MAGIC # Daily <report>

# COMMAND ----------

import sys
print("rows: 3 <b>bold</b> & more")
print("careful", file=sys.stderr)

# COMMAND ----------

display("shown")
if dbutils.widgets.get("mode") == "fail":
    raise ValueError("no table")
dbutils.notebook.exit("done")

# COMMAND ----------

print("never printed")
"""


def test_a_notebook_run_exports_each_cell_with_what_it_printed(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    path = write(lw, f"{folder()}/daily.py", NOTEBOOK).removesuffix(".py")
    job_id = create_job(
        w,
        {
            "name": "notebook",
            "parameters": [{"name": "mode", "default": "ok"}],
            "tasks": [{"task_key": "nb", "notebook_task": {"notebook_path": path}}],
        },
    )
    ok_run = wait_run(w, run_now(w, job_id))
    bad_run = wait_run(w, run_now(w, job_id, job_parameters={"mode": "fail"}))
    ok_task, bad_task = ok_run["tasks"][0]["run_id"], bad_run["tasks"][0]["run_id"]

    # get-output: the exit value, never the printed output.
    ok_output = run_output(w, ok_task)
    assert ok_output["notebook_output"] == {"result": "done", "truncated": False}
    assert "logs" not in ok_output
    bad_output = run_output(w, bad_task)
    assert bad_output["notebook_output"] == {}  # no dbutils.notebook.exit: an empty output
    assert bad_output["error"] == "ValueError: no table"

    page = export(w, ok_task)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    # The notebook's path heads the page as a small monospace line that wraps (the widget shows
    # the page in a narrow pane), not as a full-size title.
    assert f'<h1 class="loom-notebook-path">{html.escape(path)}</h1>' in page
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style is not None
    rules = dict(re.findall(r"([^{}]+)\{([^{}]*)\}", style.group(1)))
    heading = rules["h1.loom-notebook-path"]
    assert re.search(r"font:\s*600 12px/[\d.]+ [^;]*monospace", heading), heading
    assert "overflow-wrap:anywhere" in heading and "word-break:break-all" in heading
    assert not [selector for selector in rules if re.fullmatch(r"\s*h1\s*", selector)]
    cells = cells_of(page)
    assert [(c["cell"], c["kind"], c["state"]) for c in cells] == [
        ("1", "markdown", "ran"),
        ("2", "code", "ran"),
        ("3", "code", "ran"),
        ("4", "code", "not_run"),
    ]
    assert cells[0]["source"] == "%md\n# Daily <report>"
    assert cells[1]["output"] == "rows: 3 <b>bold</b> & more\ncareful\n"
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page  # escaped, shown as written
    assert cells[2]["output"] == "shown\nNotebook exited: done\n"
    assert cells[3]["output"] is None and "This cell did not run." in page
    assert '<pre class="loom-result">done</pre>' in page

    failed = cells_of(export(w, bad_task))
    assert [c["state"] for c in failed] == ["ran", "ran", "failed", "not_run"]
    assert failed[2]["output"] is not None
    assert failed[2]["output"].startswith("shown\nTraceback")
    assert "ValueError: no table" in failed[2]["output"]
    # The job run's id names its only task, as for get-output.
    assert cells_of(export(w, bad_run["run_id"])) == failed
