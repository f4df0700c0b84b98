"""Workspace values are picked, not typed, in a real JupyterLab: a user adds a job cluster (the
header counts its empty runtime and worker type), picks a runtime, a node type shown with its
cores and memory, and a policy; switches the workers to autoscaling and back and finds what was
typed for each; sees a webhook whose destination is gone flagged and picks one by name; picks a
SQL query by name; and reads that the workspace has no SQL alerts. One notebook, one test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import axe_script, axe_violations, editor_notebook, node_point
from .conftest import (
    EDITOR,
    ConsoleLog,
    JupyterLab,
    local_workspace,
    open_and_run_notebook,
    shoot,
    watched_page,
)

pytestmark = pytest.mark.browser

NOTEBOOK = "pickers_e2e.ipynb"
CLUSTER = "job_clusters.0.new_cluster"


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


class Opened:
    def __init__(self, page: Any, console: ConsoleLog, ids: dict[str, str]) -> None:
        self.page = page
        self.console = console
        self.ids = ids


@pytest.fixture(scope="module")
def opened(
    browser: Any, jupyter_lab: JupyterLab, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Opened]:
    axe_script()
    with local_workspace(tmp_path_factory.mktemp("pickers")) as (ws, data):
        ids = {
            "team": _destination(ws, "Team alerts"),
            "old": _destination(ws, "Old hook"),
            "daily": _query(ws, "Daily revenue"),
            "weekly": _query(ws, "Weekly revenue"),
        }
        settings = {
            "name": "e2e pickers",
            "webhook_notifications": {"on_failure": [{"id": ids["old"]}]},
            "tasks": [
                {
                    "task_key": "report",
                    "sql_task": {
                        "query": {"query_id": ids["daily"]},
                        "warehouse_id": "local-warehouse",
                    },
                }
            ],
        }
        job_id = int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]
        # Gone after the job was saved: the job now names a destination the workspace lacks.
        ws.api_client.do("DELETE", f"/api/2.0/notification-destinations/{ids['old']}")
        editor_notebook(jupyter_lab, NOTEBOOK, data, job_id)
        console = ConsoleLog()
        with watched_page(browser, console) as page:
            open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
            page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="1"]')
            yield Opened(page, console, ids)


def _open_tab(page: Any, tab: str) -> Any:
    page.locator(f'.loom-je-tab[data-tab="{tab}"]').click()
    panel = page.locator(f'.loom-je-jobpanel[data-tab="{tab}"]')
    panel.wait_for(state="visible")
    return panel


def _browse(page: Any, field: Any) -> Any:
    """Open the field's list; the popup is returned once its list has loaded."""
    field.locator(".loom-f-browse").first.click()
    popup = field.locator(".loom-f-popup")
    popup.wait_for()
    page.wait_for_function(
        "(p) => !p.querySelector('.loom-f-popup-status').dataset.busy", arg=popup.element_handle()
    )
    return popup


def _pick(page: Any, field: Any, label: str) -> Any:
    """Pick the entry shown as `label`; the popup's items are returned (label, detail)."""
    popup = _browse(page, field)
    items = popup.locator(".loom-f-popup-item")
    shown = [
        (item.locator(".loom-f-popup-label").inner_text(), item.inner_text())
        for item in items.all()
    ]
    items.filter(has=page.locator(".loom-f-popup-label", has_text=label)).first.click()
    popup.wait_for(state="detached")
    return shown


def _settle(page: Any) -> None:
    page.wait_for_timeout(400)  # the debounced edit and Python's answer


def test_workspace_values_are_picked(opened: Opened) -> None:
    page = opened.page
    details = _open_tab(page, "details")
    section = details.locator('[data-section="job_clusters"]')
    if "loom-f-collapsed" in (section.get_attribute("class") or ""):
        section.locator(".loom-f-section-h button").click()
    section.get_by_role("button", name="Add job cluster").click()
    card = section.locator(".loom-f-card").first
    card.wait_for()
    # The new cluster's empty runtime and worker type are problems in the header's count.
    page.locator(".loom-je-n-warnings", has_text="2 warnings").wait_for()
    assert page.locator(".loom-je-n-ok").count() == 0
    shoot(page, "pickers-new-job-cluster.png")

    runtime = card.locator(f'[data-path="{CLUSTER}.spark_version"]')
    _pick(page, runtime, "15.4 LTS")
    assert runtime.locator("input").first.input_value() == "15.4.x-scala2.12"
    worker = card.locator(f'[data-path="{CLUSTER}.node_type_id"]')
    shown = _pick(page, worker, "local")
    assert any("cores" in text and "GB" in text for _, text in shown), shown
    assert worker.locator("input").first.input_value() == "local"
    policy = card.locator(f'[data-path="{CLUSTER}.policy_id"]')
    shown = _pick(page, policy, "Job Compute")
    assert [label for label, _ in shown] == ["Job Compute", "Personal Compute"]
    assert len(policy.locator("input").first.input_value()) == 16
    page.locator(".loom-je-n-warnings").wait_for(state="detached")
    shoot(page, "pickers-job-cluster-picked.png")

    # Fixed 3 workers, then autoscaling 2 to 8, then back: each kind keeps what was typed.
    workers = card.locator('[data-kind="workers"]')
    count = card.locator(f'[data-path="{CLUSTER}.num_workers"] input')
    count.fill("3")
    count.press("Tab")
    _settle(page)
    workers.get_by_text("Autoscaling", exact=True).click()
    low = card.locator(f'[data-path="{CLUSTER}.autoscale.min_workers"] input')
    high = card.locator(f'[data-path="{CLUSTER}.autoscale.max_workers"] input')
    low.fill("2")
    low.press("Tab")
    high.fill("8")
    high.press("Tab")
    _settle(page)
    workers.get_by_text("Fixed", exact=True).click()
    assert count.input_value() == "3"
    workers.get_by_text("Autoscaling", exact=True).click()
    assert (low.input_value(), high.input_value()) == ("2", "8")
    shoot(page, "pickers-autoscale-restored.png")

    # A webhook whose destination is gone is flagged; a destination is picked by name.
    notifications = _open_tab(page, "notifications")
    hooks = notifications.locator('[data-path="webhook_notifications.on_failure"]')
    flag = hooks.locator(".loom-f-hook-unknown")
    flag.wait_for()
    assert flag.inner_text() == "Not a notification destination of this workspace"
    shoot(page, "pickers-unknown-destination.png")
    row = hooks.locator(".loom-f-row").first
    shown = _pick(page, row, "Team alerts")
    assert [label for label, _ in shown] == ["Team alerts"]
    assert row.locator("input").first.input_value() == opened.ids["team"]
    hooks.locator(".loom-f-hook-name", has_text="Team alerts (webhook)").wait_for()
    assert flag.count() == 0
    shoot(page, "pickers-destination-picked.png")

    # The SQL task's query by name; an empty list of alerts says so.
    page.locator('.loom-je-tab[data-tab="tasks"]').click()
    x, y = node_point(page, "report")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="report"]')
    panel = page.locator(".loom-je-panel")
    query = panel.locator('[data-path="sql_task.query.query_id"]')
    shown = _pick(page, query, "Weekly revenue")
    assert [label for label, _ in shown] == ["Daily revenue", "Weekly revenue"]
    assert query.locator("input").first.input_value() == opened.ids["weekly"]
    panel.locator('label.loom-f-seg-label[title="Alert"]').click()
    alert = panel.locator('[data-path="sql_task.alert.alert_id"]')
    popup = _browse(page, alert)
    assert popup.locator(".loom-f-popup-status").inner_text() == "No SQL alerts in this workspace."
    shoot(page, "pickers-no-alerts.png")
    violations = axe_violations(page, EDITOR, EDITOR)
    assert violations == [], violations
    page.keyboard.press("Escape")
    assert opened.console.errors_from_our_code() == []
