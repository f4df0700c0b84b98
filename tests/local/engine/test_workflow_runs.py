"""`dbutils.notebook.run` children are runs of their own (run_type WORKFLOW_RUN), as on
Databricks: listed by runs/list (and by its run_type filter), with their own state, times and
output (runs/get-output: the exit value, the error; runs/export: the cells), while the caller
keeps the call's semantics (arguments, the returned exit value, a timeout raising). Read through
the real databricks-sdk."""

from __future__ import annotations

import time
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace

from ..exec.test_notebook_magics import (
    cells_of,
    folder,
    notebook,
    result,
    run_notebook,
    submit,
)
from ..helpers import get_run, run_output, wait_for, wait_run


def workflow_runs(w: WorkspaceClient, base: str) -> dict[str, dict[str, Any]]:
    """The WORKFLOW_RUN runs of notebooks under `base`, with their tasks, by notebook name."""
    found = {}
    for listed in w.jobs.list_runs(run_type=jobs.RunType.WORKFLOW_RUN, expand_tasks=True):
        tasks = listed.tasks or []
        path = tasks[0].notebook_task.notebook_path if tasks and tasks[0].notebook_task else ""
        if path.startswith(f"/Workspace/{base}/"):
            found[path.rsplit("/", 1)[1]] = listed.as_dict()
    return found


def test_notebook_run_children_are_workflow_runs_with_their_own_state_and_output(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    notebook(
        lw,
        f"{base}/double",
        [
            'dbutils.widgets.text("x", "0")',
            'print("doubling")\ndbutils.notebook.exit(str(int(dbutils.widgets.get("x")) * 2))',
        ],
        "source",
    )
    notebook(lw, f"{base}/broken", ['raise ValueError("no input")'], "source")
    notebook(lw, f"{base}/slow", ["import time\ntime.sleep(60)"], "source")
    started = int(time.time() * 1000)
    path = notebook(
        lw,
        f"{base}/parent",
        [
            """
            answers = [dbutils.notebook.run("./double", 0, {"x": "21"})]
            for child, timeout in (("./broken", 0), ("./slow", 1)):
                try:
                    dbutils.notebook.run(child, timeout)
                except Exception as exc:
                    answers.append(f"{type(exc).__name__}: {exc}")
            dbutils.notebook.exit(" | ".join(answers))
            """
        ],
        "source",
    )
    output, page = run_notebook(w, path)
    assert result(output) == (
        f"42 | WorkflowException: Notebook /Workspace/{base}/broken failed: ValueError: no input"
        f" | WorkflowException: Notebook /Workspace/{base}/slow timed out after 1 seconds"
    )
    children = workflow_runs(w, base)
    assert sorted(children) == ["broken", "double", "slow"]
    double = children["double"]
    assert double["run_type"] == "WORKFLOW_RUN"
    assert double["state"]["result_state"] == "SUCCESS"
    assert started <= double["start_time"] <= double["end_time"]
    assert double["run_id"] not in (output["metadata"]["run_id"], output["metadata"]["job_run_id"])
    # The caller's cell names each child's run, which a user then opens.
    printed = cells_of(page)[0]["output"]
    assert f"Notebook run /Workspace/{base}/double: SUCCESS (run {double['run_id']})" in printed
    task = double["tasks"][0]
    assert task["notebook_task"]["base_parameters"] == {"x": "21"}
    child_output = run_output(w, task["run_id"])
    assert child_output["notebook_output"]["result"] == "42"
    views = w.jobs.export_run(task["run_id"]).views or []
    assert cells_of(views[0].content or "")[1]["output"] == "doubling\nNotebook exited: 42\n"

    broken = get_run(w, children["broken"]["run_id"])
    assert broken["run_type"] == "WORKFLOW_RUN"
    assert broken["state"]["result_state"] == "FAILED"
    assert run_output(w, broken["tasks"][0]["run_id"])["error"] == "ValueError: no input"

    slow = children["slow"]
    assert slow["state"]["result_state"] == "TIMEDOUT"
    assert slow["tasks"][0]["state"]["state_message"] == "Task timed out after 1 seconds."
    assert slow["end_time"] - slow["start_time"] < 20_000

    # Not in the other run types' lists; in the unfiltered one.
    submitted = {run.run_id for run in w.jobs.list_runs(run_type=jobs.RunType.SUBMIT_RUN)}
    assert double["run_id"] not in submitted
    everything = {run.run_id for run in w.jobs.list_runs(start_time_from=started)}
    assert {child["run_id"] for child in children.values()} <= everything


def test_a_child_run_shows_running_then_ends_canceled_with_its_caller(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    notebook(lw, f"{base}/slow", ["import time\ntime.sleep(60)"], "source")
    path = notebook(lw, f"{base}/parent", ['dbutils.notebook.run("./slow", 0)'], "source")
    parent = submit(w, path)
    wait_for(lambda: "slow" in workflow_runs(w, base), timeout=30)
    child = workflow_runs(w, base)["slow"]
    assert child["state"]["life_cycle_state"] == "RUNNING"
    assert child["end_time"] == 0
    w.jobs.cancel_run(parent)
    wait_run(w, parent)
    wait_for(lambda: get_run(w, child["run_id"])["state"]["life_cycle_state"] == "TERMINATED")
    assert get_run(w, child["run_id"])["state"]["result_state"] == "CANCELED"
