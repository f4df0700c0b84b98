"""What the editor's pickers list, read from the local workspace through the SDK's typed services:
cluster policies, SQL queries, alerts, legacy and Lakeview dashboards, pipelines; a job naming a
notification destination the workspace does not have is refused; a pipeline_task runs its
pipeline's sources in order.

Each test starts a workspace of its own: it counts what it lists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, NotFound, ResourceDoesNotExist
from databricks.sdk.service import compute, pipelines, settings, sql
from databricks.sdk.service.dashboards import Dashboard

from loom_jobs_widget.local import LocalWorkspace

from .helpers import client, create_job, run_now, wait_run, write

Make = Callable[..., LocalWorkspace]


@pytest.fixture
def w(make_workspace: Make) -> WorkspaceClient:
    return client(make_workspace())


def _query(w: WorkspaceClient, name: str) -> sql.Query:
    return w.queries.create(
        query=sql.CreateQueryRequestQuery(
            display_name=name, query_text="SELECT 1 AS n", warehouse_id="local"
        )
    )


def test_cluster_policies_list_and_get(w: WorkspaceClient) -> None:
    policies = list(w.cluster_policies.list())
    names = {policy.name or "" for policy in policies}
    assert {"Personal Compute", "Job Compute"} <= names
    for policy in policies:
        assert policy.policy_id and policy.definition and policy.definition.startswith("{")
    personal = next(policy for policy in policies if policy.name == "Personal Compute")
    assert w.cluster_policies.get(personal.policy_id or "").name == "Personal Compute"
    by_name = list(
        w.cluster_policies.list(
            sort_column=compute.ListSortColumn.POLICY_NAME, sort_order=compute.ListSortOrder.ASC
        )
    )
    assert [policy.name for policy in by_name] == sorted(names, key=str.casefold)
    with pytest.raises(ResourceDoesNotExist):
        w.cluster_policies.get("0000000000000000")


def test_queries_are_created_listed_paged_and_trashed(w: WorkspaceClient) -> None:
    made = [_query(w, f"q{i}") for i in range(5)]
    assert made[0].id and made[0].lifecycle_state == sql.LifecycleState.ACTIVE
    assert made[0].owner_user_name and made[0].create_time
    listed = list(w.queries.list(page_size=2))  # three pages, followed by the SDK
    assert [query.display_name for query in listed] == ["q0", "q1", "q2", "q3", "q4"]
    assert listed[0].query_text == "SELECT 1 AS n"
    got = w.queries.get(made[2].id or "")
    assert (got.display_name, got.warehouse_id) == ("q2", "local")
    w.queries.delete(made[2].id or "")
    assert [query.display_name for query in w.queries.list()] == ["q0", "q1", "q3", "q4"]
    assert w.queries.get(made[2].id or "").lifecycle_state == sql.LifecycleState.TRASHED
    with pytest.raises(NotFound):
        w.queries.get("no-such-query")
    with pytest.raises(InvalidParameterValue):
        w.queries.create(query=sql.CreateQueryRequestQuery(display_name="no text"))


def test_alerts_name_a_query(w: WorkspaceClient) -> None:
    query = _query(w, "rows")
    condition = sql.AlertCondition(
        op=sql.AlertOperator.GREATER_THAN,
        operand=sql.AlertConditionOperand(column=sql.AlertOperandColumn(name="n")),
        threshold=sql.AlertConditionThreshold(value=sql.AlertOperandValue(double_value=0.0)),
    )
    alert = w.alerts.create(
        alert=sql.CreateAlertRequestAlert(
            display_name="too many", query_id=query.id, condition=condition
        )
    )
    assert alert.id and alert.query_id == query.id
    assert [a.display_name for a in w.alerts.list()] == ["too many"]
    assert w.alerts.get(alert.id).condition == condition
    with pytest.raises(NotFound):
        w.alerts.create(
            alert=sql.CreateAlertRequestAlert(
                display_name="orphan", query_id="no-such-query", condition=condition
            )
        )


def test_legacy_dashboards_page_by_number(w: WorkspaceClient) -> None:
    for i in range(3):
        w.api_client.do("POST", "/api/2.0/preview/sql/dashboards", body={"name": f"board {i}"})
    listed = list(w.dashboards.list(page_size=2))
    assert [board.name for board in listed] == ["board 0", "board 1", "board 2"]
    first = w.dashboards.get(listed[0].id or "")
    assert first.name == "board 0" and not first.is_archived
    w.dashboards.delete(listed[0].id or "")
    assert [board.name for board in w.dashboards.list()] == ["board 1", "board 2"]
    assert w.dashboards.get(listed[0].id or "").is_archived


def test_lakeview_dashboards(w: WorkspaceClient) -> None:
    made = [w.lakeview.create(Dashboard(display_name=f"sales {i}")) for i in range(3)]
    assert made[0].dashboard_id and made[0].path and made[0].path.endswith("sales 0.lvdash.json")
    listed = list(w.lakeview.list(page_size=2))
    assert [board.display_name for board in listed] == ["sales 0", "sales 1", "sales 2"]
    assert all(board.serialized_dashboard is None for board in listed)  # summaries only
    assert w.lakeview.get(made[1].dashboard_id or "").serialized_dashboard
    w.lakeview.trash(made[1].dashboard_id or "")
    assert [board.display_name for board in w.lakeview.list()] == ["sales 0", "sales 2"]
    assert len(list(w.lakeview.list(show_trashed=True))) == 3
    with pytest.raises(NotFound):
        w.lakeview.create(Dashboard(display_name="lost", parent_path="/Users/nobody/nowhere"))


def test_pipelines_are_created_listed_and_deleted(w: WorkspaceClient) -> None:
    assert list(w.pipelines.list_pipelines()) == []
    notebook = pipelines.PipelineLibrary(
        notebook=pipelines.NotebookLibrary(path="/Workspace/Shared/etl")
    )
    ids = [
        w.pipelines.create(name=f"etl {i}", libraries=[notebook] if i == 1 else None).pipeline_id
        for i in range(4)
    ]
    listed = list(w.pipelines.list_pipelines(max_results=3))  # two pages
    assert sorted(p.name or "" for p in listed) == ["etl 0", "etl 1", "etl 2", "etl 3"]
    assert [p.pipeline_id for p in listed] == sorted(i or "" for i in ids)  # ordered by id
    assert all(p.state == pipelines.PipelineState.IDLE for p in listed)
    only = list(w.pipelines.list_pipelines(filter="name LIKE '%etl 2%'"))
    assert [p.name for p in only] == ["etl 2"]
    by_notebook = list(w.pipelines.list_pipelines(filter="notebook='/Workspace/Shared/etl'"))
    assert [p.pipeline_id for p in by_notebook] == [ids[1]]
    got = w.pipelines.get(ids[1] or "")
    assert got.name == "etl 1" and got.spec is not None and got.spec.id == ids[1]
    assert got.spec.libraries == [notebook]
    w.pipelines.delete(ids[1] or "")
    assert len(list(w.pipelines.list_pipelines())) == 3
    with pytest.raises(ResourceDoesNotExist):
        w.pipelines.get(ids[1] or "")
    with pytest.raises(InvalidParameterValue):
        list(w.pipelines.list_pipelines(max_results=101))


def _webhook(w: WorkspaceClient) -> str:
    destination = w.notification_destinations.create(
        display_name="hook",
        config=settings.Config(
            generic_webhook=settings.GenericWebhookConfig(url="http://127.0.0.1:9/hook")
        ),
    )
    return destination.id or ""


def test_a_job_naming_an_unknown_destination_is_refused(w: WorkspaceClient) -> None:
    hook = _webhook(w)
    task = {"task_key": "a", "spark_python_task": {"python_file": "/Workspace/Shared/a.py"}}
    missing = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(InvalidParameterValue, match=missing):
        create_job(w, {"name": "j", "webhook_notifications": {"on_failure": [{"id": missing}]}})
    on_task = {**task, "webhook_notifications": {"on_start": [{"id": missing}]}}
    with pytest.raises(InvalidParameterValue, match=missing):
        create_job(w, {"name": "j", "tasks": [on_task]})
    assert list(w.jobs.list()) == []

    job_id = create_job(
        w, {"name": "j", "tasks": [task], "webhook_notifications": {"on_start": [{"id": hook}]}}
    )
    with pytest.raises(InvalidParameterValue, match=missing):
        w.api_client.do(
            "POST",
            "/api/2.2/jobs/update",
            body={"job_id": job_id, "new_settings": {"tasks": [on_task]}},
        )
    with pytest.raises(InvalidParameterValue, match=missing):
        w.api_client.do(
            "POST",
            "/api/2.2/jobs/reset",
            body={
                "job_id": job_id,
                "new_settings": {
                    "name": "j",
                    "webhook_notifications": {"on_success": [{"id": missing}]},
                },
            },
        )
    stored = w.jobs.get(job_id).settings
    assert stored is not None and stored.webhook_notifications is not None
    assert [hook_.id for hook_ in stored.webhook_notifications.on_start or []] == [hook]
    assert [t.webhook_notifications for t in stored.tasks or []] == [None]


def test_an_older_data_folder_gains_the_asset_table(make_workspace: Make, tmp_path: Path) -> None:
    first = make_workspace(tmp_path / "data")
    job_id = create_job(client(first), {"name": "kept"})
    first.stop()
    db = sqlite3.connect(tmp_path / "data" / "workspace.db")
    with db:  # as a version before the assets existed wrote it
        db.execute("DROP TABLE assets")
    db.close()

    w = client(make_workspace(tmp_path / "data"))
    assert w.jobs.get(job_id).settings.name == "kept"  # type: ignore[union-attr]
    assert list(w.queries.list()) == []
    made = _query(w, "new")
    assert [query.id for query in w.queries.list()] == [made.id]


def test_a_pipeline_task_runs_the_pipelines_sources_in_order(make_workspace: Make) -> None:
    lw = make_workspace()
    w = client(lw)
    marker = lw.workspace_root / "Shared" / "order.txt"
    write(lw, "Shared/first.py", f"open({str(marker)!r}, 'a').write('file ')\n")
    write(
        lw,
        "Shared/second.py",
        f"# Databricks notebook source\nopen({str(marker)!r}, 'a').write('notebook')\n",
    )
    sources = [
        pipelines.PipelineLibrary(file=pipelines.FileLibrary(path="/Workspace/Shared/first.py")),
        pipelines.PipelineLibrary(
            notebook=pipelines.NotebookLibrary(path="/Workspace/Shared/second")
        ),
    ]
    pipeline_id = w.pipelines.create(name="etl", libraries=sources).pipeline_id
    job_id = create_job(
        w,
        {
            "name": "refresh",
            "tasks": [
                {"task_key": "etl", "pipeline_task": {"pipeline_id": pipeline_id}},
                {"task_key": "gone", "pipeline_task": {"pipeline_id": "no-such-pipeline"}},
            ],
        },
    )
    run = wait_run(w, run_now(w, job_id))
    states = {task["task_key"]: task["state"] for task in run["tasks"]}
    assert states["etl"]["result_state"] == "SUCCESS"
    assert marker.read_text() == "file notebook"
    assert states["gone"]["result_state"] == "FAILED"
    assert "no-such-pipeline does not exist" in states["gone"]["state_message"]
