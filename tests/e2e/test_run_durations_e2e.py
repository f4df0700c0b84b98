"""A running run's Duration ticks, in a real JupyterLab: with a 20 s task running (started
outside the widget, so no progress of a followed run redraws its row), the runs history's
Duration cell counts up second by second while its row stays the one drawn by the last read,
and once the run ended it reads the server's final figure and stays there."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.client.run_views import run_duration

from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = pytest.mark.browser

TASK_SECONDS = 20


def seconds(text: str) -> float:
    """ "0.4s" -> 0.4, "7s" -> 7, "1m 05s" -> 65 (js/src/editor/runs/format.ts formatDuration)."""
    found = re.fullmatch(r"(?:(\d+)m )?(\d+(?:\.\d)?)s", text.strip())
    assert found, text
    return int(found.group(1) or 0) * 60 + float(found.group(2))


def duration_words(ms: int) -> str:
    if ms < 1000:
        return "0s" if ms == 0 else f"{ms / 1000:.1f}s"
    total = ms // 1000
    minutes, secs = divmod(total, 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


# The row is marked; a read of the history draws new rows, and the mark goes with the old one.
_MARK = """(runId) => {
    const row = document.querySelector(`tr[data-run-id="${runId}"]`);
    row.__loomProbe = true;
}"""
_SAMPLE = """(runId) => {
    const row = document.querySelector(`tr[data-run-id="${runId}"]`);
    const cell = row && row.querySelector('td.loom-runs-num');
    return { same: !!row && row.__loomProbe === true, text: cell ? cell.textContent : null,
             state: row ? row.dataset.state : null };
}"""


def test_a_running_runs_duration_ticks_then_reads_the_final_figure(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    folder = f"/Workspace/Shared/e2e-durations-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    ws.client.workspace.upload(f"{folder}/slow.py",
                               f"import time\ntime.sleep({TASK_SECONDS})\n".encode(),
                               format=ImportFormat.AUTO, overwrite=True)  # fmt: skip
    task = {"task_key": "slow", "spark_python_task": {"python_file": f"{folder}/slow.py"}}
    created = ws.jobs.create({"name": "e2e durations", "tasks": [task]})
    job_id = int(created.job_id)  # type: ignore[arg-type]
    write_notebook(jupyter_lab, "run_durations_e2e.ipynb", [
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        f"editor = JobEditor({job_id}, ws)\n"
        "editor"
    ])  # fmt: skip
    open_and_run_notebook(page, jupyter_lab, "run_durations_e2e.ipynb")
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="1"]')
    # Started through the SDK's own client: the editor does not follow it, so nothing but the
    # history's reads and its clock draws the row.
    run_id = int(ws.client.jobs.run_now(job_id).run_id)
    deadline = time.monotonic() + 20
    while ws.client.jobs.get_run(run_id).start_time in (None, 0):
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.2)
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    page.wait_for_selector(f'tr[data-run-id="{run_id}"][data-active="true"]')

    # Between two reads of the page (the history reads a page with an active run every 10 s):
    # the same row, a Duration that grew by about the time waited.
    for _attempt in range(3):
        page.evaluate(_MARK, run_id)
        first = page.evaluate(_SAMPLE, run_id)
        page.wait_for_timeout(2_300)
        later = page.evaluate(_SAMPLE, run_id)
        if later["same"]:
            break
    print(f"Duration: {first['text']} then {later['text']} 2.3 s later, the same row")
    assert later["same"], "a read of the history redrew the row in each of three tries"
    assert seconds(later["text"]) >= seconds(first["text"]) + 1.5, (first, later)
    shoot(page, "run-durations-ticking.png")

    # Once the run ended, the server's duration, and no more ticking.
    page.wait_for_selector(
        f'tr[data-run-id="{run_id}"]:not([data-active])', timeout=(TASK_SECONDS + 20) * 1000
    )
    final = duration_words(int(run_duration(ws.client.jobs.get_run(run_id).as_dict()) or 0))
    shown = page.evaluate(_SAMPLE, run_id)["text"]
    page.wait_for_timeout(1_500)
    still = page.evaluate(_SAMPLE, run_id)["text"]
    print(f"ended: shows {shown}, the server says {final}")
    assert shown == final, (shown, final)
    assert still == final, (still, final)
    shoot(page, "run-durations-ended.png")
    assert not console.errors_from_our_code(), console.errors_from_our_code()
