"""No edit is lost without asking, in a real JupyterLab: a job opened from the jobs browser and
renamed is not replaced by Edit on another row before the user chose (keep editing / discard /
save), and a trigger switched to another kind and back still has the cron and time zone the user
typed, and a JSON field keeps the text it refused (marked, with the message) when Python
redraws the task. One lab page for the module."""

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

BROWSER = ".loom-jb"
NOTEBOOK = "no_lost_edits_e2e.ipynb"
CHECK = {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}
FUTURE = {"task_key": "future", "future_task": {"a": 1}}
"""A task of a type the forms do not know: its body is a JSON field."""
ASKED = 10_000
"""How long a test waits for the question (ms): it comes in one round trip, or never."""


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path_factory.mktemp("no_lost_edits")) as served:
        yield served


@pytest.fixture(scope="module")
def jobs(local: tuple[Workspace, Path]) -> dict[str, int]:
    ws, _ = local
    ids = {}
    for name, task in (("alpha job", CHECK), ("beta job", CHECK), ("gamma job", FUTURE)):
        answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create",
                                         body={"name": name, "tasks": [task]})  # fmt: skip
        ids[name] = int(answer["job_id"])  # type: ignore[index]
    return ids


@pytest.fixture(scope="module")
def module_console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture(scope="module")
def lab_page(
    browser: Any,
    jupyter_lab: JupyterLab,
    local: tuple[Workspace, Path],
    jobs: dict[str, int],
    module_console: ConsoleLog,
) -> Iterator[Any]:
    """The jobs browser of the workspace, open in a notebook, for the whole module."""
    _, data = local
    write_notebook(jupyter_lab, NOTEBOOK, ["%load_ext loom_jobs_widget",
                                           f"%loom_connect local --data {data}",
                                           "%loom_jobs"])  # fmt: skip
    with watched_page(browser, module_console, viewport={"width": 1280, "height": 1000}) as page:
        open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
        page.wait_for_selector(f'{BROWSER}[data-ready="true"][data-row-count="3"]')
        yield page


def edit_row(page: Any, job_id: int) -> None:
    """Edit, from the row's menu in the jobs browser."""
    page.locator(f'{BROWSER} tr[data-job-id="{job_id}"] [data-action="menu"]').click()
    page.locator(f'{BROWSER} .loom-jb-menu [data-action="open"]').click()


def title(page: Any) -> Any:
    return page.locator(f"{EDITOR} .loom-je-title")


def test_replacing_an_edited_job_asks_first(
    lab_page: Any, module_console: ConsoleLog, local: tuple[Workspace, Path],
    jobs: dict[str, int],
) -> None:  # fmt: skip
    page = lab_page
    ws, _ = local
    alpha, beta = jobs["alpha job"], jobs["beta job"]
    edit_row(page, alpha)
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="1"]')
    assert title(page).input_value() == "alpha job"
    title(page).fill("alpha renamed")
    title(page).press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')

    # Edit on another row: the editor asks, and nothing is replaced meanwhile.
    edit_row(page, beta)
    dialog = page.locator('[data-dialog="unsaved"]')
    dialog.wait_for(timeout=ASKED)
    assert f"Job {alpha} (alpha renamed) has unsaved changes" in dialog.inner_text()
    assert "open job" in dialog.inner_text()
    page.locator(EDITOR).scroll_into_view_if_needed()
    shoot(page, "unsaved-asks.png")
    violations = axe_violations(page, EDITOR, "editor: unsaved changes dialog")
    assert not violations, "axe-core found violations:\n" + "\n".join(violations)
    page.locator(f"{BROWSER} .loom-jb-status", has_text="has unsaved changes").wait_for()

    # Keep editing: the rename is still there, in the same job.
    dialog.locator('[data-action="keep"]').click()
    dialog.wait_for(state="detached")
    assert title(page).input_value() == "alpha renamed"
    assert page.locator(EDITOR).get_attribute("data-dirty") == "true"
    shoot(page, "unsaved-kept.png")

    # Ask again and save: the rename is written, then the other job opens.
    edit_row(page, beta)
    dialog.wait_for(timeout=ASKED)
    dialog.locator('[data-action="save"]').click()
    page.wait_for_function(
        "() => document.querySelector('.loom-je .loom-je-title')?.value === 'beta job'"
    )
    saved = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": alpha})
    assert saved["settings"]["name"] == "alpha renamed"  # type: ignore[index]

    # Edit beta, then discard to open alpha: beta's edit is not written.
    page.wait_for_selector(f'{EDITOR}[data-ready="true"]')
    title(page).fill("beta scratch")
    title(page).press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    edit_row(page, alpha)
    dialog.wait_for(timeout=ASKED)
    dialog.locator('[data-action="discard"]').click()
    page.wait_for_function(
        "() => document.querySelector('.loom-je .loom-je-title')?.value === 'alpha renamed'"
    )
    shoot(page, "unsaved-discarded.png")
    stored = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": beta})
    assert stored["settings"]["name"] == "beta job"  # type: ignore[index]
    errors = module_console.errors_from_our_code()
    assert not errors, errors


def test_a_trigger_kind_switched_away_and_back_keeps_what_was_typed(
    lab_page: Any, module_console: ConsoleLog
) -> None:
    page = lab_page
    page.wait_for_selector(f'{EDITOR}[data-ready="true"]')
    page.locator(f'{EDITOR} .loom-je-tab[data-tab="schedule"]').click()
    page.wait_for_selector(f'{EDITOR}[data-tab="schedule"]')
    kinds = page.locator('[data-role="trigger-kind"]')
    kinds.locator('[data-kind="scheduled"]').click()
    page.locator('[data-role="schedule-mode"] [data-mode="advanced"]').click()
    cron = page.locator('[data-role="cron-input"]')
    cron.wait_for(state="visible")
    cron.fill("0 30 6 ? * MON-FRI")
    cron.press("Tab")
    zone = page.locator('[data-role="tz-input"]')
    zone.click()
    zone.fill("Asia/Tokyo")
    page.locator('[data-role="tz-list"] [data-zone-id="Asia/Tokyo"]').first.click()
    page.wait_for_selector('[data-role="schedule-description"]:has-text("06:30")')

    kinds.locator('[data-kind="periodic"]').click()
    page.wait_for_selector('[data-role="trigger-kind"] [data-kind="periodic"][aria-checked="true"]')
    kinds.locator('[data-kind="scheduled"]').click()
    page.wait_for_selector(
        '[data-role="trigger-kind"] [data-kind="scheduled"][aria-checked="true"]'
    )
    page.locator('[data-role="schedule-mode"] [data-mode="advanced"]').click()
    cron.wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('[data-role=\"cron-input\"]')?.value === '0 30 6 ? * MON-FRI'"
        " && document.querySelector('[data-role=\"tz-input\"]')?.value === 'Asia/Tokyo'",
        timeout=ASKED,
    )
    shoot(page, "trigger-kind-kept.png")
    errors = module_console.errors_from_our_code()
    assert not errors, errors


def test_a_json_field_keeps_the_text_it_refused(
    lab_page: Any, module_console: ConsoleLog, jobs: dict[str, int]
) -> None:
    page = lab_page
    # The trigger edits of the test before are not saved: the editor asks; discard them.
    edit_row(page, jobs["gamma job"])
    page.locator('[data-dialog="unsaved"]').wait_for(timeout=ASKED)
    page.locator('[data-dialog="unsaved"] [data-action="discard"]').click()
    page.wait_for_function(
        "() => document.querySelector('.loom-je .loom-je-title')?.value === 'gamma job'"
    )
    page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="1"]')
    page.mouse.click(*node_point(page, "future"))
    field = page.locator('.loom-f-field[data-path="future_task"]')
    area = field.locator("textarea")
    area.wait_for()
    area.fill('{"a": 2}')
    area.press("Tab")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    area.fill("{ broken")
    area.press("Tab")
    field.locator(".loom-f-local", has_text="Not valid JSON").wait_for()
    # Undo changes the task in Python, which redraws the panel: the refused text stays.
    page.locator('.loom-je-toolbar [data-action="undo"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    page.wait_for_timeout(500)  # the task Python sends after the undo has arrived
    assert area.input_value() == "{ broken"
    assert area.get_attribute("aria-invalid") == "true"
    assert field.locator(".loom-f-local", has_text="Not valid JSON").is_visible()
    shoot(page, "json-refused-kept.png")
    errors = module_console.errors_from_our_code()
    assert not errors, errors
