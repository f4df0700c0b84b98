"""The Dashboard task (dashboard_task) in a real JupyterLab: a task added on the canvas becomes a
Dashboard task through the panel's type picker, its form is filled, saved, and read back through
the databricks-sdk; the SQL task's "Legacy dashboard" choice beside it and every label of the
panel are whole (none cut with an ellipsis) at the panel's width and in a narrow editor, where the
panel goes under the canvas; a type without a form names its fields under its JSON box; the panel
is clean for axe-core."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import axe_script, axe_violations, editor_notebook, node_point, wait_ready
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot

pytestmark = pytest.mark.browser

DASHBOARD_ID = "01ef0cb45e2a1da4a61950e9b8789ce9"
JOB = {
    "name": "e2e dashboard task",
    "tasks": [
        {
            "task_key": "legacy_report",
            "sql_task": {"warehouse_id": "wh-1", "dashboard": {"dashboard_id": "old-dash"}},
        },
        {"task_key": "to_power_bi", "power_bi_task": {"connection_resource_name": "pbi"}},
    ],
}

# Text cut by its box: a label whose text is wider than the box shows it (an ellipsis, or
# clipped). A <select> shows its chosen option: measured with the select's own font against the
# room left of its arrow.
_CUT_LABELS = """(root) => {
    const cut = [];
    const seen = (el) => el.checkVisibility() && el.getBoundingClientRect().width > 0;
    const named = 'label, .loom-f-seg-label, .loom-f-label, .loom-f-section-title';
    for (const el of root.querySelectorAll(named)) {
        if (seen(el) && el.scrollWidth > el.clientWidth + 0.5) {
            cut.push(`${el.textContent.trim()} (${el.scrollWidth} > ${el.clientWidth})`);
        }
    }
    // Any text beside the panel's edge is cut by the panel itself.
    const box = root.getBoundingClientRect();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || !seen(el) || el.closest('select')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        if (r.width && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) {
            cut.push(`${node.textContent.trim()} (beyond the panel)`);
        }
    }
    const ctx = document.createElement('canvas').getContext('2d');
    for (const select of root.querySelectorAll('select')) {
        if (!seen(select) || select.selectedIndex < 0) continue;
        const style = getComputedStyle(select);
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.options[select.selectedIndex].text;
        const room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight) - 16;
        if (ctx.measureText(text).width > room) cut.push(`select: ${text}`);
    }
    return cut;
}"""


def _cut_labels(page: Any) -> list[str]:
    return list(page.locator(".loom-je-panel").evaluate(_CUT_LABELS))


@pytest.fixture
def opened(
    page: Any, jupyter_lab: JupyterLab, local: tuple[Workspace, Path]
) -> Iterator[tuple[Any, Workspace, int]]:
    axe_script()
    ws, data = local
    job_id = int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]
    editor_notebook(jupyter_lab, "dashboard_task_e2e.ipynb", data, job_id)
    open_and_run_notebook(page, jupyter_lab, "dashboard_task_e2e.ipynb")
    wait_ready(page, 2)
    yield page, ws, job_id


def _fill(page: Any, path: str, text: str) -> None:
    control = page.locator(f'[data-path="{path}"]').locator("input, textarea").first
    control.fill(text)
    control.press("Tab")


def test_add_fill_and_save_a_dashboard_task(
    opened: tuple[Any, Workspace, int], console: ConsoleLog
) -> None:
    page, ws, job_id = opened
    editor = page.locator(EDITOR)

    # The SQL task's legacy dashboard: its choice is named whole at the panel's width.
    x, y = node_point(page, "legacy_report")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="legacy_report"]')
    legacy = page.locator(".loom-f-seg-label", has_text="Legacy dashboard")
    legacy.wait_for()
    shoot(page, "dashboard-task-legacy-sql.png")
    assert _cut_labels(page) == []

    # Add a task on the canvas and make it a Dashboard task with the panel's type picker.
    editor.locator('.loom-je-toolbar [data-action="add"]').click()
    wait_ready(page, 3)
    page.wait_for_function(
        f"""() => {{ const k = document.querySelector('{EDITOR}').dataset.panelLoaded;
                    return !!k && k !== 'legacy_report'; }}"""
    )
    key = str(editor.get_attribute("data-panel-loaded"))
    type_select = page.locator('.loom-je-panel [data-field="task_type"]')
    labels = type_select.locator("option").all_inner_texts()
    assert "Dashboard" in labels, labels
    type_select.select_option("dashboard_task")
    page.locator('[data-path="dashboard_task.dashboard_id"] input').first.wait_for()

    _fill(page, "dashboard_task.dashboard_id", DASHBOARD_ID)
    _fill(page, "dashboard_task.warehouse_id", "wh-serverless")
    _fill(
        page,
        "dashboard_task.subscription.subscribers",
        json.dumps([{"user_name": "me@example.com"}, {"destination_id": "dest-1"}]),
    )
    _fill(page, "dashboard_task.subscription.custom_subject", "Sales, every morning")
    page.locator('[data-path="dashboard_task.subscription.paused"] input').check()
    filters = page.locator('[data-path="dashboard_task.filters"]')
    filters.get_by_role("button", name="Add filter").click()
    filters.locator('[data-part="key"]').fill("region")
    filters.locator('[data-part="value"]').fill("EMEA")
    filters.locator('[data-part="value"]').press("Tab")
    page.wait_for_timeout(400)  # the key-value rows send after their debounce
    shoot(page, "dashboard-task-form.png")
    assert _cut_labels(page) == []
    violations = axe_violations(page, ".loom-je-panel", "dashboard task panel")
    assert violations == [], violations

    # A narrow editor: the panel goes under the canvas, full width; still nothing is cut.
    page.set_viewport_size({"width": 990, "height": 900})
    page.wait_for_timeout(500)  # JupyterLab and the editor take the new width
    width = editor.evaluate("(el) => el.getBoundingClientRect().width")
    assert 400 < width < 620, width
    shoot(page, "dashboard-task-narrow.png")
    assert _cut_labels(page) == []
    x, y = node_point(page, "legacy_report")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="legacy_report"]')
    legacy.wait_for()
    shoot(page, "dashboard-task-narrow-legacy-sql.png")
    assert _cut_labels(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # A type without a form: its JSON box, with the SDK's fields of the type named below it.
    x, y = node_point(page, "to_power_bi")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="to_power_bi"]')
    hints = page.locator('.loom-je-panel ul[aria-label="Fields of power_bi_task"] code')
    hints.first.wait_for()
    assert "power_bi_model" in hints.all_inner_texts()
    shoot(page, "dashboard-task-power-bi-json.png")
    assert _cut_labels(page) == []
    violations = axe_violations(page, ".loom-je-panel", "power bi task panel")
    assert violations == [], violations

    # Review, save, and read the job back through the databricks-sdk.
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator(".loom-je-change").first.wait_for()
    review.locator('[data-action="save"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')

    job = ws.client.jobs.get(job_id)
    assert job.settings is not None and job.settings.tasks is not None
    tasks = {t.task_key: t for t in job.settings.tasks}
    task = tasks[key].dashboard_task
    assert task is not None, tasks[key]
    assert task.dashboard_id == DASHBOARD_ID
    assert task.warehouse_id == "wh-serverless"
    assert task.filters == {"region": "EMEA"}
    assert task.subscription is not None
    assert task.subscription.custom_subject == "Sales, every morning"
    assert task.subscription.paused is True
    subscribers = task.subscription.subscribers or []
    assert [(s.user_name, s.destination_id) for s in subscribers] == [
        ("me@example.com", None),
        (None, "dest-1"),
    ]
    legacy_task = tasks["legacy_report"].sql_task
    assert legacy_task is not None and legacy_task.dashboard is not None
    assert legacy_task.dashboard.dashboard_id == "old-dash"
    assert not console.errors_from_our_code(), console.errors_from_our_code()
