"""The editor's header in a real JupyterLab: the job's name takes the room the header has (cut,
with the whole name in its tooltip, only when there is none left), and a message ("Saved job 6.",
a refused dependency) is shown once, as a toast that goes away, without moving the canvas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import axe_violations, drag, editor_notebook, wait_ready
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, run_in_kernel, shoot

pytestmark = pytest.mark.browser

# Wide enough that the old fixed guess of the title's width (9.6 px a character, at most 520 px)
# cut it, short enough to fit a 1280 px wide JupyterLab beside the header's chips.
NAME = "Nightly ETL of Warehouse Metrics (EMEA, APAC)"
LONG_NAME = "Quarterly reconciliation of every regional ledger " * 8

JOB: dict[str, Any] = {
    "name": NAME,
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {
            "task_key": "transform",
            "depends_on": [{"task_key": "ingest"}],
            "notebook_task": {"notebook_path": "/etl/transform"},
        },
        {
            "task_key": "report",
            "depends_on": [{"task_key": "transform"}],
            "notebook_task": {"notebook_path": "/etl/report"},
        },
    ],
}

_CANVAS_TOP = "() => document.querySelector('.loom-je-canvas').getBoundingClientRect().top"

# Every element of the editor that shows `text` (in a text node of its own, on screen).
_PLACES_SHOWING = """(text) => {
    const places = [];
    const walker = document.createTreeWalker(document.querySelector('.loom-je'),
                                             NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.includes(text) || !element) continue;
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        if (box.width > 0 && box.height > 0 && style.visibility !== 'hidden') {
            places.push(element.className || element.tagName);
        }
    }
    return places;
}"""

# The title input: the width it is drawn at and the width its text needs.
_TITLE_WIDTHS = """() => {
    const input = document.querySelector('.loom-je .loom-je-title');
    const header = document.querySelector('.loom-je .loom-je-header');
    return { client: input.clientWidth, scroll: input.scrollWidth,
             header: header.clientWidth, headerScroll: header.scrollWidth,
             tooltip: input.title, name: input.getAttribute('aria-label') };
}"""


def test_the_header_shows_the_name_and_messages_without_moving(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    job_id = int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]
    editor_notebook(jupyter_lab, "editor_header_e2e.ipynb", data, job_id)
    open_and_run_notebook(page, jupyter_lab, "editor_header_e2e.ipynb")
    wait_ready(page, 3)
    # The canvas is laid out once the graph is drawn; measure after that.
    page.wait_for_function("() => document.querySelector('.loom-je-canvas').__cy")
    editor = page.locator(EDITOR)

    # The name fits in the header: it is drawn whole.
    widths = page.evaluate(_TITLE_WIDTHS)
    assert widths["scroll"] <= widths["client"], widths
    assert widths["tooltip"].startswith(NAME), widths
    assert widths["name"] == "Job name", widths
    shoot(page, "header-title.png")
    top = page.evaluate(_CANVAS_TOP)

    # A dependency that would close a cycle: refused, said once, and nothing moves.
    drag(page, "report", "ingest")
    toast = page.locator(".loom-je-toast", has_text="cycle")
    toast.wait_for()
    assert toast.get_attribute("role") == "alert"
    # Python has set its status too (the same words) and the view has it.
    run_in_kernel(page, "assert 'cycle' in editor.status['text'], editor.status")
    page.wait_for_timeout(400)
    cycle = toast.locator(".loom-je-toast-text").inner_text()
    assert page.evaluate(_PLACES_SHOWING, cycle) == ["loom-je-toast-text"]
    assert page.evaluate(_CANVAS_TOP) == top
    assert editor.get_attribute("data-edge-count") == "2"
    shoot(page, "header-cycle-refused.png")
    found = axe_violations(page, EDITOR, "editor: a refused edit's toast")
    toast.locator(".loom-je-toast-close").click()
    toast.wait_for(state="detached")

    # A save: "Saved job N." once, as a toast that goes away by itself; nothing moves.
    run_in_kernel(page, "editor.save()")
    saved = page.locator(".loom-je-toast", has_text=f"Saved job {job_id}.")
    saved.wait_for()
    assert saved.get_attribute("role") == "status"
    page.wait_for_timeout(400)
    assert page.evaluate(_PLACES_SHOWING, f"Saved job {job_id}.") == ["loom-je-toast-text"]
    assert page.evaluate(_CANVAS_TOP) == top
    shoot(page, "header-saved.png")
    found += axe_violations(page, EDITOR, "editor: a save's toast")
    saved.wait_for(state="detached", timeout=8_000)
    assert page.evaluate(_CANVAS_TOP) == top

    # A name longer than the header: cut with an ellipsis, whole in the tooltip, and the
    # header does not overflow.
    title = page.locator(".loom-je-title")
    title.fill(LONG_NAME.strip())
    title.press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    widths = page.evaluate(_TITLE_WIDTHS)
    assert widths["scroll"] > widths["client"], widths
    assert widths["headerScroll"] <= widths["header"], widths
    assert widths["tooltip"].startswith(LONG_NAME.strip()), widths
    assert page.evaluate(_CANVAS_TOP) == top
    shoot(page, "header-long-title.png")
    assert not found, "\n".join(found)
    assert not console.errors_from_our_code(), console.errors_from_our_code()
