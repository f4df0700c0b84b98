"""The static view beside the live one, in a real JupyterLab and in the notebook's HTML export.

Every widget's output carries two views: the live widget, and a static ``text/html`` (the DAG as
an inline SVG, the jobs list as a table) for where no widget manager runs. In JupyterLab the user
sees the live widgets and nothing of the static views; the notebook JupyterLab saves (no widget
state by default), converted by nbconvert as ``jupyter nbconvert --to html`` does, shows the
static views: every task of the job, the job's name, escaped hostile text, axe-core clean.
One JupyterLab page for the module.
"""

from __future__ import annotations

import time
from typing import Any

import nbformat
import pytest
from nbconvert import HTMLExporter

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core import Job

from .actions import axe_violations
from .conftest import (
    SCREENSHOT_DIR,
    ConsoleLog,
    JupyterLab,
    local_workspace,
    open_and_run_notebook,
    write_notebook,
)
from .test_hostile_text_e2e import HOSTILE, assert_inert

pytestmark = pytest.mark.browser

NOTEBOOK = "static_fallback_e2e.ipynb"
JOB_NAME = f"static {HOSTILE}"
TASK_KEYS = ["ingest", "transform", "publish"]
SETTINGS = {
    "name": JOB_NAME,
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {"task_key": "transform", "depends_on": [{"task_key": "ingest"}],
         "spark_python_task": {"python_file": "etl/transform.py"}},
        {"task_key": "publish", "depends_on": [{"task_key": "transform"}],
         "sql_task": {"warehouse_id": "abc", "query": {"query_id": "q1"}}},
    ],
}  # fmt: skip
LIVE = {"graph": ".loom-jg", "editor": ".loom-je", "browser": ".loom-jb"}
STATIC = ".loom-static, svg.loom-job-svg, table.loom-static-jobs"


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with local_workspace(tmp_path_factory.mktemp("static-fallback")) as served:
        ws: Workspace = served[0]
        ws.jobs.save(Job.from_api({"settings": SETTINGS}))
        yield served


def test_lab_shows_the_live_widgets_and_the_export_the_static_views(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: Any
) -> None:
    _, data = local
    write_notebook(
        jupyter_lab,
        NOTEBOOK,
        [
            f"import loom_jobs_widget as loom\nws = loom.connect('local', data_dir={str(data)!r})"
            f"\nsettings = {SETTINGS!r}",
            "loom.JobGraph.from_settings(settings)",
            "loom.JobEditor(settings=settings, workspace=ws)",
            "loom.JobsBrowser(ws)",
        ],
    )
    open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
    for selector in LIVE.values():
        page.wait_for_selector(f".jp-OutputArea-output {selector}", state="visible",
                               timeout=60_000)
    page.wait_for_selector(".loom-jg-canvas canvas")
    page.wait_for_selector('.loom-je[data-ready="true"][data-node-count="3"]')
    page.wait_for_timeout(400)  # the editor's fit animates
    page.wait_for_function(
        "(name) => document.querySelector('.loom-jb')?.innerText.includes(name)", arg=JOB_NAME
    )
    # One output per widget cell, the live one: the static view is neither shown nor hidden
    # in the page.
    outputs = page.evaluate(
        """() => [...document.querySelectorAll('.jp-Cell')].slice(1).map(
            (cell) => cell.querySelectorAll('.jp-OutputArea-output').length)"""
    )
    assert outputs == [1, 1, 1]
    assert page.locator(STATIC).count() == 0
    assert_inert(page, "JupyterLab")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator(".loom-je").scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOT_DIR / "static-fallback-lab.png"))

    # The notebook as JupyterLab saves it, exported as `jupyter nbconvert --to html` does.
    saved = jupyter_lab.root_dir / NOTEBOOK
    before = saved.stat().st_mtime_ns
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + 30
    while saved.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.1)
    notebook = nbformat.read(saved, as_version=4)
    assert "widgets" not in notebook.metadata  # JupyterLab's default: no widget state saved
    body, _ = HTMLExporter().from_notebook_node(notebook)
    assert console.errors_from_our_code() == []

    exported = page.context.new_page()
    try:
        # Its scripts come from a CDN: nothing on the page waits for them.
        exported.route("http*://**", lambda route: route.abort())
        exported.set_content(body, wait_until="domcontentloaded")
        svgs = exported.locator("svg.loom-job-svg")
        assert svgs.count() == 2  # the graph and the editor
        for index in range(2):
            svg = svgs.nth(index)
            assert svg.is_visible()
            keys = svg.locator("g.loom-task").evaluate_all(
                "(tasks) => tasks.map((g) => g.dataset.taskKey)"
            )
            assert keys == TASK_KEYS
            assert svg.locator("g.loom-edge").count() == 2
            # The name shows as text (the title line), shortened by nothing.
            assert JOB_NAME in svg.locator("text").all_text_contents()
            box = svg.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 60
        table = exported.locator("table.loom-static-jobs")
        assert table.is_visible()
        assert JOB_NAME in table.inner_text()
        assert_inert(exported, "nbconvert export")
        exported.locator(".loom-static").first.screenshot(
            path=str(SCREENSHOT_DIR / "static-fallback-svg.png")
        )
        table.screenshot(path=str(SCREENSHOT_DIR / "static-fallback-table.png"))
        # axe on our outputs only: nbconvert's own page (its prompts' grey) is not ours.
        count = exported.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output')]
                .filter((output) => output.querySelector('.loom-static, .loom-static-jobs'))
                .map((output, index) => { output.id = `loom-static-${index}`; }).length"""
        )
        assert count == 3
        found = []
        for index in range(count):
            found += axe_violations(exported, f"#loom-static-{index}", f"static view {index}")
        assert found == [], "\n".join(found)
    finally:
        exported.close()

