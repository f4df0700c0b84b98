"""The JobEditor's task panel in a real JupyterLab: opening it keeps the task labels readable
(the canvas pans rather than zooming them down to a smudge), a long problem message wraps inside
the panel, Browse starts in the nearest existing folder of the path with a single way up, and a
run's detail shows a task run id whole. One notebook serves the module."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat, Language

from loom_jobs_widget.client import Workspace

from .actions import axe_script, axe_violations, editor_notebook, node_point
from .conftest import (
    EDITOR,
    ConsoleLog,
    JupyterLab,
    local_workspace,
    open_and_run_notebook,
    shoot,
    watched_page,
)

pytestmark = pytest.mark.browser

LONG_KEY = "validate_" + "the_customer_records_against_the_reference_tables_" + "x" * 30
FONT_SIZE = 13
"""A task label's font size in model pixels (js/src/graph/stylesheet.ts FONT_SIZE)."""
READABLE_PX = 10.0
FIRST_ID = 718_412_893_306_551


def _job(ws: Workspace, folder: str) -> int:
    ok = f"{folder}/ok.py"

    def python(key: str, *after: str) -> dict[str, Any]:
        task: dict[str, Any] = {"task_key": key, "spark_python_task": {"python_file": ok}}
        if after:
            task["depends_on"] = [{"task_key": a} for a in after]
        return task

    settings = {
        "name": "e2e task panel",
        "tasks": [
            python("extract"),
            python("transform", "extract"),
            {
                "task_key": "report",
                "depends_on": [{"task_key": "transform"}],
                "notebook_task": {"notebook_path": f"{folder}/gone/deeper/report"},
            },
            python("publish", "report"),
            {
                "task_key": LONG_KEY,
                "depends_on": [{"task_key": "extract"}],
                "notebook_task": {"notebook_path": f"{folder}/etl"},
            },
        ],
    }
    return int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]


class Opened:
    def __init__(self, page: Any, console: ConsoleLog, folder: str) -> None:
        self.page = page
        self.console = console
        self.folder = folder


@pytest.fixture(scope="module")
def opened(
    browser: Any, jupyter_lab: JupyterLab, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Opened]:
    axe_script()
    with local_workspace(tmp_path_factory.mktemp("panel")) as (ws, data):
        folder = f"/Workspace/Shared/e2e-panel-{uuid.uuid4().hex[:8]}"
        ws.client.workspace.mkdirs(f"{folder}/sub")
        ws.client.workspace.upload(f"{folder}/ok.py", b"print('ok')\n", format=ImportFormat.AUTO)
        ws.client.workspace.upload(
            f"{folder}/etl",
            b"# Databricks notebook source\nprint(1)\n",
            format=ImportFormat.SOURCE,
            language=Language.PYTHON,
        )
        # Ids the size a workspace gives (its task run ids have 15 or more digits): the local
        # workspace counts from 1 otherwise.
        with sqlite3.connect(data / "workspace.db") as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_id', ?)",
                       (str(FIRST_ID),))  # fmt: skip
        job_id = _job(ws, folder)
        run_id = int(ws.client.jobs.run_now(job_id).run_id)  # type: ignore[arg-type]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = ws.client.jobs.get_run(run_id).state
            if (
                state is not None
                and state.life_cycle_state is not None
                and (state.life_cycle_state.value in {"TERMINATED", "INTERNAL_ERROR", "SKIPPED"})
            ):
                break
            time.sleep(0.3)
        editor_notebook(jupyter_lab, "editor_panel_e2e.ipynb", data, job_id)
        console = ConsoleLog()
        with watched_page(browser, console) as page:
            open_and_run_notebook(page, jupyter_lab, "editor_panel_e2e.ipynb")
            page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="5"]')
            yield Opened(page, console, folder)


def _open_panel(page: Any, key: str) -> Any:
    page.locator('.loom-je-tab[data-tab="tasks"]').click()
    close = page.locator('.loom-je-panel:not([hidden]) [data-action="close-panel"]')
    if close.count():
        close.click()  # the canvas takes the room back and shows the whole job again
        _settled(page)
    x, y = node_point(page, key)
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="{key}"]')
    return page.locator(".loom-je-panel")


def _settled(page: Any) -> None:
    page.wait_for_function(
        """() => { const cy = document.querySelector('.loom-je-canvas').__cy;
                   return !cy.animated() && cy.nodes().every((n) => !n.animated()); }"""
    )
    page.wait_for_timeout(150)  # the ResizeObserver's re-fit after the panel took its room


def _label_px(page: Any) -> float:
    zoom = page.evaluate("() => document.querySelector('.loom-je-canvas').__cy.zoom()")
    return float(zoom) * FONT_SIZE


def _axe_clean(page: Any, selector: str) -> None:
    violations = axe_violations(page, selector, selector)
    assert violations == [], violations


def test_labels_stay_readable_with_the_panel_open(opened: Opened) -> None:
    page = opened.page
    assert _label_px(page) >= READABLE_PX, "the job is drawn small already before the panel"
    shoot(page, "panel-closed-canvas.png")
    _open_panel(page, "publish")
    _settled(page)
    shoot(page, "panel-open-canvas.png")
    assert _label_px(page) >= READABLE_PX
    # The selected task is in view beside the panel.
    inside = page.evaluate(
        """() => { const cy = document.querySelector('.loom-je-canvas').__cy;
                   const b = cy.getElementById('publish').renderedBoundingBox();
                   return b.x1 >= 0 && b.x2 <= cy.width() && b.y1 >= 0 && b.y2 <= cy.height(); }"""
    )
    assert inside
    _axe_clean(page, EDITOR)
    assert opened.console.errors_from_our_code() == []


def test_a_long_problem_message_wraps_inside_the_panel(opened: Opened) -> None:
    page = opened.page
    panel = _open_panel(page, LONG_KEY)
    path_input = panel.locator('[data-path="notebook_task.notebook_path"] input').first
    path_input.fill("")
    path_input.press("Tab")
    message = panel.locator('[data-path="notebook_task.notebook_path"] .loom-f-problem').first
    message.wait_for()
    assert LONG_KEY in message.inner_text()
    fits = message.evaluate(
        """(m) => { const panel = m.closest('.loom-je-panel');
                    const box = m.getBoundingClientRect(), p = panel.getBoundingClientRect();
                    return { scroll: m.scrollWidth, width: m.clientWidth,
                             right: box.right, panelRight: p.right,
                             panelScroll: panel.scrollWidth, panelWidth: panel.clientWidth }; }"""
    )
    shoot(page, "panel-long-problem.png")
    assert fits["scroll"] <= fits["width"], fits
    assert fits["right"] <= fits["panelRight"] + 0.5, fits
    assert fits["panelScroll"] <= fits["panelWidth"], fits
    _axe_clean(page, ".loom-je-panel")
    # Put the path back: the message goes.
    path_input.fill(f"{opened.folder}/etl")
    path_input.press("Tab")
    message.wait_for(state="detached")
    assert opened.console.errors_from_our_code() == []


def test_browse_starts_in_the_nearest_existing_folder(opened: Opened) -> None:
    page = opened.page
    panel = _open_panel(page, "report")
    field = panel.locator('[data-path="notebook_task.notebook_path"]')
    field.locator(".loom-f-browse").click()
    popup = field.locator(".loom-f-popup")
    popup.locator(".loom-f-popup-item").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.loom-f-popup-status').dataset.busy")
    labels = popup.locator(".loom-f-popup-label").all_inner_texts()
    where = popup.locator(".loom-f-popup-where").inner_text()
    shoot(page, "panel-browse-first-listing.png")
    assert where == opened.folder
    assert labels == ["..", "sub", "etl"], labels
    _axe_clean(page, ".loom-je-panel")
    # Up to the root: one ".." on the way, none there.
    for _ in range(opened.folder.count("/")):
        popup.locator(".loom-f-popup-item").first.click()
        page.wait_for_function("() => !document.querySelector('.loom-f-popup-status').dataset.busy")
        labels = popup.locator(".loom-f-popup-label").all_inner_texts()
        assert labels.count("..") <= 1, labels
    assert popup.locator(".loom-f-popup-where").inner_text() == "/"
    assert ".." not in popup.locator(".loom-f-popup-label").all_inner_texts()
    shoot(page, "panel-browse-root.png")
    page.keyboard.press("Escape")
    assert opened.console.errors_from_our_code() == []


def test_the_task_run_id_shows_whole(opened: Opened) -> None:
    page = opened.page
    # A notebook beside JupyterLab's file browser: the run detail's task pane is narrow.
    page.set_viewport_size({"width": 900, "height": 900})
    page.locator('.loom-je-tab[data-tab="runs"]').click()
    row = page.locator("tr.loom-runs-row").first
    row.wait_for()
    row.locator('[data-action="open"]').click()
    gantt = page.locator('[data-role="gantt"]')
    gantt.wait_for()
    gantt.locator('.loom-runs-gantt-row[data-task="extract"]').click()
    pane = page.locator('[data-role="task-pane"]')
    fact = pane.locator(".loom-runs-fact", has_text="Task run").first
    fact.wait_for()
    cell = fact.locator("dd")
    text = cell.inner_text()
    assert text.isdigit() and int(text) > FIRST_ID, text
    sizes = cell.evaluate(
        """(d) => { const pane = d.closest('[data-role="task-pane"]');
                    return { scroll: d.scrollWidth, width: d.clientWidth,
                             right: d.getBoundingClientRect().right,
                             paneRight: pane.getBoundingClientRect().right,
                             factScroll: d.parentElement.scrollWidth,
                             factWidth: d.parentElement.clientWidth }; }"""
    )
    shoot(page, "panel-run-detail-task-run-id.png")
    assert sizes["scroll"] <= sizes["width"], sizes
    assert sizes["factScroll"] <= sizes["factWidth"], sizes
    assert sizes["right"] <= sizes["paneRight"] + 0.5, sizes
    # No fact of the pane runs under its neighbour: their boxes do not overlap.
    boxes = pane.locator(".loom-runs-facts-tight .loom-runs-fact dd").evaluate_all(
        "cells => cells.map((d) => { const r = d.getBoundingClientRect(); "
        "return [r.left, r.top, d.scrollWidth > d.clientWidth]; })"
    )
    assert not any(clipped for _, _, clipped in boxes), boxes
    _axe_clean(page, '[data-role="runs-tab"]')
    page.set_viewport_size({"width": 1280, "height": 900})
    assert opened.console.errors_from_our_code() == []
