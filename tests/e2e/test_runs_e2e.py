"""The Runs tab in a real JupyterLab: run a job with a failing task from the editor, see
its tasks colour live on the canvas, read the run's timeline with the root cause told apart from
the tasks that only failed upstream, read what a notebook task printed, preview a repair, repair
to success and see the failed task once, with both its task runs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat, Language

from loom_jobs_widget.client import Workspace

from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = pytest.mark.browser




def failing_job(ws: Workspace, flag: Path) -> int:
    folder = f"/Workspace/Shared/e2e-runs-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    scripts = {
        # Slow enough to be seen running on the canvas.
        "slow.py": b"import time\ntime.sleep(5)\nprint('extracted')\n",
        "ok.py": b"print('ok')\n",
        "flaky.py": b"import os, sys\nif not os.path.exists(sys.argv[1]):\n"
        b"    raise SystemExit('the input is not there yet')\nprint('loaded')\n",
    }
    for name, body in scripts.items():
        ws.client.workspace.upload(f"{folder}/{name}", body, format=ImportFormat.AUTO,
                                   overwrite=True)  # fmt: skip
    # What it prints is computed, so only its output (not its source) holds "rows 42".
    notebook = (b"# Databricks notebook source\nprint('rows', 6 * 7)\n\n# COMMAND ----------\n\n"
                b"dbutils.notebook.exit('summarised')\n")  # fmt: skip
    ws.client.workspace.upload(f"{folder}/summary", notebook, format=ImportFormat.SOURCE,
                               language=Language.PYTHON, overwrite=True)  # fmt: skip

    def task(key: str, script: str, *after: str, **more: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "task_key": key,
            "spark_python_task": {"python_file": f"{folder}/{script}", "parameters": [str(flag)]},
            **more,
        }
        if after:
            entry["depends_on"] = [{"task_key": upstream} for upstream in after]
        return entry

    settings = {
        "name": "e2e runs",
        "tasks": [
            task("extract", "slow.py"),
            task("load", "flaky.py", "extract"),
            task("report", "ok.py", "load"),
            task("audit", "ok.py", "extract"),
            task("publish", "ok.py", "report"),
            {"task_key": "summary", "depends_on": [{"task_key": "extract"}],
             "notebook_task": {"notebook_path": f"{folder}/summary"}},
        ],
    }
    return int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]


def node_state(page: Any, key: str) -> Any:
    return page.evaluate(
        "(key) => document.querySelector('.loom-je-canvas').__cy.getElementById(key).data('state')",
        key,
    )



def test_run_follow_inspect_and_repair(
    page: Any,
    jupyter_lab: JupyterLab,
    console: ConsoleLog,
    local: tuple[Workspace, Path],
    tmp_path: Path,
) -> None:
    ws, data = local
    flag = tmp_path / "input-ready"
    job_id = failing_job(ws, flag)
    write_notebook(
        jupyter_lab,
        "runs_e2e.ipynb",
        [
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "editor"
        ],
    )
    open_and_run_notebook(page, jupyter_lab, "runs_e2e.ipynb")
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="6"]')

    # Run now, from the Runs tab.
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    page.locator('[data-role="runs-tab"] [data-action="run-now"]').first.click()
    dialog = page.locator('.loom-runs-overlay[data-dialog="run-now"]')
    dialog.locator('[data-action="confirm-run-now"]').click()

    # Live: the canvas colours the running task while the run goes on.
    page.locator('.loom-je-tab[data-tab="tasks"]').click()
    page.wait_for_function(
        """() => ['PENDING', 'QUEUED', 'RUNNING'].includes(document.querySelector(
                '.loom-je-canvas').__cy.getElementById('extract').data('state'))""",
        timeout=60_000,
    )
    strip = page.locator(".loom-je-run-strip")
    strip.wait_for()
    shoot(page, "runs-live-canvas.png")
    page.wait_for_selector(".loom-je-run-strip[data-finished]", timeout=120_000)
    assert node_state(page, "load") == "FAILED"
    assert node_state(page, "report") == "UPSTREAM_FAILED"
    assert node_state(page, "audit") == "SUCCESS"
    shoot(page, "runs-failed-canvas.png")

    # The run's detail: a timeline, the root cause apart from the upstream failures.
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    row = page.locator("tr.loom-runs-row").first
    row.wait_for()
    assert row.get_attribute("data-state") == "FAILED"
    row.locator('[data-action="open"]').click()
    gantt = page.locator('[data-role="gantt"]')
    gantt.wait_for()
    rows = gantt.locator(".loom-runs-gantt-row[data-task]")
    assert rows.count() == 6
    assert gantt.locator('.loom-runs-gantt-row[data-task="load"]').get_attribute(
        "data-root-cause"
    ) == "true"
    assert gantt.locator('.loom-runs-gantt-row[data-task="report"]').get_attribute(
        "data-upstream-only"
    ) == "true"
    assert gantt.locator('[data-role="gantt-bar"][data-task="extract"]').count() == 1
    shoot(page, "runs-detail.png")

    # The notebook task's output: its exit value and what it printed, in a frame of its own.
    gantt.locator('.loom-runs-gantt-row[data-task="summary"]').click()
    pane = page.locator('[data-role="task-pane"]')
    pane.locator('[data-output="result"] pre').wait_for()
    assert pane.locator('[data-output="result"] pre').inner_text() == "summarised"
    frame = pane.locator('iframe[data-role="notebook-export"]')
    frame.wait_for()
    assert frame.get_attribute("sandbox") == ""
    printed = page.frame_locator('[data-role="task-pane"] iframe[data-role="notebook-export"]')
    printed.locator("text=rows 42").first.wait_for(timeout=10_000)
    assert pane.locator('[data-role="no-output"]').count() == 0
    # The local workspace serves no pages: no link out, none that leads nowhere.
    hrefs = page.locator('[data-role="runs-tab"] a').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [], hrefs
    # The task's facts show above its output (the pane scrolls, nothing shrinks away).
    facts = pane.locator(".loom-runs-facts").bounding_box()
    assert facts is not None and facts["height"] > 20, facts
    frame.scroll_into_view_if_needed()
    shoot(page, "runs-notebook-output.png")

    # Repair: the preview says what reruns and what is kept, then the run succeeds.
    flag.touch()
    page.locator('[data-role="runs-tab"] [data-action="repair"]').first.click()
    repair = page.locator('.loom-runs-overlay[data-dialog="repair"]')
    preview = repair.locator('[data-role="repair-preview"]')
    preview.locator('[data-role="will-rerun"] li[data-task]').first.wait_for()
    rerun = preview.locator('[data-role="will-rerun"] li[data-task]').evaluate_all(
        "items => items.map(i => i.dataset.task)"
    )
    kept = preview.locator('[data-role="kept"] li[data-task]').evaluate_all(
        "items => items.map(i => i.dataset.task)"
    )
    assert sorted(rerun) == ["load", "publish", "report"]
    assert sorted(kept) == ["audit", "extract", "summary"]
    shoot(page, "runs-repair-preview.png")
    repair.locator('[data-action="confirm-repair"]').click()
    page.wait_for_function(
        """() => document.querySelector('.loom-je-canvas').__cy
                .getElementById('publish').data('state') === 'SUCCESS'""",
        timeout=120_000,
    )
    runs = list(ws.runs.list_runs(job_id))
    assert len(runs) == 1
    assert runs[0]["state"].get("result_state") == "SUCCESS"
    assert node_state(page, "load") == "SUCCESS"
    shoot(page, "runs-repaired.png")

    # The repaired run's detail: load once, now succeeded, with both of its task runs.
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    page.locator('[data-role="runs-tab"] [data-action="refresh"]').first.click()
    load = page.locator('.loom-runs-gantt-row[data-task="load"][data-state="SUCCESS"]')
    load.wait_for(timeout=30_000)
    assert page.locator('.loom-runs-gantt-row[data-task="load"]').count() == 1
    load.click()
    attempts = page.locator('[data-role="attempts"]')
    attempts.locator("summary").click()
    states = attempts.locator("tr[data-run-id] .loom-runs-badge").evaluate_all(
        "badges => badges.map(b => b.dataset.state)"
    )
    assert states == ["FAILED", "SUCCESS"], states
    shoot(page, "runs-repaired-attempts.png")
    assert not console.errors_from_our_code(), console.errors_from_our_code()
