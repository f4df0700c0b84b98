"""The %loom_* magics in a real JupyterLab: a job written in a cell as bundle YAML opens
in the editor unsaved, and saves; a saved job opens by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot, write_notebook

pytestmark = pytest.mark.browser

BUNDLE_CELL = """%%loom_job
resources:
  jobs:
    etl:
      name: etl from yaml
      tasks:
        - task_key: load
          notebook_task:
            notebook_path: /src/load
            base_parameters: {catalog: "${var.catalog}"}
        - task_key: report
          depends_on: [{task_key: load}]
          notebook_task: {notebook_path: /src/report}
"""


def test_cell_and_line_magics(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    ws.jobs.create({"name": "saved by name", "tasks": [
        {"task_key": "only", "notebook_task": {"notebook_path": "/only"}}]})  # fmt: skip
    write_notebook(
        jupyter_lab,
        "magics_e2e.ipynb",
        [
            "%load_ext loom_jobs_widget",
            f"%loom_connect local --data {data}",
            BUNDLE_CELL,
            "%loom_job saved by name",
        ],
    )
    open_and_run_notebook(page, jupyter_lab, "magics_e2e.ipynb")
    editors = page.locator(EDITOR)
    page.wait_for_function(
        "() => document.querySelectorAll('.loom-je[data-ready=\"true\"]').length === 2",
        timeout=90_000,
    )
    from_yaml, by_name = editors.nth(0), editors.nth(1)
    assert from_yaml.get_attribute("data-node-count") == "2"
    assert from_yaml.get_attribute("data-edge-count") == "1"
    assert from_yaml.get_attribute("data-dirty") == "true"  # not saved until Save
    assert from_yaml.locator(".loom-je-title").input_value() == "etl from yaml"
    assert by_name.get_attribute("data-node-count") == "1"
    assert by_name.locator(".loom-je-title").input_value() == "saved by name"
    shoot(page, "magics-yaml-editor.png", f"{EDITOR} >> nth=0")

    # Save creates the job, ${var.catalog} kept as written.
    from_yaml.locator('.loom-je-toolbar [data-action="review"]').click()
    dialog = page.locator('[data-dialog="review"]')
    dialog.locator('[data-action="save"]').click()
    page.wait_for_function(
        "() => document.querySelector('.loom-je').dataset.dirty === 'false'", timeout=30_000
    )
    created = [job for job in ws.jobs.list(name="etl from yaml")]
    assert len(created) == 1
    settings = ws.jobs.get(int(created[0].job_id)).settings  # type: ignore[arg-type]
    assert settings is not None
    first = settings.to_api()["tasks"][0]
    assert first["notebook_task"]["base_parameters"] == {"catalog": "${var.catalog}"}
    assert not console.errors_from_our_code(), console.errors_from_our_code()
