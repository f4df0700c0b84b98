"""JobsBrowser in a real JupyterLab: `%load_ext loom_jobs_widget`, `%loom_connect` to a local
workspace made by the test, then `%loom_jobs`. A user searches a job, pauses it and sees the
state change (and the workspace has it), runs another, deletes one through the confirmation,
reads the permissions, pages, opens a job in the editor below the list, and opens its last run
there from the list (a local workspace's run has no page but that run view)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = pytest.mark.browser

BROWSER = ".loom-jb"
CHECK = {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}


def make_jobs(ws: Workspace) -> dict[str, int]:
    ids: dict[str, int] = {}

    def create(name: str, **settings: Any) -> None:
        answer = ws.client.api_client.do(
            "POST", "/api/2.2/jobs/create", body={"name": name, "tasks": [CHECK], **settings}
        )
        ids[name] = int(answer["job_id"])  # type: ignore[index]

    create("nightly etl", tags={"team": "data", "env": "prod"},
           schedule={"quartz_cron_expression": "0 0 2 * * ?", "timezone_id": "Europe/Paris",
                     "pause_status": "UNPAUSED"},
           tasks=[CHECK, {**CHECK, "task_key": "check2"}, {**CHECK, "task_key": "check3"}])
    create("hourly refresh", tags={"team": "bi"},
           trigger={"pause_status": "PAUSED", "periodic": {"interval": 1, "unit": "HOURS"}})
    create("landing files", trigger={"pause_status": "UNPAUSED",
                                     "file_arrival": {"url": "s3://landing/in/"}})
    create("scratch to delete", tags={"owner": "me"})
    for i in range(30):
        create(f"report {i:02d}", tags={"team": "bi", "kind": "report"})
    ws.runs.run_now(ids["nightly etl"])
    return ids


def row(page: Any, job_id: int) -> Any:
    return page.locator(f'{BROWSER} tr[data-job-id="{job_id}"]')


def menu_action(page: Any, job_row: Any, action: str, shot: str | None = None) -> None:
    """A row action from the row's menu (Edit, Permissions, Delete)."""
    job_row.locator('[data-action="menu"]').click()
    item = page.locator(f'{BROWSER} .loom-jb-menu [data-action="{action}"]')
    item.wait_for()
    if shot:
        shoot(page, shot, BROWSER)
    item.click()


def test_jobs_browser_end_to_end(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    ids = make_jobs(ws)
    write_notebook(
        jupyter_lab,
        "jobs_browser_e2e.ipynb",
        ["%load_ext loom_jobs_widget", f"%loom_connect local --data {data}", "%loom_jobs"],
    )
    open_and_run_notebook(page, jupyter_lab, "jobs_browser_e2e.ipynb")
    page.wait_for_selector(f'{BROWSER}[data-ready="true"][data-row-count="25"]')
    browser = page.locator(BROWSER)
    assert browser.locator(".loom-jb-range").inner_text() == "1\u201325 of 26+"
    nightly = row(page, ids["nightly etl"])
    assert nightly.locator("td").nth(1).inner_text() == "3"
    nightly.locator('.loom-jb-badge[data-state="succeeded"]').wait_for()
    assert "At 02:00 every day" in nightly.inner_text()
    assert row(page, ids["hourly refresh"]).get_attribute("data-paused") == "true"
    assert row(page, ids["hourly refresh"]).locator(".loom-jb-paused").count() == 1
    shoot(page, "browser-open.png", BROWSER)

    # Paging: Next reads on, Previous comes back.
    browser.locator('[data-action="next"]').click()
    page.wait_for_selector(f'{BROWSER}[data-offset="25"][data-loading="false"]')
    assert browser.get_attribute("data-row-count") == "9"
    assert browser.locator(".loom-jb-range").inner_text() == "26\u201334 of 34"
    browser.locator('[data-action="prev"]').click()
    page.wait_for_selector(f'{BROWSER}[data-offset="0"][data-row-count="25"]')

    # Search (debounced), then pause the job found: the row and the workspace show it paused.
    browser.locator('[data-role="search"]').fill("NIGHTLY")
    page.wait_for_selector(f'{BROWSER}[data-row-count="1"]')
    assert nightly.get_attribute("data-paused") == "false"
    nightly.locator('[data-action="pause"]').click()
    page.wait_for_selector(f'{BROWSER} tr[data-job-id="{ids["nightly etl"]}"][data-paused="true"]')
    assert nightly.locator('[data-action="resume"]').count() == 1
    settings = ws.jobs.get(ids["nightly etl"]).settings.to_api()  # type: ignore[union-attr]
    assert settings["schedule"]["pause_status"] == "PAUSED"
    browser.locator('.loom-jb-status[data-level="success"]').wait_for()
    shoot(page, "browser-paused.png", BROWSER)

    # The state filter and a tag chip.
    browser.locator('[data-role="search"]').fill("")
    browser.locator('[data-role="state"]').select_option("paused")
    page.wait_for_selector(f'{BROWSER}[data-row-count="2"]')
    browser.locator('[data-role="state"]').select_option("")
    page.wait_for_selector(f'{BROWSER}[data-row-count="25"]')
    nightly.locator('[data-tag="team=data"]').click()
    page.wait_for_selector(f'{BROWSER}[data-row-count="1"]')
    assert browser.locator('[data-role="tag"]').input_value() == "team=data"
    browser.locator('[data-role="tag"]').fill("")
    page.wait_for_selector(f'{BROWSER}[data-row-count="25"]')

    # Run now: the row's last run becomes the new one.
    landing = row(page, ids["landing files"])
    assert landing.get_attribute("data-run-state") == ""
    landing.locator('[data-action="run_now"]').click()
    page.wait_for_selector(
        f'{BROWSER} tr[data-job-id="{ids["landing files"]}"]:not([data-run-state=""])'
    )

    # Delete asks first; Cancel keeps the job, Delete removes it.
    scratch = row(page, ids["scratch to delete"])
    menu_action(page, scratch, "delete")
    dialog = browser.locator(".loom-jb-dialog")
    dialog.wait_for()
    assert "scratch to delete" in dialog.inner_text()
    shoot(page, "browser-delete-confirm.png", BROWSER)
    dialog.locator('[data-action="cancel"]').click()
    dialog.wait_for(state="detached")
    assert scratch.count() == 1
    menu_action(page, scratch, "delete")
    dialog.locator('[data-action="confirm-delete"]').click()
    scratch.wait_for(state="detached")
    assert not list(ws.jobs.list(name="scratch to delete"))

    # Permissions: the grants, read-only.
    menu_action(page, row(page, ids["hourly refresh"]), "permissions", shot="browser-menu.png")
    dialog.wait_for()
    assert "IS OWNER" in dialog.inner_text()
    shoot(page, "browser-permissions.png", BROWSER)
    dialog.locator('[data-action="cancel"]').click()
    dialog.wait_for(state="detached")

    # Edit: the job's editor opens below the list.
    menu_action(page, nightly, "open")
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="3"]')
    assert page.locator(".loom-je-title").input_value() == "nightly etl"
    page.locator(EDITOR).scroll_into_view_if_needed()
    page.screenshot(path=str(Path(shoot.__globals__["SCREENSHOT_DIR"]) / "browser-editor.png"),
                    full_page=False)

    # A local workspace's run has no page of its own: its badge is a button that opens the run
    # in the editor below, on the Runs tab; no link leads to the workspace's loopback address.
    assert browser.locator("a[href]").count() == 0
    run_id = next(iter(ws.runs.list_runs(ids["nightly etl"], limit=1)))["run_id"]
    open_run = nightly.locator('button[data-action="open_run"]')
    assert open_run.get_attribute("data-run-id") == str(run_id)
    assert "Succeeded" in open_run.inner_text()
    browser.scroll_into_view_if_needed()
    open_run.hover()
    shoot(page, "browser-local-run.png", BROWSER)
    open_run.click()
    page.wait_for_selector(f'{EDITOR}[data-tab="runs"]')
    title = page.locator('[data-role="runs-tab"] .loom-runs-detail-title')
    title.wait_for()
    assert title.inner_text() == f"Run {run_id}"
    gantt = page.locator('[data-role="gantt"]')
    gantt.wait_for()
    assert gantt.locator(".loom-runs-gantt-row[data-task]").count() == 3
    # The run is shown here: no "Run page" link, nor any other link out.
    assert page.locator('[data-role="runs-tab"] [data-action="run-page"]').count() == 0
    assert page.locator('[data-role="runs-tab"] a[href]').count() == 0
    browser.locator('.loom-jb-status[data-level="success"]',
                    has_text=f"Run {run_id} is open below, in the Runs tab").wait_for()
    page.locator(EDITOR).scroll_into_view_if_needed()
    shoot(page, "browser-local-run-detail.png")
    assert not console.errors_from_our_code(), console.errors_from_our_code()
