"""The editor and the jobs browser in a JupyterLab window 900 px wide, in a real JupyterLab: with
the file browser sidebar closed and open, the editor (canvas with a task panel open, every job
tab, the runs history, a run's detail) and the jobs browser lie within the notebook's output
area, nothing in them scrolls sideways, and every button lies inside the widget. A 1280 px
window is shot too, to compare with how it looked before.

One JupyterLab page for the module: the editor and the browser are two cells of one notebook.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from .actions import axe_script, axe_violations, node_point
from .conftest import (
    EDITOR,
    ConsoleLog,
    JupyterLab,
    local_workspace,
    open_and_run_notebook,
    shoot,
    watched_page,
    write_notebook,
)

pytestmark = pytest.mark.browser

BROWSER = ".loom-jb"
NOTEBOOK = "narrow_lab_e2e.ipynb"
JOB_TABS = ["details", "schedule", "notifications", "parameters", "permissions"]

# What does not fit, one line each: the widget outside its output area, a box that scrolls
# sideways (the widget's, the output area's), a control outside the widget. A control inside a
# box made to scroll sideways (the tab bar, a wide table's own scroller) is reachable by
# scrolling and is not counted.
_MISFITS = """(selector) => {
    const root = document.querySelector(selector);
    if (!root) return [`${selector} is not on the page`];
    const output = root.closest('.jp-OutputArea-output');
    if (!output) return [`${selector} is not in an output area`];
    const o = output.getBoundingClientRect();
    const r = root.getBoundingClientRect();
    const px = (n) => Math.round(n);
    const name = (el) => {
        const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
        const action = el.dataset.action ? `[data-action=${el.dataset.action}]` : '';
        return [el.tagName.toLowerCase(), ...classes.filter(Boolean)].join('.') + action;
    };
    const misfits = [];
    if (r.left < o.left - 1 || r.right > o.right + 1) {
        misfits.push(`${selector} spans ${px(r.left)}..${px(r.right)}, `
            + `output area ${px(o.left)}..${px(o.right)}`);
    }
    const boxes = [root, output, output.closest('.jp-OutputArea'), output.closest('.jp-Cell')];
    for (const box of boxes) {
        if (box && box.scrollWidth > box.clientWidth + 1) {
            misfits.push(`${name(box)} scrolls sideways: ${box.scrollWidth} > ${box.clientWidth}`);
        }
    }
    const scrolls = (el) => {
        for (let at = el.parentElement; at && at !== root; at = at.parentElement) {
            const x = getComputedStyle(at).overflowX;
            if ((x === 'auto' || x === 'scroll') && at.scrollWidth > at.clientWidth) return true;
        }
        return false;
    };
    const controls = root.querySelectorAll('button, select, input, textarea, a[href], [role=tab]');
    for (const el of controls) {
        const b = el.getBoundingClientRect();
        if (!b.width || !el.checkVisibility({ visibilityProperty: true }) || scrolls(el)) continue;
        if (b.left < r.left - 1 || b.right > r.right + 1) {
            misfits.push(`${name(el)} "${(el.textContent || el.title || '').trim().slice(0, 30)}" `
                + `spans ${px(b.left)}..${px(b.right)}, the widget ${px(r.left)}..${px(r.right)}`);
        }
    }
    return misfits;
}"""


class Lab:
    def __init__(self, page: Any, console: ConsoleLog, run_id: int) -> None:
        self.page = page
        self.console = console
        self.run_id = run_id


@pytest.fixture(scope="module")
def lab(
    browser: Any, jupyter_lab: JupyterLab, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Lab]:
    axe_script()
    with local_workspace(tmp_path_factory.mktemp("narrow")) as (ws, data):
        folder = f"/Workspace/Shared/e2e-narrow-{uuid.uuid4().hex[:8]}"
        ws.client.workspace.mkdirs(folder)
        ws.client.workspace.upload(f"{folder}/ok.py", b"print('ok')\n", format=ImportFormat.AUTO)
        ok = {"python_file": f"{folder}/ok.py"}
        settings = {
            "name": "e2e a job with a name long enough to need some room in a narrow notebook",
            "tasks": [
                {"task_key": "extract", "spark_python_task": ok},
                {"task_key": "transform", "depends_on": [{"task_key": "extract"}],
                 "spark_python_task": ok},
                {"task_key": "publish", "depends_on": [{"task_key": "transform"}],
                 "spark_python_task": ok},
            ],
            "parameters": [{"name": "env", "default": "dev"}],
        }  # fmt: skip
        job_id = int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]
        run_id = int(ws.client.jobs.run_now(job_id).run_id)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = ws.client.jobs.get_run(run_id).state
            if state and state.life_cycle_state and state.life_cycle_state.value == "TERMINATED":
                break
            time.sleep(0.3)
        write_notebook(jupyter_lab, NOTEBOOK, [
            "from loom_jobs_widget import JobEditor, connect\n"
            "from loom_jobs_widget.browser import JobsBrowser\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "editor",
            "JobsBrowser(ws)",
        ])  # fmt: skip
        console = ConsoleLog()
        with watched_page(browser, console, viewport={"width": 900, "height": 800}) as page:
            open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
            page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="3"]')
            page.wait_for_selector(f'{BROWSER}[data-ready="true"]')
            yield Lab(page, console, run_id)


def _sidebar(page: Any, open_: bool) -> None:
    if open_:
        page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    else:
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    page.wait_for_function("(open) => window.jupyterapp.shell.leftCollapsed === !open", arg=open_)
    page.wait_for_timeout(400)  # the notebook panel takes its new width


def _settled(page: Any) -> None:
    page.wait_for_timeout(350)  # a ResizeObserver's frame, the canvas's fit


def _open_tab(page: Any, tab: str) -> None:
    page.locator(f'.loom-je-tab[data-tab="{tab}"]').click()
    page.wait_for_selector(f'{EDITOR}[data-tab="{tab}"]')
    _settled(page)


def _misfits(page: Any, selector: str, view: str) -> list[str]:
    page.locator(selector).scroll_into_view_if_needed()
    found = [f"{view}: {line}" for line in page.evaluate(_MISFITS, selector)]
    if view.startswith("900-sidebar"):  # the narrowest layout: stacked panes, wrapped bars
        found += axe_violations(page, selector, view)
    return found


def _every_view(lab: Lab, width: str) -> list[str]:
    """Each view of the editor and the browser, shot and measured."""
    page = lab.page
    misfits: list[str] = []
    _open_tab(page, "tasks")
    close = page.locator('.loom-je-panel:not([hidden]) [data-action="close-panel"]')
    if close.count():
        close.click()
        _settled(page)
    misfits += _misfits(page, EDITOR, f"{width} canvas")
    x, y = node_point(page, "transform")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="transform"]')
    _settled(page)
    misfits += _misfits(page, EDITOR, f"{width} task panel")
    shoot(page, f"narrow-{width}-panel.png")
    for tab in JOB_TABS:
        _open_tab(page, tab)
        misfits += _misfits(page, EDITOR, f"{width} {tab} tab")
        shoot(page, f"narrow-{width}-{tab}.png")
    _open_tab(page, "runs")
    page.locator('[data-role="runs-tab"] [data-action="view-history"]').click()
    page.wait_for_selector(f'tr[data-run-id="{lab.run_id}"]')
    misfits += _misfits(page, EDITOR, f"{width} runs history")
    shoot(page, f"narrow-{width}-runs.png")
    page.locator('[data-role="runs-tab"] [data-action="view-matrix"]').click()
    page.wait_for_selector('[data-role="runs-tab"][data-view="matrix"]')
    _settled(page)
    misfits += _misfits(page, EDITOR, f"{width} runs matrix")
    page.locator('[data-role="runs-tab"] [data-action="view-history"]').click()
    page.locator(f'tr[data-run-id="{lab.run_id}"] [data-action="open"]').click()
    page.wait_for_selector(f'.loom-runs-detail [data-run-id="{lab.run_id}"]')
    _settled(page)
    if not page.locator(".loom-runs-taskpane:not([hidden])").count():
        page.locator('.loom-runs-gantt-row[data-task="transform"]').click()
    page.wait_for_selector(".loom-runs-taskpane:not([hidden])")
    _settled(page)
    misfits += _misfits(page, EDITOR, f"{width} run detail")
    shoot(page, f"narrow-{width}-run-detail.png")
    _open_tab(page, "tasks")
    misfits += _misfits(page, BROWSER, f"{width} jobs browser")
    shoot(page, f"narrow-{width}-browser.png", BROWSER)
    return misfits


def test_the_editor_and_the_browser_fit_a_900px_lab(lab: Lab) -> None:
    misfits: list[str] = []
    _sidebar(lab.page, False)
    misfits += _every_view(lab, "900")
    _sidebar(lab.page, True)
    misfits += _every_view(lab, "900-sidebar")
    _sidebar(lab.page, False)
    assert not misfits, "\n".join(misfits)
    assert not lab.console.errors_from_our_code(), lab.console.errors_from_our_code()


def test_a_1280px_lab_still_fits(lab: Lab) -> None:
    lab.page.set_viewport_size({"width": 1280, "height": 900})
    _settled(lab.page)
    misfits = _every_view(lab, "1280")
    assert not misfits, "\n".join(misfits)
