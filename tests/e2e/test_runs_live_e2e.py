"""The Runs tab live, in a real JupyterLab: a long task's run ticks its elapsed clock and is in
the history at once; a cancel reads Canceled in the strip, the history, the detail and on the
canvas together, not as tasks that "failed upstream"; and two editors of one job in one kernel
see each other's save (the delay from the click on Save to the other editor showing it is
printed)."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.client import Workspace

from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = pytest.mark.browser

STRIP = '[data-role="runs-tab"] [data-role="progress"]'
STRIP_TEXT = f'{STRIP} [data-role="progress-text"]'


def slow_job(ws: Workspace) -> int:
    """A 60 s task, and one after it that a cancel leaves unrun (UPSTREAM_CANCELED)."""
    folder = f"/Workspace/Shared/e2e-live-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    ws.client.workspace.upload(f"{folder}/slow.py", b"import time\ntime.sleep(60)\n",
                               format=ImportFormat.AUTO, overwrite=True)  # fmt: skip
    ws.client.workspace.upload(f"{folder}/ok.py", b"print('ok')\n", format=ImportFormat.AUTO,
                               overwrite=True)  # fmt: skip
    settings = {
        "name": "e2e live run",
        "tasks": [
            {"task_key": "slow", "spark_python_task": {"python_file": f"{folder}/slow.py"}},
            {"task_key": "after", "depends_on": [{"task_key": "slow"}],
             "spark_python_task": {"python_file": f"{folder}/ok.py"}},
        ],
    }  # fmt: skip
    return int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]


def elapsed_seconds(text: str) -> int:
    found = re.search(r"(?:(\d+):)?(\d\d):(\d\d) elapsed", text)
    assert found, text
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def canvas_state(page: Any, key: str) -> Any:
    return page.evaluate(
        "(key) => document.querySelector('.loom-je-canvas').__cy.getElementById(key).data('state')",
        key,
    )


def test_a_long_run_is_live_and_a_cancel_reads_as_one(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    job_id = slow_job(ws)
    write_notebook(jupyter_lab, "runs_live_e2e.ipynb", [
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        f"editor = JobEditor({job_id}, ws)\n"
        "editor"
    ])  # fmt: skip
    open_and_run_notebook(page, jupyter_lab, "runs_live_e2e.ipynb")
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="2"]')
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    page.locator(".loom-runs-history .loom-runs-empty, .loom-runs-history table").first.wait_for()

    page.locator('[data-role="runs-tab"] [data-action="run-now"]').first.click()
    page.locator('[data-action="confirm-run-now"]').click()
    page.wait_for_selector(f'{STRIP}[data-state="RUNNING"]', timeout=30_000)
    run_id = page.locator(STRIP).get_attribute("data-run-id")
    # The history lists the run with the strip's first read, without a Refresh.
    page.wait_for_selector(f'tr[data-run-id="{run_id}"][data-state="RUNNING"]', timeout=1_000)
    first = elapsed_seconds(page.locator(STRIP_TEXT).inner_text())
    time.sleep(4)
    later = elapsed_seconds(page.locator(STRIP_TEXT).inner_text())
    print(f"elapsed: {first} s, then {later} s 4 s later")
    assert later >= first + 3, (first, later)
    assert later >= 4
    shoot(page, "runs-live-elapsed.png")

    # Open its detail, then cancel from the strip.
    page.locator(f'{STRIP} [data-action="open-followed-detail"]').click()
    badge = page.locator(".loom-runs-detail-bar .loom-runs-badge")
    badge.wait_for()
    assert badge.get_attribute("data-state") == "RUNNING"
    page.locator(f'{STRIP} [data-action="cancel-followed"]').click()
    clicked = time.monotonic()
    page.wait_for_selector(f'{STRIP}[data-state="CANCELED"]', timeout=15_000)
    strip_at = time.monotonic()
    # Within one read of the strip, everything says the same.
    page.wait_for_selector(
        '.loom-runs-detail-bar .loom-runs-badge[data-state="CANCELED"]', timeout=2_000
    )
    history_row = page.locator(f'tr[data-run-id="{run_id}"]')
    assert history_row.get_attribute("data-state") == "CANCELED"
    assert canvas_state(page, "slow") == "CANCELED"
    print(f"cancel: strip after {strip_at - clicked:.2f} s; detail, history, canvas with it")
    text = page.locator(STRIP_TEXT).inner_text()
    assert text.startswith("Canceled"), text
    page.wait_for_timeout(1_000)  # the strip's count of upstream failures comes after
    text = page.locator(STRIP_TEXT).inner_text()
    assert "upstream" not in text, text
    shoot(page, "runs-live-canceled.png")
    assert not console.errors_from_our_code(), console.errors_from_our_code()


def test_two_editors_of_one_job_see_each_others_save(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    created = ws.jobs.create({
        "name": "e2e shared",
        "tasks": [{"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}}],
    })  # fmt: skip
    job_id = int(created.job_id)  # type: ignore[arg-type]
    write_notebook(jupyter_lab, "two_editors_e2e.ipynb", [
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        f"first = JobEditor({job_id}, ws)\n"
        "first",
        f"second = JobEditor({job_id}, ws)\nsecond",
    ])  # fmt: skip
    open_and_run_notebook(page, jupyter_lab, "two_editors_e2e.ipynb")
    page.wait_for_function(
        f"() => document.querySelectorAll('{EDITOR}[data-ready=\"true\"]').length === 2"
    )
    first, second = page.locator(EDITOR).nth(0), page.locator(EDITOR).nth(1)
    title = first.locator(".loom-je-title")
    title.fill("renamed in the first")
    title.press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    first.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator(".loom-je-change").first.wait_for()
    review.locator('[data-action="save"]').click()
    clicked = time.monotonic()
    page.wait_for_function(
        """() => document.querySelectorAll('.loom-je')[1]
                .querySelector('.loom-je-title').value === 'renamed in the first'""",
        timeout=10_000,
    )
    delay = time.monotonic() - clicked
    print(f"save in the first editor -> shown in the second: {delay * 1000:.0f} ms")
    assert second.get_attribute("data-dirty") == "false"
    second.locator(".loom-je-toast-text", has_text="saved elsewhere").wait_for()
    second.scroll_into_view_if_needed()
    shoot(page, "two-editors-saved-elsewhere.png", f"{EDITOR} >> nth=1")
    assert not console.errors_from_our_code(), console.errors_from_our_code()
