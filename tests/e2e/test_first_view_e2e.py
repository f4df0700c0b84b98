"""Views drawn from the JobEditor's state, in a real JupyterLab: two views of one editor displayed
at once both draw the job from the widget's state (no `ready` round trip), take the edits made
afterwards, and a view displayed after an edit shows the job as it is now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .conftest import EDITOR, ConsoleLog, JupyterLab, write_notebook
from .lab import _KERNEL_READY, run_in_kernel
from .test_editor_e2e import JOB

pytestmark = pytest.mark.browser

NOTEBOOK = "first_view_e2e.ipynb"


def run_cell(page: Any, index: int) -> None:
    page.evaluate(
        """(index) => {
            window.jupyterapp.shell.currentWidget.content.activeCellIndex = index;
            window.jupyterapp.commands.execute('notebook:run-cell');
        }""",
        index,
    )


def wait_drawn(page: Any, views: int, tasks: int) -> None:
    """Until `views` editors show, each having drawn a job of `tasks` tasks."""
    page.wait_for_function(
        """([selector, count, tasks]) => {
            const views = [...document.querySelectorAll(selector)];
            return views.length === count
                && views.every((v) => v.dataset.nodeCount === String(tasks) && v.dataset.drawnAt);
        }""",
        arg=[EDITOR, views, tasks],
    )


def node_counts(page: Any) -> list[str | None]:
    return [e.get_attribute("data-node-count") for e in page.locator(EDITOR).all()]


def test_views_drawn_from_the_state_follow_the_edits(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    job_id = int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]
    tasks = len(JOB["tasks"])
    write_notebook(
        jupyter_lab,
        NOTEBOOK,
        [
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "first_view = editor.first_view\n"
            "display(editor)\n"
            "display(editor)",
            "editor",
        ],
    )
    lab = jupyter_lab
    page.goto(f"{lab.url}/lab/workspaces/first_view/tree/{NOTEBOOK}?token={lab.token}")
    page.wait_for_function(_KERNEL_READY, timeout=90_000)
    run_cell(page, 0)
    wait_drawn(page, 2, tasks)
    # Both drew from the state: the graph was never asked for, so the state still holds it.
    run_in_kernel(page, "assert editor.first_view and editor.first_view == first_view")

    # An edit from Python reaches both views as a patch on the graph they drew.
    run_in_kernel(page, "editor.add_task(after=['report'])")
    page.wait_for_function(
        """([selector, tasks]) => [...document.querySelectorAll(selector)]
            .every((v) => v.dataset.nodeCount === String(tasks))""",
        arg=[EDITOR, tasks + 1],
    )
    run_in_kernel(page, "assert editor.first_view == ''")

    # A view displayed now asks for the graph and shows the job with the new task.
    run_cell(page, 1)
    page.wait_for_function(
        """([selector, tasks]) => {
            const views = [...document.querySelectorAll(selector)];
            return views.length === 3 && views.every((v) => v.dataset.nodeCount === String(tasks));
        }""",
        arg=[EDITOR, tasks + 1],
    )
    assert node_counts(page) == [str(tasks + 1)] * 3
    assert console.errors_from_our_code() == []


def test_two_editors_share_one_loaded_bundle_and_no_element_id(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    first = int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]
    second = int(ws.jobs.create({**JOB, "name": "second"}).job_id)  # type: ignore[arg-type]
    write_notebook(
        jupyter_lab,
        "two_editors_e2e.ipynb",
        [
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"display(JobEditor({first}, ws))\n"
            f"display(JobEditor({second}, ws))",
        ],
    )
    lab = jupyter_lab
    page.goto(f"{lab.url}/lab/workspaces/two_editors/tree/two_editors_e2e.ipynb?token={lab.token}")
    page.wait_for_function(_KERNEL_READY, timeout=90_000)
    run_cell(page, 0)
    wait_drawn(page, 2, len(JOB["tasks"]))
    found = page.evaluate(
        """(selector) => {
            const ids = [...document.querySelectorAll(`${selector} [id]`)].map((e) => e.id);
            const bundles = globalThis[Symbol.for("loom-jobs-widget/bundles")];
            return { ids: ids.length, unique: new Set(ids).size, bundles: bundles?.size ?? 0 };
        }""",
        EDITOR,
    )
    # One module for both editors: a second editor neither compiles the bundle again nor reuses
    # the first one's element ids (a label's `for` would then name a field of the other editor).
    assert found["bundles"] == 1
    assert found["ids"] > 0 and found["unique"] == found["ids"]
    assert console.errors_from_our_code() == []
