"""A value the editor refuses is never silently replaced, in a real JupyterLab: a broken Quartz
expression, an unknown time zone and a periodic interval that is not a whole number stay as typed,
marked with a message naming their field, through a redraw from Python (an undo of another
edit) and a switch of trigger kind and back; a task rename Python refuses (the key is taken), a
dependency that makes a cycle and a job cluster key Python refuses (another job cluster has it)
stay typed and marked at their field after Python redraws the panel or the tab, until the user
changes them.

One JupyterLab (the session's), one notebook and one kernel for the module; each test draws the
editor again from the saved job."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import axe_violations, node_point
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

NOTEBOOK = "refused_values_e2e.ipynb"
CLUSTER = {"spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1}
JOB: dict[str, Any] = {
    "name": "e2e refused values",
    "description": "Loads the day's orders.",
    "schedule": {
        "quartz_cron_expression": "0 0 6 * * ?",
        "timezone_id": "UTC",
        "pause_status": "UNPAUSED",
    },
    "job_clusters": [
        {"job_cluster_key": "small", "new_cluster": CLUSTER},
        {"job_cluster_key": "large", "new_cluster": {**CLUSTER, "num_workers": 4}},
    ],
    "tasks": [
        {
            "task_key": "ingest",
            "job_cluster_key": "small",
            "notebook_task": {"notebook_path": "/etl/ingest"},
        },
        {
            "task_key": "report",
            "depends_on": [{"task_key": "ingest"}],
            "job_cluster_key": "large",
            "notebook_task": {"notebook_path": "/etl/report"},
        },
    ],
}
BROKEN_CRON = "0 0 25 * * ?"
"""Hour 25: Quartz refuses it."""
SETTLE = 600
"""How long (ms) a test lets Python's answer to an undo arrive before it looks at the fields."""


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path_factory.mktemp("refused_values")) as served:
        yield served


@pytest.fixture(scope="module")
def job_id(local: tuple[Workspace, Path]) -> int:
    ws, _ = local
    return int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def module_console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture(scope="module")
def lab_page(
    browser: Any,
    jupyter_lab: JupyterLab,
    local: tuple[Workspace, Path],
    job_id: int,
    module_console: ConsoleLog,
) -> Iterator[Any]:
    """One page with the editor's notebook open (its kernel started) for the whole module."""
    _, data = local
    write_notebook(jupyter_lab, NOTEBOOK, [
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        f"editor = JobEditor({job_id}, ws)\n"
        "editor",
    ])  # fmt: skip
    with watched_page(browser, module_console) as page:
        open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
        wait_ready(page)
        yield page


@pytest.fixture
def editor(lab_page: Any, module_console: ConsoleLog) -> Iterator[Any]:
    """A freshly drawn editor of the saved job; after the test, no error from our code."""
    page = lab_page
    if page.locator(EDITOR).count():
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.locator(EDITOR).wait_for(state="detached")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        wait_ready(page)
    module_console.messages.clear()
    module_console.page_errors.clear()
    yield page
    errors = module_console.errors_from_our_code()
    assert not errors, errors


def wait_ready(page: Any) -> None:
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="2"]', timeout=90_000)


def open_tab(page: Any, tab: str) -> Any:
    page.locator(f'.loom-je-tab[data-tab="{tab}"]').click()
    page.wait_for_selector(f'{EDITOR}[data-tab="{tab}"]')
    panel = page.locator(f'.loom-je-jobpanel[data-tab="{tab}"]')
    panel.wait_for(state="visible")
    return panel


def undo(page: Any) -> None:
    page.locator('.loom-je-toolbar [data-action="undo"]').click()
    page.wait_for_timeout(SETTLE)


def assert_kept(control: Any, text: str, message: Any) -> None:
    """The control shows `text`, marked invalid, and its message is shown."""
    assert control.input_value() == text
    assert control.get_attribute("aria-invalid") == "true"
    assert message.is_visible(), "the message is not shown"


def assert_axe_clean(page: Any, what: str) -> None:
    violations = axe_violations(page, EDITOR, what)
    assert not violations, "axe-core found violations:\n" + "\n".join(violations)


def pause_and_undo(page: Any, panel: Any) -> None:
    """Another edit (pause), undone: Python sends the job again and the tab redraws."""
    panel.locator('[data-role="pause-toggle"]').click()
    panel.locator('.loom-st-pause[data-status="PAUSED"]').wait_for()
    undo(page)
    panel.locator('.loom-st-pause[data-status="UNPAUSED"]').wait_for()


def test_a_broken_cron_and_an_unknown_zone_stay_typed_and_marked(editor: Any) -> None:
    page = editor
    panel = open_tab(page, "schedule")
    panel.locator('[data-role="schedule-mode"] [data-mode="advanced"]').click()
    zone = panel.locator('[data-role="tz-input"]')
    zone.click()
    zone.fill("Mars/Olympus")
    zone.press("Enter")
    zone_msg = panel.locator('[data-role="tz-note"]', has_text="Mars/Olympus")
    zone_msg.wait_for()
    cron = panel.locator('[data-role="cron-input"]')
    cron.fill(BROKEN_CRON)
    cron.press("Tab")
    cron_msg = panel.locator('[data-role="cron-problems"]', has_text="quartz_cron_expression")
    cron_msg.wait_for()
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')

    pause_and_undo(page, panel)
    assert_kept(cron, BROKEN_CRON, cron_msg)
    assert_kept(zone, "Mars/Olympus", zone_msg)
    assert "timezone_id" in zone_msg.inner_text()
    shoot(page, "refused-schedule-after-undo.png")
    assert_axe_clean(page, "schedule tab: refused cron and zone")

    # Another kind and back: both are still there, marked.
    kinds = panel.locator('[data-role="trigger-kind"]')
    kinds.locator('[data-kind="periodic"]').click()
    panel.locator('[data-field="trigger.periodic.interval"]').wait_for()
    kinds.locator('[data-kind="scheduled"]').click()
    cron.wait_for(state="attached")
    panel.locator('[data-role="schedule-mode"] [data-mode="advanced"]').click()
    assert_kept(cron, BROKEN_CRON, cron_msg)
    assert_kept(zone, "Mars/Olympus", zone_msg)


def test_an_interval_that_is_not_a_whole_number_stays_typed_and_marked(editor: Any) -> None:
    page = editor
    panel = open_tab(page, "schedule")
    kinds = panel.locator('[data-role="trigger-kind"]')
    kinds.locator('[data-kind="periodic"]').click()
    interval = panel.locator('[data-field="trigger.periodic.interval"]')
    interval.wait_for()
    interval.fill("1.5")
    interval.press("Tab")
    page.wait_for_timeout(SETTLE)
    interval_msg = panel.locator(".loom-st-local-error", has_text="interval")
    # Another kind and back, then a redraw from Python: the text typed is still there, marked.
    kinds.locator('[data-kind="scheduled"]').click()
    panel.locator('[data-role="cron-input"]').wait_for(state="attached")
    kinds.locator('[data-kind="periodic"]').click()
    interval.wait_for()
    assert_kept(interval, "1.5", interval_msg)
    pause_and_undo(page, panel)
    assert_kept(interval, "1.5", interval_msg)
    shoot(page, "refused-interval-kept.png")
    assert_axe_clean(page, "schedule tab: refused interval")
    # A change by the user clears the mark.
    interval.fill("2")
    interval.press("Tab")
    interval_msg.wait_for(state="hidden")
    assert interval.get_attribute("aria-invalid") != "true"


def test_a_refused_rename_stays_at_the_key_field(editor: Any) -> None:
    page = editor
    page.mouse.click(*node_point(page, "report"))
    key = page.locator('.loom-je-panel [data-field="task_key"]')
    key.wait_for()
    key.fill("ingest")
    key.press("Enter")
    page.locator(".loom-je-toast-error", has_text="already a task 'ingest'").wait_for()
    message = page.locator('.loom-je-panel [data-role="rename-error"]', has_text="ingest")
    # Another field edited (then undone): Python redraws the panel.
    path = page.locator(
        '.loom-je-panel .loom-f-field[data-path="notebook_task.notebook_path"] input'
    )
    path.fill("/etl/report2")
    path.press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    undo(page)
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert path.input_value() == "/etl/report"
    assert_kept(key, "ingest", message)
    shoot(page, "refused-rename-kept.png")
    assert_axe_clean(page, "task panel: refused rename")
    # A change by the user clears the mark.
    key.fill("report_v2")
    assert key.get_attribute("aria-invalid") != "true"


def test_a_dependency_that_makes_a_cycle_stays_at_depends_on(editor: Any) -> None:
    page = editor
    page.mouse.click(*node_point(page, "ingest"))
    page.wait_for_selector('.loom-je-panel[data-task="ingest"]')
    field = page.locator('.loom-je-panel .loom-f-field[data-path="depends_on"]')
    field.locator(".loom-f-add").click()
    page.locator(".loom-je-toast-error", has_text="would make a cycle").wait_for()
    upstream = field.locator('[data-part="task"]')
    message = field.locator(".loom-f-local", has_text="'report' already runs after 'ingest'")
    # Another field edited (then undone): Python redraws the panel.
    path = page.locator(
        '.loom-je-panel .loom-f-field[data-path="notebook_task.notebook_path"] input'
    )
    path.fill("/etl/ingest2")
    path.press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    undo(page)
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert path.input_value() == "/etl/ingest"
    assert upstream.count() == 1
    assert_kept(upstream, "report", message)
    field.scroll_into_view_if_needed()
    shoot(page, "refused-cycle-kept.png")
    assert_axe_clean(page, "task panel: refused dependency")
    # Removed by the user: the mark goes.
    field.locator(".loom-f-remove").click()
    message.wait_for(state="hidden")


def test_a_refused_job_cluster_key_stays_at_its_field(
    editor: Any, local: tuple[Workspace, Path], job_id: int
) -> None:
    page = editor
    panel = open_tab(page, "details")
    card = panel.locator('.loom-f-card[data-index="0"]')
    key = card.locator('[data-part="key"]')
    key.fill("large")
    key.press("Enter")
    page.wait_for_timeout(SETTLE)
    message = card.locator(".loom-f-msg", has_text="Another job cluster of the job has the key")
    # Another field edited, then undone: Python redraws the tab.
    name = panel.locator('.loom-f-field[data-path="name"] input')
    name.fill("renamed job")
    name.press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    undo(page)
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert name.input_value() == JOB["name"]
    assert_kept(key, "large", message)
    # The tasks of "small" did not move to the other cluster.
    assert card.locator(".loom-f-card-usage").get_attribute("data-count") == "1"
    card.scroll_into_view_if_needed()
    shoot(page, "refused-cluster-key-kept.png")
    assert_axe_clean(page, "details tab: refused job cluster key")
