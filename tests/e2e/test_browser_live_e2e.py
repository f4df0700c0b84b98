"""The jobs browser shows the workspace live, in a real JupyterLab: Run now on a row, and the row
shows the run's end without ⟳; Create job, save it in the editor below, and the row appears and
the status line says it was created; a rename saved in the editor, a pause and a delete from
Python: the row follows each. The delays are printed (run with -s)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.browser.live import LONGEST_POLL
from loom_jobs_widget.client import Workspace

from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, run_in_kernel, shoot
from .lab import write_notebook

pytestmark = pytest.mark.browser

BROWSER = ".loom-jb"
SCRIPT = "/Workspace/Shared/live-e2e/sleep.py"
SCHEDULE = {"quartz_cron_expression": "0 0 2 * * ?", "timezone_id": "UTC",
            "pause_status": "UNPAUSED"}  # fmt: skip


def row(page: Any, job_id: int) -> Any:
    return page.locator(f'{BROWSER} tr[data-job-id="{job_id}"]')


def save_in_editor(page: Any) -> None:
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator('[data-action="save"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')


def test_rows_follow_runs_and_saves_without_refresh(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    ws.client.workspace.mkdirs(SCRIPT.rsplit("/", 1)[0])
    ws.client.workspace.upload(SCRIPT, b"import time\ntime.sleep(1.5)\n",
                               format=ImportFormat.AUTO, overwrite=True)  # fmt: skip
    slow = ws.jobs.create({"name": "slow job", "tasks": [
        {"task_key": "sleep", "spark_python_task": {"python_file": SCRIPT}}]})  # fmt: skip
    slow_id = int(slow.job_id)  # type: ignore[arg-type]
    write_notebook(jupyter_lab, "browser_live_e2e.ipynb", [
        "from loom_jobs_widget import connect\n"
        "from loom_jobs_widget.browser import JobsBrowser\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        "b = JobsBrowser(ws)\n"
        "b",
    ])  # fmt: skip
    open_and_run_notebook(page, jupyter_lab, "browser_live_e2e.ipynb")
    page.wait_for_selector(f'{BROWSER}[data-ready="true"][data-row-count="1"]')
    browser = page.locator(BROWSER)
    status = browser.locator(".loom-jb-status")

    # Run now: the row shows the run running, then its end, with no ⟳.
    row(page, slow_id).locator('[data-action="run_now"]').click()
    page.wait_for_selector(
        f'{BROWSER} tr[data-job-id="{slow_id}"]:is([data-run-state="running"],'
        '[data-run-state="pending"])'
    )
    shoot(page, "browser-live-running.png", BROWSER)
    page.wait_for_selector(f'{BROWSER} tr[data-job-id="{slow_id}"][data-run-state="succeeded"]',
                           timeout=20_000)  # fmt: skip
    shown = time.time()
    run = next(iter(ws.runs.list_runs(slow_id, limit=1)))
    run_delay = shown - run["end_time"] / 1000
    print(f"\nthe row showed the run's end {run_delay:.2f} s after the workspace ended it")
    assert run_delay < LONGEST_POLL + 1.0
    assert "Succeeded" in row(page, slow_id).inner_text()
    shoot(page, "browser-live-run-ended.png", BROWSER)

    # Create job, saved in the editor below: the row appears, the status line says so.
    browser.locator('.loom-jb-header [data-action="create"]').click()
    page.wait_for_selector(f'{EDITOR}[data-ready="true"]')
    status.filter(has_text="A new job is open below").wait_for()
    title = page.locator(".loom-je-title")
    title.fill("made in the editor")
    title.press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    clicked = time.time()
    save_in_editor(page)
    page.wait_for_selector(f'{BROWSER}[data-row-count="2"]')
    saved_delay = time.time() - clicked
    print(f"the created job's row appeared {saved_delay:.2f} s after Save was clicked")
    (made,) = [job for job in ws.jobs.list(name="made in the editor")]
    made_id = int(made.job_id)  # type: ignore[arg-type]
    assert row(page, made_id).count() == 1
    status.filter(has_text=f'Created job {made_id} ("made in the editor").').wait_for()
    assert "A new job is open below" not in status.inner_text()
    shoot(page, "browser-live-created.png", BROWSER)

    # A rename saved in the editor.
    title.fill("renamed in the editor")
    title.press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    save_in_editor(page)
    row(page, made_id).locator(".loom-jb-name-link", has_text="renamed in the editor").wait_for()
    status.filter(has_text=f"Saved job {made_id}").wait_for()

    # A schedule added and paused from Python, then the job deleted from Python.
    run_in_kernel(page, (
        f"j = ws.jobs.get({made_id})\n"
        f"j.settings.schedule = {SCHEDULE!r}\n"
        "ws.jobs.save(j)\n"
    ))  # fmt: skip
    page.wait_for_selector(f'{BROWSER} tr[data-job-id="{made_id}"][data-paused="false"]'
                           '[data-trigger="scheduled"]')  # fmt: skip
    run_in_kernel(page, (
        f"j = ws.jobs.get({made_id})\n"
        "j.settings.schedule.pause_status = 'PAUSED'\n"
        "ws.jobs.save(j)\n"
    ))  # fmt: skip
    page.wait_for_selector(f'{BROWSER} tr[data-job-id="{made_id}"][data-paused="true"]')
    shoot(page, "browser-live-paused.png", BROWSER)
    run_in_kernel(page, f"ws.jobs.delete({made_id})")
    row(page, made_id).wait_for(state="detached")
    status.filter(has_text=f"Job {made_id}").filter(has_text="was deleted").wait_for()
    assert browser.get_attribute("data-row-count") == "1"
    shoot(page, "browser-live-deleted.png", BROWSER)
    assert not console.errors_from_our_code(), console.errors_from_our_code()
