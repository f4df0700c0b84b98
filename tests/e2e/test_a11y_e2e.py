"""Every view of the widget is clean for axe-core, in a real JupyterLab: the jobs browser, the
editor's canvas with a task panel open, each job tab, the JSON view, the review dialog, the runs
history, a run's detail with a task's output, and the repair dialog.

axe-core (a devDependency of js/, `js/node_modules/axe-core/axe.min.js`) is injected into the
page and run on our widget's own element only, not on JupyterLab's chrome around it. The
violations of every view are gathered, then reported together, each with its rule, its help
text and the elements it found.

One JupyterLab page for the module: the browser and the editor are two cells of one notebook.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat, Language

from loom_jobs_widget.client import RunHandle, Workspace

from .actions import axe_script, axe_violations, node_point
from .conftest import (
    EDITOR,
    ConsoleLog,
    JupyterLab,
    local_workspace,
    open_and_run_notebook,
    watched_page,
    write_notebook,
)

pytestmark = pytest.mark.browser

BROWSER = ".loom-jb"
NOTEBOOK = "a11y_e2e.ipynb"


def a11y_job(ws: Workspace) -> int:
    """A job with a Python task that fails, one downstream of it, and a notebook task that
    prints and exits; parameters, a schedule, notifications, tags and a grant."""
    folder = f"/Workspace/Shared/e2e-a11y-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    scripts = {
        "ok.py": b"print('extracted 42 rows')\n",
        "fail.py": b"print('loading')\nraise ValueError('the input is not there')\n",
    }
    for name, body in scripts.items():
        ws.client.workspace.upload(f"{folder}/{name}", body, format=ImportFormat.AUTO,
                                   overwrite=True)  # fmt: skip
    notebook = (b"# Databricks notebook source\nprint('rows', 6 * 7)\n\n# COMMAND ----------\n\n"
                b"dbutils.notebook.exit('summarised')\n")  # fmt: skip
    ws.client.workspace.upload(f"{folder}/summary", notebook, format=ImportFormat.SOURCE,
                               language=Language.PYTHON, overwrite=True)  # fmt: skip
    settings: dict[str, Any] = {
        "name": "e2e a11y nightly",
        "description": "Loads the day's orders.",
        "tags": {"team": "data"},
        "parameters": [{"name": "env", "default": "prod"}],
        "email_notifications": {"on_failure": ["oncall@example.com"]},
        "schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC",
                     "pause_status": "PAUSED"},
        "tasks": [
            {"task_key": "extract", "spark_python_task": {"python_file": f"{folder}/ok.py"}},
            {"task_key": "load", "depends_on": [{"task_key": "extract"}],
             "spark_python_task": {"python_file": f"{folder}/fail.py"}},
            {"task_key": "report", "depends_on": [{"task_key": "load"}],
             "spark_python_task": {"python_file": f"{folder}/ok.py"}},
            {"task_key": "summary", "depends_on": [{"task_key": "extract"}],
             "notebook_task": {"notebook_path": f"{folder}/summary"}},
        ],
    }  # fmt: skip
    job_id = int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]
    ws.permissions.update_permissions(
        job_id, [{"group_name": "data-analysts", "permission_level": "CAN_VIEW"}]
    )
    return job_id


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path_factory.mktemp("a11y")) as served:
        yield served


@pytest.fixture(scope="module")
def failed_run(local: tuple[Workspace, Path]) -> tuple[int, int]:
    """The job and its one run, ended (failed at `load`)."""
    ws, _ = local
    job_id = a11y_job(ws)
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    run = RunHandle(ws.runs, run_id).wait(timeout=90)
    assert run["state"].get("result_state") == "FAILED", run["state"]
    return job_id, run_id


@pytest.fixture(scope="module")
def lab_page(
    browser: Any,
    jupyter_lab: JupyterLab,
    local: tuple[Workspace, Path],
    failed_run: tuple[int, int],
) -> Iterator[tuple[Any, ConsoleLog]]:
    """The notebook with the jobs browser and the job's editor, both drawn."""
    axe_script()
    _, data = local
    job_id, _ = failed_run
    write_notebook(
        jupyter_lab,
        NOTEBOOK,
        [
            f"%load_ext loom_jobs_widget\n%loom_connect local --data {data}\n%loom_jobs",
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "editor",
        ],
    )
    console = ConsoleLog()
    with watched_page(browser, console) as page:
        open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
        page.wait_for_selector(f'{BROWSER}[data-ready="true"]', timeout=90_000)
        page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="4"]', timeout=90_000)
        yield page, console


def open_tab(page: Any, tab: str) -> None:
    page.locator(f'.loom-je-tab[data-tab="{tab}"]').click()
    page.wait_for_selector(f'{EDITOR}[data-tab="{tab}"]')


def test_every_view_is_axe_clean(
    lab_page: tuple[Any, ConsoleLog], failed_run: tuple[int, int]
) -> None:
    page, console = lab_page
    job_id, run_id = failed_run
    found: list[str] = []

    # The jobs browser, its row menu and its permissions dialog.
    job_row = page.locator(f'{BROWSER} tr[data-job-id="{job_id}"]')
    job_row.locator('.loom-jb-badge[data-state="failed"]').wait_for()
    found += axe_violations(page, BROWSER, "jobs browser")
    job_row.locator('[data-action="menu"]').click()
    page.locator(f'{BROWSER} .loom-jb-menu [data-action="permissions"]').click()
    dialog = page.locator(f"{BROWSER} .loom-jb-dialog")
    dialog.get_by_text("data-analysts").wait_for()
    found += axe_violations(page, BROWSER, "jobs browser: permissions dialog")
    dialog.locator('[data-action="cancel"]').click()
    dialog.wait_for(state="detached")

    # The editor's canvas with a task panel open.
    page.locator(EDITOR).scroll_into_view_if_needed()
    x, y = node_point(page, "summary")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="summary"]')
    found += axe_violations(page, EDITOR, "editor: canvas and task panel")

    # Each job tab.
    for tab, ready in [
        ("details", '[data-path="description"]'),
        ("schedule", '[data-role="schedule-preview"]:not(.loom-st-pending)'),
        ("notifications", '[data-path="email_notifications.on_failure"]'),
        ("parameters", ".loom-f-param"),
        ("permissions", 'tr[data-role="grant"][data-owner="true"]'),
    ]:
        open_tab(page, tab)
        page.locator(f'.loom-je-jobpanel[data-tab="{tab}"] {ready}').first.wait_for()
        found += axe_violations(page, EDITOR, f"editor: {tab} tab")

    # JSON view.
    page.locator('.loom-je-toolbar [data-action="json"]').click()
    document = page.locator('[data-dialog="document"] textarea.loom-je-doc:not([data-loading])')
    document.wait_for()
    found += axe_violations(page, EDITOR, "editor: JSON dialog")
    page.locator('[data-dialog="document"] [data-action="cancel"]').click()

    # The review dialog, with a change.
    open_tab(page, "details")
    description = page.locator(
        '.loom-je-jobpanel[data-tab="details"] [data-path="description"] textarea'
    ).first
    description.fill("Loads the day's orders, and the returns.")
    description.press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator(".loom-je-change").first.wait_for()
    found += axe_violations(page, EDITOR, "editor: review dialog")
    review.locator('[data-action="cancel"]').click()
    review.wait_for(state="detached")

    # The runs: history, a run's detail with a task's output, the repair dialog.
    open_tab(page, "runs")
    page.locator(f'tr.loom-runs-row[data-run-id="{run_id}"]').wait_for()
    found += axe_violations(page, EDITOR, "runs: history")
    page.locator(f'tr.loom-runs-row[data-run-id="{run_id}"] [data-action="open"]').click()
    gantt = page.locator('[data-role="gantt"]')
    gantt.locator('.loom-runs-gantt-row[data-task="load"]').click()
    pane = page.locator('[data-role="task-pane"]')
    pane.locator('[data-output="error"] pre').wait_for()
    found += axe_violations(page, EDITOR, "runs: detail with a failed task's output")
    gantt.locator('.loom-runs-gantt-row[data-task="summary"]').click()
    pane.locator('iframe[data-role="notebook-export"]').wait_for()
    found += axe_violations(page, EDITOR, "runs: detail with a notebook's output")
    page.locator('[data-role="runs-tab"] [data-action="repair"]').first.click()
    repair = page.locator('.loom-runs-overlay[data-dialog="repair"]')
    repair.locator('[data-role="will-rerun"] li[data-task]').first.wait_for()
    found += axe_violations(page, EDITOR, "runs: repair dialog")

    assert not found, "axe-core found violations:\n" + "\n".join(found)
    assert not console.errors_from_our_code(), console.errors_from_our_code()
