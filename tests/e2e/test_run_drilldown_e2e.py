"""A run's detail in depth, in a real JupyterLab: a for_each task over five inputs where one
fails opens its five iterations with their inputs and states, the failed one's own output; a
repair from the detail then shows in its repair history with what it reran and how it ended.
The views are axe-core clean."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.client import RunHandle, Workspace

from .actions import axe_script, axe_violations
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = pytest.mark.browser

INPUTS = ["a", "b", "c", "d", "e"]
# Fails on "c" until the flag file (its second argument) exists.
ITEM = (b"import os, sys\nitem, flag = sys.argv[1], sys.argv[2]\nprint('item', item)\n"
        b"if item == 'c' and not os.path.exists(flag):\n"
        b"    raise SystemExit('bad item ' + item)\n")  # fmt: skip


def loop_job(ws: Workspace, flag: Path) -> int:
    folder = f"/Workspace/Shared/e2e-drilldown-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    ws.client.workspace.upload(f"{folder}/item.py", ITEM, format=ImportFormat.AUTO,
                               overwrite=True)  # fmt: skip
    nested = {"task_key": "loop_iteration",
              "spark_python_task": {"python_file": f"{folder}/item.py",
                                    "parameters": ["{{input}}", str(flag)]}}  # fmt: skip
    settings = {
        "name": "e2e drill-down",
        "tasks": [
            {"task_key": "prepare", "spark_python_task": {"python_file": f"{folder}/item.py",
                                                          "parameters": ["ready", str(flag)]}},
            {"task_key": "loop", "depends_on": [{"task_key": "prepare"}],
             "for_each_task": {"inputs": '["a", "b", "c", "d", "e"]', "concurrency": 2,
                               "task": nested}},
        ],
    }  # fmt: skip
    return int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]


def test_iterations_and_repair_history(
    page: Any,
    jupyter_lab: JupyterLab,
    console: ConsoleLog,
    local: tuple[Workspace, Path],
    tmp_path: Path,
) -> None:
    axe_script()
    ws, data = local
    flag = tmp_path / "fixed"
    job_id = loop_job(ws, flag)
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    ended = RunHandle(ws.runs, run_id).wait(timeout=60)
    assert ended["state"].get("result_state") == "FAILED", ended["state"]
    write_notebook(jupyter_lab, "run_drilldown_e2e.ipynb", [
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        f"editor = JobEditor({job_id}, ws)\n"
        "editor"
    ])  # fmt: skip
    open_and_run_notebook(page, jupyter_lab, "run_drilldown_e2e.ipynb")
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="2"]')
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    page.locator(f'tr.loom-runs-row[data-run-id="{run_id}"] [data-action="open"]').click()

    # The for_each task opens its five iterations: each with its input and state.
    page.locator('.loom-runs-gantt-row[data-task="loop"]').click()
    iterations = page.locator('[data-role="iteration-list"] tr.loom-runs-iteration')
    iterations.nth(4).wait_for()
    assert iterations.count() == 5
    inputs = iterations.locator('[data-role="iteration-input"]').all_inner_texts()
    states = iterations.evaluate_all("rows => rows.map(r => r.dataset.state)")
    assert inputs == INPUTS, inputs
    assert states == ["SUCCESS", "SUCCESS", "FAILED", "SUCCESS", "SUCCESS"], states
    count = page.locator('[data-role="iterations-count"]').inner_text()
    assert count == "Showing 1\N{EN DASH}5 of 5", count
    shoot(page, "drilldown-iterations.png")

    # The failed iteration's own output: what its task run printed and why it failed.
    iterations.nth(2).click()
    drill = page.locator('[data-role="iteration-drill"]')
    drill.locator('[data-role="iteration-output"] [data-output]').first.wait_for()
    assert "Iteration 3: c" in drill.locator('[data-role="iteration-title"]').inner_text()
    assert "bad item c" in drill.locator('[data-role="iteration-output"]').inner_text()
    failed_run_id = iterations.nth(2).get_attribute("data-run-id")
    attempt_ids = drill.locator('[data-role="iteration-attempts"] tr').evaluate_all(
        "rows => rows.map(r => r.dataset.runId)"
    )
    assert attempt_ids == [failed_run_id], attempt_ids
    drill.scroll_into_view_if_needed()
    shoot(page, "drilldown-failed-iteration.png")
    found = axe_violations(page, EDITOR, "runs: a for_each task's iterations and one's output")

    # Repair from the detail; the repair history lists it, with what it reran and its result.
    assert page.locator('[data-role="repair-history"]').count() == 0
    flag.touch()
    page.locator('.loom-runs-detail-bar [data-action="repair"]').click()
    repair = page.locator('.loom-runs-overlay[data-dialog="repair"]')
    repair.locator('[data-role="will-rerun"] li[data-task]').first.wait_for()
    repair.locator('[data-action="confirm-repair"]').click()
    repair.wait_for(state="detached")
    RunHandle(ws.runs, run_id).wait(timeout=60)
    page.locator('[data-role="runs-tab"] [data-action="refresh"]').first.click()
    rounds = page.locator('[data-role="repair-history"] [data-role="repair-round"]')
    page.locator('[data-role="repair-round"][data-type="REPAIR"][data-state="SUCCESS"]').wait_for(
        timeout=30_000
    )
    assert rounds.evaluate_all("rs => rs.map(r => [r.dataset.type, r.dataset.state])") == [
        ["ORIGINAL", "FAILED"],
        ["REPAIR", "SUCCESS"],
    ]
    repaired = rounds.nth(1)
    assert repaired.locator('[data-role="reran"]').inner_text() == "Reran: loop"
    assert rounds.nth(0).locator('[data-role="reran"]').inner_text() == "Ran: prepare, loop"
    repaired.locator("summary").click()
    reran = repaired.locator('[data-role="round-tasks"] li')
    assert reran.evaluate_all("items => items.map(i => i.dataset.state)") == ["SUCCESS"]
    repaired.scroll_into_view_if_needed()
    shoot(page, "drilldown-repair-history.png")
    found += axe_violations(page, EDITOR, "runs: a run's repair history")

    # Each round's loop task run lists its own iterations: "c" failed in the original run, and
    # all five succeeded in the repair.
    def iteration_states() -> list[str]:
        return list(page.locator('[data-role="iteration-list"] tr.loom-runs-iteration')
                    .evaluate_all("rows => rows.map(r => r.dataset.state)"))  # fmt: skip

    rounds.nth(0).locator("summary").click()
    rounds.nth(0).locator('[data-action="open-round-task"][data-task="loop"]').click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-role="iteration-list"] tr')]
                .some(r => r.dataset.state === 'FAILED')""",
        timeout=15_000,
    )
    assert iteration_states() == ["SUCCESS", "SUCCESS", "FAILED", "SUCCESS", "SUCCESS"]
    repaired.locator('[data-action="open-round-task"][data-task="loop"]').click()
    page.wait_for_function(
        """() => { const rows = [...document.querySelectorAll(
                '[data-role="iteration-list"] tr.loom-runs-iteration')];
            return rows.length === 5 && rows.every(r => r.dataset.state === 'SUCCESS'); }""",
        timeout=15_000,
    )
    assert page.locator('[data-role="task-pane"]').is_visible()
    page.locator('[data-role="iteration-list"]').scroll_into_view_if_needed()
    shoot(page, "drilldown-repaired-iterations.png")
    assert not found, "axe-core found violations:\n" + "\n".join(found)
    assert not console.errors_from_our_code(), console.errors_from_our_code()
