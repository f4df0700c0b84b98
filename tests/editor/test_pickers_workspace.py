"""The pickers of workspace values list what a fresh local workspace serves, through the real
SDK over HTTP: runtimes, node types with their cores and memory, cluster policies, notification
destinations by name, SQL queries, alerts and dashboards, Lakeview dashboards and pipelines;
they search, page with a "more" choice, and tell an empty list from a failed one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace, WorkspaceError, connect
from loom_jobs_widget.editor.pickers import WORKSPACE_PICKERS, choices, unknown_destinations


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A workspace of its own: the counts below are of what this module made."""
    workspace = connect("local", data_dir=tmp_path_factory.mktemp("loom-pickers"))
    try:
        yield workspace
    finally:
        workspace.close()


def _post(ws: Workspace, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = ws.api_client.do("POST", path, body=body)
    assert isinstance(answer, dict)
    return answer


def _destination(ws: Workspace, name: str) -> str:
    body = {"display_name": name, "config": {"generic_webhook": {"url": "https://example.com/h"}}}
    return str(_post(ws, "/api/2.0/notification-destinations", body)["id"])


def _query(ws: Workspace, name: str) -> str:
    query = {"display_name": name, "query_text": "SELECT 1", "warehouse_id": "local-warehouse"}
    return str(_post(ws, "/api/2.0/sql/queries", {"query": query})["id"])


def test_every_new_kind_is_a_workspace_picker() -> None:
    assert {
        "spark_version", "node_type", "policy", "notification_destination", "sql_query",
        "sql_alert", "sql_dashboard", "lakeview_dashboard",
    } <= WORKSPACE_PICKERS  # fmt: skip


def test_runtimes_node_types_and_policies(fresh: Workspace) -> None:
    runtimes = choices(fresh, "spark_version")
    assert {"value": "15.4.x-scala2.12", "label": "15.4 LTS (includes Apache Spark 3.5.0, "
            "Scala 2.12)", "detail": "15.4.x-scala2.12"} in runtimes  # fmt: skip
    assert [c["value"] for c in choices(fresh, "spark_version", query="14.3")] == [
        "14.3.x-scala2.12"
    ]
    (node,) = choices(fresh, "node_type")
    assert node["value"] == "local"
    assert "cores" in node.get("detail", "") and "GB" in node.get("detail", "")
    policies = choices(fresh, "policy")
    assert [c["label"] for c in policies] == ["Job Compute", "Personal Compute"]
    assert all(len(c["value"]) == 16 for c in policies)


def test_destinations_are_shown_by_name_and_searched(fresh: Workspace) -> None:
    alerts_id = _destination(fresh, "Team alerts hook")
    _destination(fresh, "Pager hook")
    found = choices(fresh, "notification_destination", query="team")
    assert found == [{"value": alerts_id, "label": "Team alerts hook", "detail": "webhook"}]
    # An id finds its destination too: the form checks a typed id this way.
    assert [c["label"] for c in choices(fresh, "notification_destination", query=alerts_id)] == [
        "Team alerts hook"
    ]


def test_sql_objects_dashboards_and_pipelines(fresh: Workspace) -> None:
    query_id = _query(fresh, "Daily revenue")
    assert {"value": query_id, "label": "Daily revenue", "detail": "SELECT 1"} in choices(
        fresh, "sql_query"
    )
    alert = {"display_name": "Revenue dropped", "query_id": query_id,
             "condition": {"op": "GREATER_THAN", "operand": {"column": {"name": "x"}},
                           "threshold": {"value": {"double_value": 1}}}}  # fmt: skip
    alert_id = _post(fresh, "/api/2.0/sql/alerts", {"alert": alert})["id"]
    assert [(c["value"], c["label"]) for c in choices(fresh, "sql_alert")] == [
        (alert_id, "Revenue dropped")
    ]
    legacy = _post(fresh, "/api/2.0/preview/sql/dashboards", {"name": "Old sales board"})["id"]
    assert [c["value"] for c in choices(fresh, "sql_dashboard", query="sales")] == [legacy]
    assert choices(fresh, "sql_dashboard", query="nothing like it") == []
    lakeview = _post(fresh, "/api/2.0/lakeview/dashboards", {"display_name": "Sales"})
    assert [(c["value"], c["label"]) for c in choices(fresh, "lakeview_dashboard")] == [
        (lakeview["dashboard_id"], "Sales")
    ]
    pipeline = _post(fresh, "/api/2.0/pipelines", {"name": "Nightly ingest"})["pipeline_id"]
    _post(fresh, "/api/2.0/pipelines", {"name": "Other"})
    assert [c["value"] for c in choices(fresh, "pipeline", query="nightly")] == [pipeline]


def test_a_long_list_pages_with_a_more_choice(fresh: Workspace) -> None:
    made = [_query(fresh, f"Report {n:03}") for n in range(160)]
    first = choices(fresh, "sql_query", query="report")
    more = first[-1]
    assert more.get("more") is True and more["label"] == "More…"
    rest = choices(fresh, "sql_query", query="report", page_token=more["value"])
    assert not any(c.get("more") for c in rest)
    assert [c["value"] for c in first[:-1] + rest] == made
    # The front end sends the next page's start in `path` until the request carries it.
    assert choices(fresh, "sql_query", query="report", path=more["value"]) == rest


def test_an_empty_list_is_empty_and_a_failure_says_why(
    fresh: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    empty = connect("local", data_dir=tmp_path_factory.mktemp("loom-empty"))
    try:
        assert choices(empty, "sql_alert") == []
        assert choices(empty, "notification_destination") == []
    finally:
        empty.close()
    with pytest.raises(WorkspaceError) as failed:
        choices(fresh, "sql_query", page_token="not a token")
    text = str(failed.value)
    assert text.startswith("Could not list the SQL queries of ")
    assert "token" in text and "Traceback" not in text


def test_the_review_names_a_webhook_of_no_destination(fresh: Workspace) -> None:
    known = _destination(fresh, "Kept hook")
    settings = {
        "webhook_notifications": {"on_failure": [{"id": known}, {"id": "gone-id"}]},
        "tasks": [
            {
                "task_key": "loop",
                "for_each_task": {
                    "inputs": "[1]",
                    "task": {
                        "task_key": "inner",
                        "webhook_notifications": {"on_start": [{"id": "other-gone"}]},
                    },
                },
            }
        ],
    }
    assert unknown_destinations(fresh, settings) == [
        f"webhook_notifications.on_failure: gone-id is not a notification destination of "
        f"{fresh.host}.",
        f"Task inner: webhook_notifications.on_start: other-gone is not a notification "
        f"destination of {fresh.host}.",
    ]
    assert (
        unknown_destinations(fresh, {"webhook_notifications": {"on_start": [{"id": known}]}}) == []
    )


def test_the_save_review_lists_a_webhook_of_no_destination_as_an_error(fresh: Workspace) -> None:
    from loom_jobs_widget.core.models import Job, JobSettings
    from loom_jobs_widget.editor import EditorSession

    from .test_editor import View

    view = View()
    settings = JobSettings.from_api(
        {"name": "hooks", "tasks": [{"task_key": "a", "condition_task": {
            "op": "EQUAL_TO", "left": "1", "right": "1"}}],
         "webhook_notifications": {"on_failure": [{"id": "gone-id"}]}}
    )  # fmt: skip
    session = EditorSession(settings, job=Job(settings=settings), send=view.send,
                            on_state=view.on_state, workspace=lambda: fresh)  # fmt: skip
    errors = session.review()["errors"]
    assert [e["message"] for e in errors] == [
        f"webhook_notifications.on_failure: gone-id is not a notification destination of "
        f"{fresh.host}."
    ]
