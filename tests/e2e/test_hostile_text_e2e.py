"""Hostile text is shown as text, everywhere, in a real JupyterLab.

A job whose name, description, tags (keys and values), job parameter default, notification
address, file arrival URL, task description, task parameters, notebook path (a folder and a
notebook named with markup) and grant hold HTML; its run's parameters, a Python task that prints
HTML and raises an exception whose message is HTML, and a notebook that prints HTML and exits
with it. The user reads all of it in the jobs browser (its list, permissions and delete
dialogs), the editor (task panels, every job tab, the JSON and YAML view, the review dialog) and
the runs tab (history, detail, task output, the notebook as it ran, the repair dialog).

After every view: no payload ran (`window.__xss` unset), no element came from it (no
`img[src=x]`, no `b` holding its word, no `onerror` attribute, no script of it) in the page or
in any frame, and the payload's text is there to read, as text or as a field's value.
The data is made through the real SDK against the local workspace the notebook's kernel
connects to. One JupyterLab page for the module.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat, Language

from loom_jobs_widget.client import RunHandle, Workspace

from .actions import node_point
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

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
BOLD = '"><b>xss-bold</b>'
HOSTILE = IMG + SCRIPT + BOLD
JOB_NAME = f"e2e {HOSTILE}"
RUN_VALUE = f"{HOSTILE} run"
BROWSER = ".loom-jb"
NOTEBOOK = "hostile_text_e2e.ipynb"

_INJECTED = """() => {
    const found = [];
    if (window.__xss !== undefined) found.push(`window.__xss = ${window.__xss}`);
    for (const img of document.querySelectorAll('img[src="x"]')) found.push(img.outerHTML);
    for (const el of document.querySelectorAll('[onerror]')) found.push(el.outerHTML);
    for (const b of document.querySelectorAll('b')) {
        if (b.textContent.startsWith('xss-bold')) found.push(b.outerHTML);
    }
    for (const s of document.querySelectorAll('script')) {
        if (s.textContent.includes('__xss')) found.push(s.outerHTML);
    }
    return found;
}"""

_SHOWN = """(root) => {
    // What a user can read in `root`: its text and the values of its visible fields.
    const values = [...root.querySelectorAll('input, textarea, select')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => el.value);
    return [root.innerText, ...values].join('\\n');
}"""


def assert_inert(page: Any, view: str) -> None:
    """Nothing of the payload ran or became an element, in the page or in any of its frames."""
    found = page.evaluate(_INJECTED)
    assert not found, (view, found)
    for frame in page.frames[1:]:
        # The notebook's exported page is sandboxed without scripts: Playwright's own selector
        # engine reads it.
        for selector in ('img[src="x"]', "[onerror]", 'b:text-matches("^xss-bold")'):
            count = frame.locator(selector).count()
            assert count == 0, (view, frame.url, selector, count)


def shown(locator: Any) -> str:
    text: str = locator.evaluate(_SHOWN)
    return text


def assert_reads(locator: Any, view: str, *texts: str) -> None:
    """Each text is there to read in the element: as text or as a visible field's value."""
    seen = shown(locator)
    for text in texts:
        assert text in seen, (view, text, seen[:2000])


def hostile_job(ws: Workspace) -> int:
    """The job, with HTML in every text a workspace takes (a task key and a parameter's name
    have strict patterns: plain words there)."""
    folder = f"/Workspace/Shared/e2e-xss-{uuid.uuid4().hex[:6]}{IMG}"
    ws.client.workspace.mkdirs(folder)
    notebook_path = f'{folder}/"><b>xss-bold'  # a name holds no '/'
    notebook = (f"# Databricks notebook source\nprint({HOSTILE!r})\n\n# COMMAND ----------\n\n"
                f"dbutils.notebook.exit({HOSTILE!r})\n").encode()  # fmt: skip
    ws.client.workspace.upload(notebook_path, notebook, format=ImportFormat.SOURCE,
                               language=Language.PYTHON, overwrite=True)  # fmt: skip
    script = f"print({HOSTILE!r})\nraise RuntimeError({HOSTILE!r})\n".encode()
    ws.client.workspace.upload(f"{folder}/boom.py", script, format=ImportFormat.AUTO,
                               overwrite=True)  # fmt: skip
    settings: dict[str, Any] = {
        "name": JOB_NAME,
        "description": HOSTILE,
        "tags": {HOSTILE: HOSTILE, "team": HOSTILE},
        "parameters": [{"name": "p_html", "default": HOSTILE}],
        "email_notifications": {"on_failure": [HOSTILE]},
        "trigger": {"pause_status": "PAUSED", "file_arrival": {"url": f"s3://in/{HOSTILE}"}},
        "tasks": [
            {"task_key": "python_html", "description": HOSTILE,
             "spark_python_task": {"python_file": f"{folder}/boom.py", "parameters": [HOSTILE]}},
            {"task_key": "after_python", "depends_on": [{"task_key": "python_html"}],
             "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}},
            {"task_key": "notebook_html",
             "notebook_task": {"notebook_path": notebook_path,
                               "base_parameters": {"b_html": HOSTILE}}},
        ],
    }  # fmt: skip
    answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
    job_id = int(answer["job_id"])  # type: ignore[index]
    ws.permissions.update_permissions(
        job_id, [{"group_name": HOSTILE, "permission_level": "CAN_VIEW"}]
    )
    return job_id


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path_factory.mktemp("hostile")) as served:
        yield served


@pytest.fixture(scope="module")
def failed_run(local: tuple[Workspace, Path]) -> tuple[int, int]:
    """The job and its run, ended: the Python task failed, the notebook succeeded."""
    ws, _ = local
    job_id = hostile_job(ws)
    run_id = int(ws.runs.run_now(job_id, job_parameters={"p_html": RUN_VALUE})["run_id"])
    run = RunHandle(ws.runs, run_id).wait(timeout=90)
    states = {task["task_key"]: task["state"].get("result_state") for task in run["tasks"]}
    assert states["python_html"] == "FAILED" and states["notebook_html"] == "SUCCESS", states
    return job_id, run_id


@pytest.fixture(scope="module")
def lab_page(
    browser: Any,
    jupyter_lab: JupyterLab,
    local: tuple[Workspace, Path],
    failed_run: tuple[int, int],
) -> Iterator[tuple[Any, ConsoleLog]]:
    """The notebook with the jobs browser and the job's editor, both drawn."""
    _, data = local
    job_id, _ = failed_run
    write_notebook(
        jupyter_lab,
        NOTEBOOK,
        [
            f"%load_ext loom_jobs_widget\n%loom_connect local --data {data}\n%loom_jobs",
            "from loom_jobs_widget import JobEditor, connect\n"
            f"ws = connect('local', data_dir={str(data)!r})\n"
            f"editor = JobEditor({job_id}, ws)\n"
            "editor",
        ],
    )
    console = ConsoleLog()
    with watched_page(browser, console) as page:
        open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
        page.wait_for_selector(f'{BROWSER}[data-ready="true"]', timeout=90_000)
        page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="3"]', timeout=90_000)
        yield page, console


def open_tab(page: Any, tab: str) -> Any:
    page.locator(f'.loom-je-tab[data-tab="{tab}"]').click()
    page.wait_for_selector(f'{EDITOR}[data-tab="{tab}"]')
    panel = page.locator(f'.loom-je-jobpanel[data-tab="{tab}"]')
    if tab not in ("tasks", "runs"):
        panel.wait_for(state="visible")
    return panel


def test_jobs_browser_shows_hostile_text_as_text(
    lab_page: tuple[Any, ConsoleLog], failed_run: tuple[int, int]
) -> None:
    page, console = lab_page
    job_id, run_id = failed_run
    row = page.locator(f'{BROWSER} tr[data-job-id="{job_id}"]')
    row.locator('.loom-jb-badge[data-state="failed"]').wait_for()
    assert row.locator(".loom-jb-name-link").inner_text() == JOB_NAME
    assert_reads(row, "browser row", JOB_NAME, f"{HOSTILE}: {HOSTILE}", f"team: {HOSTILE}")
    assert_inert(page, "jobs browser")
    shoot(page, "hostile-browser.png", BROWSER)

    # The permissions dialog: the group's name.
    row.locator('[data-action="menu"]').click()
    page.locator(f'{BROWSER} .loom-jb-menu [data-action="permissions"]').click()
    dialog = page.locator(f"{BROWSER} .loom-jb-dialog")
    dialog.wait_for()
    dialog.locator("td", has_text="CAN VIEW").wait_for()
    assert_reads(dialog, "browser permissions", HOSTILE, JOB_NAME)
    assert_inert(page, "browser permissions")
    shoot(page, "hostile-browser-permissions.png", BROWSER)
    dialog.locator('[data-action="cancel"]').click()
    dialog.wait_for(state="detached")

    # The delete confirmation names the job; cancelled.
    row.locator('[data-action="menu"]').click()
    page.locator(f'{BROWSER} .loom-jb-menu [data-action="delete"]').click()
    dialog.wait_for()
    assert_reads(dialog, "browser delete", JOB_NAME)
    assert_inert(page, "browser delete")
    dialog.locator('[data-action="cancel"]').click()
    dialog.wait_for(state="detached")

    # A search for the markup finds the job.
    page.locator(f'{BROWSER} [data-role="search"]').fill(SCRIPT)
    page.wait_for_selector(f'{BROWSER}[data-row-count="1"][data-loading="false"]')
    assert row.count() == 1
    assert_inert(page, "browser search")
    open_run = row.locator('[data-action="open_run"]')
    assert open_run.get_attribute("data-run-id") == str(run_id)
    assert not console.errors_from_our_code(), console.errors_from_our_code()


def test_editor_shows_hostile_text_as_text(lab_page: tuple[Any, ConsoleLog]) -> None:
    page, console = lab_page
    editor = page.locator(EDITOR)
    editor.scroll_into_view_if_needed()
    assert page.locator(".loom-je-title").input_value() == JOB_NAME

    # Task panels: the Python task's description and parameters; the notebook's path and
    # base parameters.
    x, y = node_point(page, "python_html")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="python_html"]')
    panel = page.locator(".loom-je-panel")
    assert_reads(panel, "python task panel", HOSTILE)
    assert_inert(page, "python task panel")
    shoot(page, "hostile-task-python.png")
    x, y = node_point(page, "notebook_html")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="notebook_html"]')
    path = page.locator('[data-path="notebook_task.notebook_path"] input').first
    assert path.input_value().endswith(f'{IMG}/"><b>xss-bold'), path.input_value()
    assert_reads(panel, "notebook task panel", HOSTILE)
    assert_inert(page, "notebook task panel")
    shoot(page, "hostile-task-notebook.png")

    # Every job tab.
    details = open_tab(page, "details")
    description = details.locator('[data-path="description"] textarea').first
    assert description.input_value() == HOSTILE
    assert_reads(details, "details tab", HOSTILE)
    tag_keys = details.locator('[data-path="tags"] [data-part="key"]').evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )
    assert HOSTILE in tag_keys, tag_keys
    assert_inert(page, "details tab")
    shoot(page, "hostile-tab-details.png")

    schedule = open_tab(page, "schedule")
    assert_reads(schedule, "schedule tab", f"s3://in/{HOSTILE}")
    assert_inert(page, "schedule tab")
    shoot(page, "hostile-tab-schedule.png")

    notifications = open_tab(page, "notifications")
    assert_reads(notifications, "notifications tab", HOSTILE)
    assert_inert(page, "notifications tab")
    shoot(page, "hostile-tab-notifications.png")

    parameters = open_tab(page, "parameters")
    default = parameters.locator('.loom-f-param [data-part="default"]').first
    assert default.input_value() == HOSTILE
    assert_inert(page, "parameters tab")
    shoot(page, "hostile-tab-parameters.png")

    permissions = open_tab(page, "permissions")
    grant = permissions.locator('tr[data-role="grant"][data-kind="group_name"]').filter(
        has_text="xss-bold"
    )
    grant.wait_for()
    assert grant.get_attribute("data-name") == HOSTILE
    assert_reads(grant, "permissions tab", HOSTILE)
    assert_inert(page, "permissions tab")
    shoot(page, "hostile-tab-permissions.png")

    # The JSON and YAML view: the job's text, as text.
    page.locator('.loom-je-toolbar [data-action="json"]').click()
    document = page.locator('[data-dialog="document"] textarea.loom-je-doc')
    page.wait_for_selector('[data-dialog="document"] textarea.loom-je-doc[data-format="json"]'
                           ":not([data-loading])")  # fmt: skip
    assert SCRIPT in document.input_value() and "<img src=x onerror=" in document.input_value()
    assert_inert(page, "JSON view")
    shoot(page, "hostile-json.png")
    page.locator('[data-dialog="document"] [data-action="format-yaml"]').click()
    page.wait_for_selector('[data-dialog="document"] textarea.loom-je-doc[data-format="yaml"]'
                           ":not([data-loading])")  # fmt: skip
    assert SCRIPT in document.input_value()
    assert_inert(page, "YAML view")
    page.locator('[data-dialog="document"] [data-action="cancel"]').click()

    # The review dialog: a change whose before and after are markup.
    details = open_tab(page, "details")
    description = details.locator('[data-path="description"] textarea').first
    description.fill(f"{HOSTILE} (edited)")
    description.press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    change = review.locator(".loom-je-change").filter(has_text="description").first
    change.wait_for()
    # A value is shown as its JSON (quoted, its quotes escaped).
    assert change.locator(".loom-je-before").inner_text() == json.dumps(HOSTILE)
    assert change.locator(".loom-je-after").inner_text() == json.dumps(f"{HOSTILE} (edited)")
    assert_reads(review, "review dialog", "xss-bold")
    assert_inert(page, "review dialog")
    shoot(page, "hostile-review.png")
    review.locator('[data-action="cancel"]').click()
    review.wait_for(state="detached")
    assert not console.errors_from_our_code(), console.errors_from_our_code()


def test_runs_show_hostile_text_as_text(
    lab_page: tuple[Any, ConsoleLog], failed_run: tuple[int, int]
) -> None:
    page, console = lab_page
    _, run_id = failed_run
    open_tab(page, "runs")
    tab = page.locator('[data-role="runs-tab"]')
    row = page.locator(f'tr.loom-runs-row[data-run-id="{run_id}"]')
    row.wait_for()
    assert_reads(row, "runs history", f"p_html={IMG}")
    assert row.locator(".loom-runs-params").get_attribute("title") == f"p_html = {RUN_VALUE}"
    assert_inert(page, "runs history")
    shoot(page, "hostile-runs-history.png")

    # The run's detail: its parameters; the Python task's error and what it printed.
    row.locator('[data-action="open"]').click()
    gantt = page.locator('[data-role="gantt"]')
    gantt.wait_for()
    assert_reads(tab.locator('[data-role="run-parameters"]'), "run parameters", RUN_VALUE)
    gantt.locator('.loom-runs-gantt-row[data-task="python_html"]').click()
    pane = page.locator('[data-role="task-pane"]')
    error = pane.locator('[data-output="error"] pre')
    error.wait_for()
    assert error.inner_text() == f"RuntimeError: {HOSTILE}"
    assert HOSTILE in pane.locator('[data-output="logs"] pre').inner_text()
    assert_inert(page, "python task output")
    shoot(page, "hostile-runs-python-output.png")

    # The notebook's exit value, and the notebook as it ran (in its frame) with what it printed.
    gantt.locator('.loom-runs-gantt-row[data-task="notebook_html"]').click()
    result = pane.locator('[data-output="result"] pre')
    result.wait_for()
    assert result.inner_text() == HOSTILE
    pane.locator('iframe[data-role="notebook-export"]').wait_for()
    printed = page.frame_locator('[data-role="task-pane"] iframe[data-role="notebook-export"]')
    printed.locator("pre.loom-cell-output").first.wait_for()
    assert HOSTILE in printed.locator("pre.loom-cell-output").first.inner_text()
    assert printed.locator("h1.loom-notebook-path").inner_text().endswith('"><b>xss-bold')
    assert printed.locator("pre.loom-result").inner_text() == HOSTILE
    assert_inert(page, "notebook task output")
    pane.locator('iframe[data-role="notebook-export"]').scroll_into_view_if_needed()
    shoot(page, "hostile-runs-notebook-output.png")

    # The repair dialog: the run's parameter value in its field.
    tab.locator('[data-action="repair"]').first.click()
    repair = page.locator('.loom-runs-overlay[data-dialog="repair"]')
    repair.locator('[data-role="will-rerun"] li[data-task]').first.wait_for()
    value = repair.locator('[data-role="repair-parameters"] input[data-param="p_html"]')
    assert value.input_value() == RUN_VALUE
    assert_inert(page, "repair dialog")
    shoot(page, "hostile-runs-repair.png")
    repair.locator('[data-action="cancel"]').click()
    repair.wait_for(state="detached")
    assert not console.errors_from_our_code(), console.errors_from_our_code()
