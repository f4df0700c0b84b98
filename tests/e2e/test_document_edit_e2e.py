"""The JSON / YAML view as an editor, in a real JupyterLab: broken JSON is refused with its
line marked in the gutter; fixed, with a task's timeout changed and a field the editor has no
form for added, it applies as one edit that the panel shows and Undo takes back; in bundle YAML
a rename applies, saves, and reads back through the SDK with every other field intact. The
dialog stays axe-core clean in each state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace

from .actions import axe_violations, editor_notebook, node_point, wait_ready
from .conftest import EDITOR, ConsoleLog, JupyterLab, open_and_run_notebook, shoot

pytestmark = pytest.mark.browser

DIALOG = '[data-dialog="document"]'
TEXT = f"{DIALOG} textarea.loom-je-doc"

JOB: dict[str, Any] = {
    "name": "e2e document edit",
    "x_kept_field": {"from": "a future API", "list": [1, None]},
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {"task_key": "report", "depends_on": [{"task_key": "ingest"}],
         "notebook_task": {"notebook_path": "/etl/report"}},
    ],
}  # fmt: skip


def stored(ws: Workspace, job_id: int) -> dict[str, Any]:
    answer = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    assert isinstance(answer, dict)
    settings: dict[str, Any] = answer["settings"]
    return settings


def open_view(page: Any, text_format: str = "json") -> Any:
    page.locator('.loom-je-toolbar [data-action="json"]').click()
    if text_format != "json":
        page.wait_for_selector(f'{TEXT}[data-format="json"]:not([data-loading])')
        page.locator(f'{DIALOG} [data-action="format-{text_format}"]').click()
    page.wait_for_selector(f'{TEXT}[data-format="{text_format}"]:not([data-loading])')
    return page.locator(TEXT)


def apply(page: Any, level: str) -> str:
    page.locator(f'{DIALOG} [data-action="apply"]').click()
    message = page.locator(f'{DIALOG} [data-role="document-message"][data-level="{level}"]')
    message.wait_for()
    text: str = message.inner_text()
    return text


def test_edit_the_job_as_json_and_as_bundle_yaml(
    page: Any, jupyter_lab: JupyterLab, console: ConsoleLog, local: tuple[Workspace, Path]
) -> None:
    ws, data = local
    job_id = int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]
    before = stored(ws, job_id)
    editor_notebook(jupyter_lab, "document_edit_e2e.ipynb", data, job_id)
    open_and_run_notebook(page, jupyter_lab, "document_edit_e2e.ipynb")
    wait_ready(page, 2)
    violations: list[str] = []

    # Broken JSON: refused, the line marked, nothing changed.
    text = open_view(page)
    shown = json.loads(text.input_value())
    lines = json.dumps(shown, indent=2).split("\n")
    broken_at = next(i for i, line in enumerate(lines) if '"name"' in line) + 1
    lines[broken_at - 1] = lines[broken_at - 1].rstrip(",")
    text.fill("\n".join(lines))
    message = apply(page, "error")
    assert f"line {broken_at + 1}, column" in message and "Expecting ',' delimiter" in message
    mark = page.locator(f'{DIALOG} [data-role="error-line"]')
    assert mark.get_attribute("data-line") == str(broken_at + 1)
    assert text.get_attribute("aria-invalid") == "true"
    assert page.locator(EDITOR).get_attribute("data-dirty") == "false"
    shoot(page, "document-edit-parse-error.png", DIALOG)
    violations += axe_violations(page, DIALOG, "JSON view: parse error")

    # Fixed, a timeout changed and an unknown field added: one edit, shown, undone.
    shown["tasks"][1]["timeout_seconds"] = 5400
    shown["x_added_in_json"] = True
    text.fill(json.dumps(shown, indent=2))
    assert mark.get_attribute("data-line") is None  # typing clears the mark
    message = apply(page, "success")
    assert "Applied the JSON as one edit" in message
    page.wait_for_selector(f'{EDITOR}[data-dirty="true"]')
    page.wait_for_function(
        f"() => JSON.parse(document.querySelector('{TEXT}').value).x_added_in_json === true"
    )
    shoot(page, "document-edit-applied.png", DIALOG)
    violations += axe_violations(page, DIALOG, "JSON view: applied")
    page.locator(f'{DIALOG} [data-action="cancel"]').click()
    undo = page.locator('.loom-je-toolbar [data-action="undo"]')
    assert undo.get_attribute("aria-label") == "edit as JSON"
    x, y = node_point(page, "report")
    page.mouse.click(x, y)
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="report"]')
    timeout = page.locator(f'{EDITOR} [data-path="timeout_seconds"][data-kind="duration"]').first
    amount = timeout.locator("input").first
    assert (amount.input_value(), timeout.locator("select").input_value()) == ("90", "min")
    timeout.scroll_into_view_if_needed()
    shoot(page, "document-edit-panel.png")
    undo.click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert amount.input_value() in ("", "0")
    text = open_view(page)
    assert json.loads(text.input_value()) == {k: v for k, v in before.items()}
    page.locator(f'{DIALOG} [data-action="cancel"]').click()

    # Bundle YAML: a rename applies, saves and reads back with everything else intact.
    text = open_view(page, "bundle")
    yaml_text = text.input_value()
    assert yaml_text.startswith("resources:\n  jobs:\n    e2e_document_edit:\n")
    text.fill(yaml_text.replace("name: e2e document edit", "name: renamed in yaml"))
    assert "Applied the YAML as one edit" in apply(page, "success")
    violations += axe_violations(page, DIALOG, "bundle YAML view: applied")
    shoot(page, "document-edit-bundle.png", DIALOG)
    page.locator(f'{DIALOG} [data-action="cancel"]').click()
    assert page.locator(".loom-je-title").input_value() == "renamed in yaml"
    page.locator('.loom-je-toolbar [data-action="review"]').click()
    review = page.locator('[data-dialog="review"]')
    review.locator(".loom-je-change").first.wait_for()
    assert review.locator(".loom-je-change").count() == 1
    review.locator('[data-action="save"]').click()
    page.wait_for_selector(f'{EDITOR}[data-dirty="false"]')
    assert stored(ws, job_id) == {**before, "name": "renamed in yaml"}

    assert violations == [], "\n".join(violations)
    assert not console.errors_from_our_code(), console.errors_from_our_code()
