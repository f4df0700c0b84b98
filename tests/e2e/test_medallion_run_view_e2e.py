"""The medallion job on local Spark, in a real JupyterLab: the notebook's kernel starts a local
workspace with Spark on, uploads the bronze / silver / gold notebooks and opens the job in the
editor; from its Runs tab the user runs it, opens the run, picks the gold task and reads the
table its `display(df)` drew, in the task's exported page.

The kernel inherits `LOOM_JOBS_SPARK=0` from the test session: Spark is on only because the
cell asks for it (`connect("local", spark=True, ...)`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace, connect

from ..local.exec.spark_support import needs_spark
from ..local.exec.test_medallion import (
    GOLD_TABLE,
    NOTEBOOKS,
    ORDERS_CSV,
    VOLUME_CSV,
    medallion_settings,
)
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = [
    pytest.mark.browser,
    needs_spark,
]

_FOLDER = "/Workspace/Shared/medallion"
# The run starts Spark (5-20 s) before bronze reads the CSV.
_RUN_TIMEOUT_MS = 150_000


def _kernel_cell(data: Path) -> str:
    landed = VOLUME_CSV.removeprefix("/Volumes/")
    return (
        "from databricks.sdk.service.workspace import ImportFormat, Language\n"
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', spark=True, data_dir={str(data)!r})\n"
        f"landed = ws.local_folder / 'volumes' / {landed!r}\n"
        "landed.parent.mkdir(parents=True, exist_ok=True)\n"
        f"landed.write_text({ORDERS_CSV!r})\n"
        f"ws.client.workspace.mkdirs({_FOLDER!r})\n"
        f"for name, source in {NOTEBOOKS!r}.items():\n"
        f"    ws.client.workspace.upload({_FOLDER!r} + '/' + name, source.encode(),\n"
        "        format=ImportFormat.SOURCE, language=Language.PYTHON, overwrite=True)\n"
        f"job_id = int(ws.jobs.create({medallion_settings(_FOLDER)!r}).job_id)\n"
        "editor = JobEditor(job_id, ws)\n"
        "editor"
    )


def _export_rows(frame: Any) -> list[list[str]]:
    rows: list[list[str]] = frame.locator("table.loom-display-table tr").evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent))"
    )
    return rows


def test_the_gold_task_output_shows_the_displayed_table(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, tmp_path: Path
) -> None:
    data = tmp_path / "workspace"
    write_notebook(jupyter_lab, "medallion_e2e.ipynb", [_kernel_cell(data)])
    open_and_run_notebook(page, jupyter_lab, "medallion_e2e.ipynb")
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="3"]', timeout=60_000)

    page.locator('.loom-je-tab[data-tab="runs"]').click()
    page.locator('[data-role="runs-tab"] [data-action="run-now"]').first.click()
    page.locator(
        '.loom-runs-overlay[data-dialog="run-now"] [data-action="confirm-run-now"]'
    ).click()
    row = page.locator("tr.loom-runs-row").first
    row.wait_for()
    page.locator('tr.loom-runs-row[data-state="SUCCESS"]').wait_for(timeout=_RUN_TIMEOUT_MS)
    row.locator('[data-action="open"]').click()

    gantt = page.locator('[data-role="gantt"]')
    gantt.wait_for()
    states = gantt.locator(".loom-runs-gantt-row[data-task]").evaluate_all(
        "rows => rows.map(r => [r.dataset.task, r.dataset.state])"
    )
    assert sorted(states) == [["bronze", "SUCCESS"], ["gold", "SUCCESS"], ["silver", "SUCCESS"]]
    gantt.locator('.loom-runs-gantt-row[data-task="gold"]').click()
    pane = page.locator('[data-role="task-pane"]')
    pane.locator('iframe[data-role="notebook-export"]').wait_for()
    frame = page.frame_locator('[data-role="task-pane"] iframe[data-role="notebook-export"]')
    frame.locator("table.loom-display-table").first.wait_for(timeout=10_000)
    assert _export_rows(frame) == GOLD_TABLE
    pane.locator('iframe[data-role="notebook-export"]').scroll_into_view_if_needed()
    shoot(page, "medallion-gold-output.png")

    # The kernel's workspace, seen from outside: the same run, succeeded.
    ws: Workspace = connect("local", data_dir=data)
    try:
        job = next(iter(ws.jobs.list(name="medallion")))
        runs = list(ws.runs.list_runs(int(job.job_id)))  # type: ignore[arg-type]
        assert [run["state"].get("result_state") for run in runs] == ["SUCCESS"]
    finally:
        ws.close()
    assert console.errors_from_our_code() == []
