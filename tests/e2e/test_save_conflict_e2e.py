"""A save someone else partly writes over, in a real JupyterLab: the user renames a job and saves,
someone else renames it too right after the editor's write; the review dialog says so in plain
words (theirs, yours, what to do) and lists what Save would write now, the rename is kept as
unsaved, and Save writes it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import editor_notebook, wait_ready
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, run_in_kernel, shoot

pytestmark = pytest.mark.browser

# In the kernel: someone else's jobs/update of the name, once, right after the editor's write.
_THEIRS_AFTER_OURS = """
_do = ws.client.api_client.do
_pending = [{"name": "their name"}]
def _write_after(method, path, *args, **kwargs):
    answer = _do(method, path, *args, **kwargs)
    if method == "POST" and path.endswith("/jobs/update") and _pending:
        body = {"job_id": kwargs["body"]["job_id"], "new_settings": _pending.pop()}
        _do("POST", "/api/2.2/jobs/update", body=body)
    return answer
ws.client.api_client.do = _write_after
"""


def stored_name(ws: Workspace, job_id: int) -> Any:
    answer = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    assert isinstance(answer, dict)
    return answer["settings"]["name"]


def test_a_save_written_over_says_so_and_saves_again(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    created = ws.jobs.create({
        "name": "e2e conflict",
        "tasks": [{"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}}],
    })  # fmt: skip
    job_id = int(created.job_id)  # type: ignore[arg-type]
    editor_notebook(jupyter_lab, "save_conflict_e2e.ipynb", data, job_id)
    open_and_run_notebook(page, jupyter_lab, "save_conflict_e2e.ipynb")
    wait_ready(page, 1)
    run_in_kernel(page, _THEIRS_AFTER_OURS)

    title = page.locator(".loom-je-title")
    title.fill("my name")
    title.press("Enter")
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator(".loom-je-change").first.wait_for()
    review.locator('[data-action="save"]').click()

    error = review.locator('[data-role="save-error"]')
    error.wait_for()
    assert error.inner_text() == (
        f'Saved job {job_id}, but someone else changed name at the same time: the job now has '
        '"their name"; yours was "my name". Reload theirs (Undo) or save yours again (Save).'
    )
    assert error.get_attribute("data-conflict") == "true"
    # The list shows what Save writes now: yours over theirs.
    review.locator(".loom-je-before", has_text='"their name"').wait_for()
    assert review.locator(".loom-je-change-values").all_inner_texts() == [
        '"their name" → "my name"'
    ]
    assert error.is_visible()
    shoot(page, "editor-save-written-over.png", '[data-dialog="review"]')
    assert page.locator(EDITOR).get_attribute("data-dirty") == "true"
    assert title.input_value() == "my name"
    assert stored_name(ws, job_id) == "their name"

    # Save yours again.
    review.locator('[data-action="save"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert stored_name(ws, job_id) == "my name"
    assert not console.errors_from_our_code(), console.errors_from_our_code()
