"""A job saved elsewhere while the editor holds unsaved edits, in a real JupyterLab: the editor
keeps the edits and shows a notice that stays, with Review and Reload. Review shows the edits on
top of the version saved elsewhere (a field both changed flagged) and Save there writes both
sides' changes; Reload shows theirs and Undo brings the edits back. And a status said twice
(two saves, two saves elsewhere) shows twice. One lab page for the module; the other side is a
second JobEditor of the same job in the notebook's kernel, saving from Python."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import axe_violations
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
from .lab import run_in_kernel

pytestmark = pytest.mark.browser

NOTEBOOK = "saved_elsewhere_e2e.ipynb"
NOTICE = f'{EDITOR} [data-role="notice"]'
REVIEW = '[data-dialog="review"]'
TASK = {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}
# Counts every toast the editor adds, by its text: a toast restarted in place counts again.
COUNT_TOASTS = """() => {
    window.loomToasts = {};
    const stack = document.querySelector('.loom-je .loom-je-toasts');
    new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) {
            const text = node.dataset?.text;
            if (text) window.loomToasts[text] = (window.loomToasts[text] ?? 0) + 1;
        }
    }).observe(stack, { childList: true });
}"""


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path_factory.mktemp("saved_elsewhere")) as served:
        yield served


@pytest.fixture(scope="module")
def job_id(local: tuple[Workspace, Path]) -> int:
    ws, _ = local
    answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create",
                                     body={"name": "shared job", "tasks": [TASK]})  # fmt: skip
    return int(answer["job_id"])  # type: ignore[index]


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
    """The job's editor in a notebook, and `other`, a second editor of it in the same kernel."""
    _, data = local
    write_notebook(jupyter_lab, NOTEBOOK, [
        "from loom_jobs_widget import JobEditor, connect\n"
        f"ws = connect('local', data_dir={str(data)!r})\n"
        f"editor = JobEditor({job_id}, ws)\n"
        f"other = JobEditor({job_id}, ws)\n"
        "editor"
    ])  # fmt: skip
    with watched_page(browser, module_console) as page:
        open_and_run_notebook(page, jupyter_lab, NOTEBOOK)
        page.wait_for_selector(f'{EDITOR}[data-ready="true"][data-node-count="1"]')
        page.evaluate(COUNT_TOASTS)
        yield page


def rename(page: Any, name: str) -> None:
    title = page.locator(f"{EDITOR} .loom-je-title")
    title.fill(name)
    title.press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')


def save_elsewhere(page: Any, code: str) -> None:
    """`other` (up to date first) changes the job and saves it, from Python."""
    run_in_kernel(page, f"other.load(other.job_id, discard=True)\n{code}\nother.save()")


def stored(ws: Workspace, job_id: int) -> dict[str, Any]:
    answer = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    return answer["settings"]  # type: ignore[index,no-any-return]


def check_axe(page: Any, view: str) -> None:
    violations = axe_violations(page, EDITOR, view)
    assert not violations, "axe-core found violations:\n" + "\n".join(violations)


def test_review_shows_the_merge_and_saves_it(
    lab_page: Any, module_console: ConsoleLog, local: tuple[Workspace, Path], job_id: int
) -> None:
    page = lab_page
    ws, _ = local
    rename(page, "mine")
    save_elsewhere(page, "other.settings = {**other.settings.to_api(), 'name': 'theirs', "
                         "'timeout_seconds': 555}")  # fmt: skip
    notice = page.locator(NOTICE)
    notice.wait_for()
    assert "saved elsewhere" in notice.inner_text()
    assert page.locator(f"{EDITOR} .loom-je-title").input_value() == "mine"  # edits kept
    page.wait_for_timeout(4500)  # toasts fade; the notice stays
    assert notice.is_visible()
    shoot(page, "saved-elsewhere-notice.png")
    check_axe(page, "editor: saved elsewhere notice")

    notice.locator('[data-action="notice-review"]').click()
    dialog = page.locator(REVIEW)
    dialog.locator(".loom-je-change").first.wait_for()
    assert "saved elsewhere" in dialog.locator(".loom-je-summary").inner_text()
    changes = dialog.locator(".loom-je-change")
    assert changes.count() == 1  # what a save writes now: only the name
    assert changes.first.get_attribute("data-conflict") == "true"  # both renamed it
    assert '"theirs" → "mine"' in changes.first.inner_text()
    page.wait_for_selector(NOTICE, state="hidden")
    shoot(page, "saved-elsewhere-review.png")
    check_axe(page, "editor: review of the merge")

    dialog.locator('[data-action="save"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    settings = stored(ws, job_id)
    assert settings["name"] == "mine" and settings["timeout_seconds"] == 555  # both sides
    shoot(page, "saved-elsewhere-merged.png")
    errors = module_console.errors_from_our_code()
    assert not errors, errors


def test_reload_shows_theirs_and_undo_brings_the_edits_back(
    lab_page: Any, module_console: ConsoleLog
) -> None:
    page = lab_page
    title = page.locator(f"{EDITOR} .loom-je-title")
    rename(page, "my draft")
    save_elsewhere(page, "other.settings = {**other.settings.to_api(), 'name': 'their name'}")
    page.locator(NOTICE).wait_for()
    page.locator(f'{NOTICE} [data-action="notice-reload"]').click()
    page.wait_for_function(
        "() => document.querySelector('.loom-je .loom-je-title')?.value === 'their name'"
    )
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert not page.locator(NOTICE).is_visible()
    shoot(page, "saved-elsewhere-reloaded.png")

    page.locator('.loom-je-toolbar [data-action="undo"]').click()
    page.wait_for_function(
        "() => document.querySelector('.loom-je .loom-je-title')?.value === 'my draft'"
    )
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    assert title.input_value() == "my draft"
    shoot(page, "saved-elsewhere-undone.png")
    run_in_kernel(page, "editor.discard()")  # back to the saved job for the next test
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    errors = module_console.errors_from_our_code()
    assert not errors, errors


def test_a_status_said_twice_shows_twice(
    lab_page: Any, module_console: ConsoleLog, job_id: int
) -> None:
    page = lab_page
    page.evaluate("() => { window.loomToasts = {}; }")
    # Two saves of this editor, from the Review & save dialog.
    for name in ("first save", "second save"):
        rename(page, name)
        page.locator('.loom-je-toolbar [data-action="review"]').click()
        page.locator(f'{REVIEW} [data-action="save"]:not([disabled])').click()
        page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    saved = f"Saved job {job_id}."
    page.wait_for_function(f"() => window.loomToasts[{saved!r}] === 2", timeout=5_000)

    # Two saves elsewhere while this editor is clean: the same words twice, both shown.
    said = f"Job {job_id} was saved elsewhere; showing the saved version."
    for timeout in (61, 62):
        save_elsewhere(page, f"other.settings = {{**other.settings.to_api(), "
                             f"'timeout_seconds': {timeout}}}")  # fmt: skip
        page.wait_for_function(
            f"() => (window.loomToasts[{said!r}] ?? 0) >= {1 if timeout == 61 else 2}",
            timeout=5_000,
        )
    shoot(page, "status-twice.png")
    errors = module_console.errors_from_our_code()
    assert not errors, errors
